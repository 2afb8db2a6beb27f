import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Fetch } from './model-setup.js';

/** Options of {@link createNodeFetch}. */
export interface NodeFetchOptions {
  /**
   * Answers the requests this transport does not carry itself (a body that is a stream, a form or
   * a blob: file uploads, which Baton never sends). Default: the global `fetch`.
   */
  fallback?: Fetch;
  /**
   * The connection pools to use, e.g. an `https.Agent` that trusts your own CA. Default: keep-alive
   * agents of this transport's own.
   */
  agents?: { http?: HttpAgent; https?: HttpsAgent };
}

/** Statuses whose response has no body (the Fetch standard's "null body status"). */
const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);

/**
 * A `fetch` for the `openai` SDK over Node's own `http`/`https` clients, with keep-alive
 * connections per origin: the default transport of every model `createModel` builds.
 *
 * The global `fetch` (undici's) spends about three times the CPU of `http.request` on each call
 * (measured in this repository: 1.17–1.40 ms against 0.36–0.49 ms per 6 KB chat request on a
 * loopback host, 0.62–0.68 ms with the `Response` this builds), which on a replay of many short
 * turns is a large share of the harness's own work. It does what the SDK needs of a fetch: method,
 * headers and a string or byte body; a `Response` as soon as the headers arrive, whose body streams
 * (server-sent events) with backpressure; gzip, deflate and brotli bodies decoded as `fetch`
 * decodes them; aborts through `signal` rejecting with its reason, an `AbortError` by default
 * (before or after the headers); a network failure rejecting as `fetch` does (`TypeError('fetch failed')` with the
 * socket's error as `cause`). Redirects are not followed (an API call is never redirected; the
 * SDK reports the 3xx). Bodies it does not carry go to `fallback`.
 *
 * @example
 * ```ts
 * const model = createModel('openai:gpt-4.1-mini', { fetch: createNodeFetch() }); // the default
 * ```
 */
export function createNodeFetch(options: NodeFetchOptions = {}): Fetch {
  const fallback: Fetch = options.fallback ?? ((input, init) => globalThis.fetch(input, init));
  // Idle keep-alive sockets are unreferenced by Node's agent: they never hold the process open.
  const agents = {
    'http:': options.agents?.http ?? new HttpAgent({ keepAlive: true }),
    'https:': options.agents?.https ?? new HttpsAgent({ keepAlive: true }),
  };
  return (input, init = {}) => {
    if (input instanceof Request || !isCarriedBody(init.body)) return fallback(input, init);
    const url = new URL(String(input));
    const agent = url.protocol === 'http:' || url.protocol === 'https:' ? agents[url.protocol] : undefined;
    if (agent === undefined) return fallback(input, init);
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const body = bodyBytes(init.body);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    headers['accept-encoding'] ??= 'gzip, deflate, br';
    if (body !== undefined) headers['content-length'] = String(body.byteLength);

    return new Promise<Response>((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const request = send(url, { method: init.method ?? 'GET', headers, agent });
      let settled = false;
      let message: IncomingMessage | undefined;
      const onAbort = () => {
        const error = abortError(signal!);
        const cause = error instanceof Error ? error : undefined;
        request.destroy(cause);
        message?.destroy(cause);
        if (!settled) {
          settled = true;
          reject(error);
        }
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const release = () => signal?.removeEventListener('abort', onAbort);
      request.on('error', (error) => {
        release();
        if (settled) return;
        settled = true;
        reject(signal?.aborted ? abortError(signal) : new TypeError('fetch failed', { cause: error }));
      });
      request.on('response', (incoming) => {
        message = incoming;
        settled = true;
        const status = incoming.statusCode ?? 0;
        const responseHeaders = new Headers();
        for (let index = 0; index + 1 < incoming.rawHeaders.length; index += 2) {
          responseHeaders.append(incoming.rawHeaders[index]!, incoming.rawHeaders[index + 1]!);
        }
        const hasBody = !nullBodyStatuses.has(status) && init.method !== 'HEAD';
        if (!hasBody) {
          // Nothing reads it: drained, and a late socket error (an abort) must not go unheard.
          incoming.on('error', () => {});
          incoming.resume();
        }
        const decoded = hasBody ? decode(incoming, responseHeaders.get('content-encoding')) : undefined;
        incoming.on('end', release);
        incoming.on('close', release);
        const response = new Response(decoded === undefined ? null : streamOf(decoded, incoming, signal), {
          status,
          statusText: incoming.statusMessage ?? '',
          headers: responseHeaders,
        });
        Object.defineProperty(response, 'url', { value: url.href });
        resolve(response);
      });
      request.end(body);
    });
  };
}

function isCarriedBody(body: unknown): boolean {
  return (
    body === undefined ||
    body === null ||
    typeof body === 'string' ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    body instanceof URLSearchParams
  );
}

function bodyBytes(body: RequestInit['body']): Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof URLSearchParams) return Buffer.from(String(body));
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  const view = body as ArrayBufferView;
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** The body as `fetch` hands it out: decoded per `content-encoding` (the last coding applied first). */
function decode(incoming: IncomingMessage, encoding: string | null): Readable {
  let stream: Readable = incoming;
  const codings = (encoding ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  for (const coding of codings.reverse()) {
    const decoder =
      coding === 'gzip' || coding === 'x-gzip'
        ? createGunzip()
        : coding === 'deflate'
          ? createInflate()
          : coding === 'br'
            ? createBrotliDecompress()
            : undefined;
    // An unknown coding is handed out as is, as undici does.
    if (decoder === undefined) return stream;
    const source = stream;
    source.on('error', (error) => decoder.destroy(error));
    stream = source.pipe(decoder);
  }
  return stream;
}

/** A web stream over a Node one: pulls pause and resume it, so a slow reader holds the socket back. */
function streamOf(
  source: Readable,
  incoming: IncomingMessage,
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> {
  // Once the reader cancels, or the stream closed or failed, late events from the socket are dropped.
  let finished = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      source.on('data', (chunk: Buffer) => {
        if (finished) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) source.pause();
      });
      source.once('end', () => {
        if (finished) return;
        finished = true;
        controller.close();
      });
      source.once('error', (error) => {
        if (finished) return;
        finished = true;
        controller.error(
          signal?.aborted ? abortError(signal) : new TypeError('terminated', { cause: error }),
        );
      });
      source.pause();
    },
    pull() {
      source.resume();
    },
    cancel() {
      finished = true;
      // The socket too (not only a decoder reading from it): a half-read response cannot be reused.
      incoming.destroy();
      source.destroy();
    },
  });
}

/** What an aborted `fetch` rejects with, as undici's: the signal's reason, else an `AbortError`. */
function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}
