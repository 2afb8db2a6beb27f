import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, Agent as HttpsAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeFetch } from './node-fetch.js';

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

const servers: Server[] = [];

/** A local HTTP server; `connections` counts the TCP connections it accepted. */
async function serve(handler: Handler): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handler(request, Buffer.concat(chunks).toString('utf8'), response));
  });
  server.on('connection', () => {
    connections += 1;
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, connections: () => connections };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('createNodeFetch', () => {
  it('sends the method, headers and body, and answers with the status, headers and body', async () => {
    const { url } = await serve((request, body, response) => {
      response.writeHead(201, 'Made', {
        'content-type': 'application/json',
        'x-echo': request.headers['x-key'],
      });
      response.end(
        JSON.stringify({ method: request.method, body, length: request.headers['content-length'] }),
      );
    });
    const fetch = createNodeFetch();
    const response = await fetch(`${url}/v1/chat`, {
      method: 'POST',
      headers: { 'x-key': 'k1', 'content-type': 'application/json' },
      body: '{"a":"é"}',
    });
    expect(response.status).toBe(201);
    expect(response.statusText).toBe('Made');
    expect(response.ok).toBe(true);
    expect(response.headers.get('x-echo')).toBe('k1');
    expect(response.url).toBe(`${url}/v1/chat`);
    expect(await response.json()).toEqual({ method: 'POST', body: '{"a":"é"}', length: '10' });
  });

  it('gives the global fetch status, headers and body on the same answers', async () => {
    const { url } = await serve((request, _body, response) => {
      const status = Number(request.url?.slice(1));
      response.writeHead(status, { 'content-type': 'text/plain', 'retry-after': '2' });
      response.end(status === 204 ? undefined : `status ${status}`);
    });
    const fetch = createNodeFetch();
    for (const status of [200, 204, 404, 429, 500]) {
      const [ours, theirs] = await Promise.all([
        fetch(`${url}/${status}`),
        globalThis.fetch(`${url}/${status}`),
      ]);
      expect([ours.status, ours.headers.get('retry-after'), await ours.text()]).toEqual([
        theirs.status,
        theirs.headers.get('retry-after'),
        await theirs.text(),
      ]);
    }
  });

  it('decodes gzip, deflate and brotli bodies as fetch does', async () => {
    const text = JSON.stringify({ data: 'x'.repeat(2000) });
    const encoders: Record<string, (input: Buffer) => Buffer> = {
      gzip: gzipSync,
      deflate: deflateSync,
      br: brotliCompressSync,
    };
    const { url } = await serve((request, _body, response) => {
      const coding = request.url!.slice(1);
      response.writeHead(200, { 'content-encoding': coding });
      response.end(encoders[coding]!(Buffer.from(text)));
    });
    const fetch = createNodeFetch();
    for (const coding of Object.keys(encoders))
      expect(await (await fetch(`${url}/${coding}`)).text()).toBe(text);
  });

  it('streams a body as it arrives (server-sent events), before the response ends', async () => {
    let finish: (() => void) | undefined;
    const { url } = await serve((_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: one\n\n');
      finish = () => response.end('data: [DONE]\n\n');
    });
    const response = await createNodeFetch()(url);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('data: one\n\n');
    finish!();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      rest += new TextDecoder().decode(chunk.value);
    expect(rest).toBe('data: [DONE]\n\n');
  });

  it('rejects with the abort reason before the headers, and errors the body after them', async () => {
    const { url } = await serve((request, _body, response) => {
      if (request.url === '/slow-headers') return; // never answers
      response.writeHead(200);
      response.write('partial');
    });
    const fetch = createNodeFetch();
    const early = new AbortController();
    const pending = fetch(`${url}/slow-headers`, { signal: early.signal });
    early.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect(fetch(url, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });

    const late = new AbortController();
    const response = await fetch(`${url}/slow-body`, { signal: late.signal });
    const reader = response.body!.getReader();
    await reader.read();
    late.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects a refused connection as fetch does: a TypeError with the socket error as cause', async () => {
    const { url } = await serve(() => {});
    const closed = servers.pop()!;
    await new Promise((resolve) => closed.close(resolve));
    const failure = await createNodeFetch()(url).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as TypeError).message).toBe('fetch failed');
    expect((failure as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
  });

  it('keeps the connection alive between calls', async () => {
    const { url, connections } = await serve((_request, _body, response) => response.end('ok'));
    const fetch = createNodeFetch();
    for (let call = 0; call < 3; call += 1) expect(await (await fetch(url)).text()).toBe('ok');
    expect(connections()).toBe(1);
  });

  it('speaks HTTPS through the https agent it is given (a CA of its own)', async () => {
    const tls = (name: string) => readFileSync(new URL(`../test/fixtures/tls/${name}`, import.meta.url));
    const server = createHttpsServer(
      { cert: tls('localhost-cert.pem'), key: tls('localhost-key.pem') },
      (request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ secure: true, method: request.method }));
      },
    );
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fetch = createNodeFetch({
      agents: { https: new HttpsAgent({ keepAlive: true, ca: tls('localhost-cert.pem') }) },
    });
    const response = await fetch(`https://127.0.0.1:${port}/v1/models`, { method: 'POST', body: '{}' });
    expect(await response.json()).toEqual({ secure: true, method: 'POST' });
    // Without the CA the certificate is refused, as the global fetch refuses it.
    const refused = await createNodeFetch()(`https://127.0.0.1:${port}/`).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as { cause?: { code?: string } }).cause?.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('hands a body it does not carry (a stream) to the fallback', async () => {
    const seen: unknown[] = [];
    const fetch = createNodeFetch({
      fallback: async (_input, init) => {
        seen.push(init?.body);
        return new Response('fallback');
      },
    });
    const body = new ReadableStream({ start: (controller) => controller.close() });
    expect(await (await fetch('http://127.0.0.1:9/upload', { method: 'POST', body })).text()).toBe(
      'fallback',
    );
    expect(seen).toEqual([body]);
  });
});
