import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from './manual-clock.js';
import { createMockOpenAIServer, type MockOpenAIServer, reply } from './mock-openai-server.js';

let server: MockOpenAIServer;
beforeEach(async () => {
  server = await createMockOpenAIServer();
});
afterEach(async () => {
  await server.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('createMockOpenAIServer', () => {
  it('listens on 127.0.0.1 with a base URL ending in /v1', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });

  it('logs every request with method, path, lower-cased headers and parsed body', async () => {
    await post('/chat/completions', { model: 'm', messages: [] }, { Authorization: 'Bearer k' });
    expect(server.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/v1/chat/completions',
        body: { model: 'm', messages: [] },
        headers: expect.objectContaining({ authorization: 'Bearer k' }),
      }),
    ]);
  });

  it('answers deterministically from the request when nothing is scripted', async () => {
    const ask = async () =>
      (await post('/chat/completions', { model: 'm', messages: [{ role: 'user', content: 'Hi' }] })).json();
    const [first, second] = [await ask(), await ask()];
    expect(first).toEqual(second);
    expect(first).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { content: 'Mock answer to: Hi' } }],
    });
  });

  it('serves queued replies first, then the handler, then the default', async () => {
    server.enqueue(reply.error(429, { headers: { 'retry-after': '1' } }));
    server.setHandler((request) =>
      request.path.endsWith('/embeddings') ? undefined : reply.json({ handled: true }),
    );
    const limited = await post('/chat/completions', {});
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '1']);
    expect(await limited.json()).toMatchObject({ error: { message: 'Mock error 429' } });
    expect(await (await post('/chat/completions', {})).json()).toEqual({ handled: true });
    expect(await (await post('/embeddings', { input: ['a'] })).json()).toMatchObject({ object: 'list' });
  });

  it('streams SSE ending with data: [DONE], with a usage chunk only when asked', async () => {
    const body = (includeUsage: boolean) => ({
      model: 'm',
      stream: true,
      ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const withUsage = await (await post('/chat/completions', body(true))).text();
    const without = await (await post('/chat/completions', body(false))).text();
    expect(withUsage.endsWith('data: [DONE]\n\n')).toBe(true);
    const events = withUsage.split('\n\n').filter((event) => event.startsWith('data: {'));
    expect(JSON.parse(events.at(-1)!.slice(6))).toMatchObject({
      choices: [],
      usage: { prompt_tokens: expect.any(Number) },
    });
    expect(without).not.toContain('"prompt_tokens"');
  });

  it('closes hanging connections on close', async () => {
    server.enqueue(reply.hang());
    const pending = post('/chat/completions', {}).then(
      () => 'answered',
      () => 'dropped',
    );
    await server.waitForRequests(1);
    await server.close();
    expect(await pending).toBe('dropped');
  });

  it('tells when a number of requests have arrived', async () => {
    let arrived = false;
    const two = server.waitForRequests(2).then(() => {
      arrived = true;
    });
    await post('/chat/completions', {});
    await server.waitForRequests(1);
    expect(arrived).toBe(false);
    await post('/chat/completions', {});
    await two;
    expect(server.requests).toHaveLength(2);
  });

  it('times latency and scripted delays on the clock it is given', async () => {
    const clock = createManualClock();
    const timed = await createMockOpenAIServer({ clock, latencyMs: 50 });
    try {
      timed.enqueue(reply.json({ ok: true }, { delayMs: 100 }));
      let answered = false;
      const answer = fetch(`${timed.url}/models`).then((response) => {
        answered = true;
        return response.json();
      });
      await timed.waitForRequests(1);
      // Nothing is sent before the clock reaches 50 + 100 ms, however long the test takes.
      await clock.advance(149);
      expect(answered).toBe(false);
      await clock.advance(1);
      expect(await answer).toEqual({ ok: true });
    } finally {
      await timed.close();
    }
  });
});
