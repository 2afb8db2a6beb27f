import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatRequest, ChatStreamPart } from '@baton/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CassetteMode, cassetteTagHeader, createCassetteFetch } from './cassette-fetch.js';
import { normalizeRequest, requestKey } from './cassette-request.js';
import { createEmbeddingModel, createModel } from './create-model.js';
import { createLimiterRegistry } from './limiter-registry.js';
import { CassetteMissError } from './provider-error.js';
import {
  chatCompletionChunks,
  createManualClock,
  createMockOpenAIServer,
  type MockOpenAIServer,
  reply,
} from './testing/index.js';

const secret = 'sk-test-very-secret-key';
const question: ChatRequest = { messages: [{ role: 'user', content: 'What is the capital of France?' }] };

let server: MockOpenAIServer;
let directory: string;
let cassettePath: string;

beforeEach(async () => {
  server = await createMockOpenAIServer();
  directory = await mkdtemp(join(tmpdir(), 'baton-cassette-'));
  cassettePath = join(directory, 'nested', 'tape.jsonl');
});
afterEach(async () => {
  await server.close();
  await rm(directory, { recursive: true, force: true });
});

/** A model whose transport is a cassette; in replay mode it has neither key nor server. */
function modelOn(mode: CassetteMode, model = 'openai:gpt-4.1-mini') {
  const fetch = createCassetteFetch({ mode, path: cassettePath });
  const live =
    mode === 'replay' ? { env: {} } : { env: { OPENAI_API_KEY: secret, OPENAI_BASE_URL: server.url } };
  return createModel(model, {
    ...live,
    fetch,
    limiters: createLimiterRegistry(),
    retry: { sleep: async () => {} },
  });
}

async function collect(stream: AsyncIterable<ChatStreamPart>): Promise<ChatStreamPart[]> {
  const parts: ChatStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe('createCassetteFetch', () => {
  it('replays recorded answers, streams and embeddings identically with the server stopped', async () => {
    const toolRequest: ChatRequest = {
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [{ name: 'weather', description: 'Weather now', parameters: { type: 'object' } }],
    };
    server.enqueue(
      reply.chat({ content: 'Paris.' }),
      reply.chat({ toolCalls: [{ id: 'call_1', name: 'weather', arguments: '{"city":"Oslo"}' }] }),
      reply.chat({ content: 'Paris, on the Seine.' }),
    );
    const recorder = modelOn('record');
    const recorded = {
      plain: await recorder.generate(question),
      tools: await recorder.generate(toolRequest),
      stream: await collect(recorder.stream!(question)),
    };
    const embedOptions = (mode: CassetteMode) => ({
      env: mode === 'replay' ? {} : { OPENAI_API_KEY: secret, OPENAI_BASE_URL: server.url },
      fetch: createCassetteFetch({ mode, path: cassettePath, append: true }),
      limiters: createLimiterRegistry(),
    });
    const recordedEmbeddings = await createEmbeddingModel(
      'openai:text-embedding-3-small',
      embedOptions('record'),
    ).embed({
      values: ['a', 'b'],
    });
    await server.close();

    const player = modelOn('replay');
    expect(await player.generate(question)).toEqual(recorded.plain);
    expect(await player.generate(toolRequest)).toEqual(recorded.tools);
    expect(await collect(player.stream!(question))).toEqual(recorded.stream);
    const replayedEmbeddings = await createEmbeddingModel(
      'openai:text-embedding-3-small',
      embedOptions('replay'),
    ).embed({
      values: ['a', 'b'],
    });
    expect(replayedEmbeddings).toEqual(recordedEmbeddings);
    expect(recorded.stream.at(-1)).toMatchObject({
      type: 'finish',
      response: { message: { content: 'Paris, on the Seine.' } },
    });
  });

  it('never writes the API key or any auth header to the cassette', async () => {
    const fetch = createCassetteFetch({ mode: 'record', path: cassettePath });
    const model = createModel('openai:gpt-4.1-mini', {
      env: { OPENAI_API_KEY: secret, OPENAI_BASE_URL: server.url },
      headers: { 'x-api-key': secret, cookie: `session=${secret}` },
      fetch,
      limiters: createLimiterRegistry(),
    });
    await model.generate(question);
    await collect(model.stream!(question));
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${secret}`);
    const text = await readFile(cassettePath, 'utf8');
    expect(text).not.toContain(secret);
    expect(text.toLowerCase()).not.toContain('authorization');
    expect(text.toLowerCase()).not.toContain('bearer');
  });

  it('stores a stream as its raw SSE text and replays it byte for byte', async () => {
    const chunks = chatCompletionChunks({ content: 'Paris' });
    server.enqueue(reply.sse(chunks));
    const body = JSON.stringify({ model: 'm', stream: true, messages: [] });
    const recordFetch = createCassetteFetch({ mode: 'record', path: cassettePath });
    const live = await (await recordFetch(`${server.url}/chat/completions`, { method: 'POST', body })).text();
    const expected = `${chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join('')}data: [DONE]\n\n`;
    expect(live).toBe(expected);
    const replayFetch = createCassetteFetch({ mode: 'replay', path: cassettePath });
    const replayed = await replayFetch('https://elsewhere.example/v1/chat/completions', {
      method: 'POST',
      body,
    });
    expect(replayed.headers.get('content-type')).toContain('text/event-stream');
    expect(await replayed.text()).toBe(expected);
  });

  it('explains a miss with the closest recording and the field that differs', async () => {
    await modelOn('record').generate(question);
    const changed: ChatRequest = { messages: [{ role: 'user', content: 'What is the capital of Spain?' }] };
    const error = await modelOn('replay')
      .generate(changed)
      .then(
        () => undefined,
        (rejection: unknown) => rejection,
      );
    expect(error).toBeInstanceOf(CassetteMissError);
    const miss = error as CassetteMissError;
    expect(miss.code).toBe('cassette-miss');
    expect(miss.differences).toEqual([
      {
        path: 'body.messages[0].content',
        recorded: 'What is the capital of France?',
        actual: 'What is the capital of Spain?',
      },
    ]);
    expect(miss.message).toContain('No recording in');
    expect(miss.message).toContain(
      'body.messages[0].content: recorded "What is the capital of France?", now "What is the capital of Spain?"',
    );
  });

  it('fails a miss on an empty or missing cassette with a hint to record first', async () => {
    await expect(modelOn('replay').generate(question)).rejects.toThrow('Record it first');
  });

  it('serves identical requests in recorded order, then repeats the last', async () => {
    server.enqueue(reply.chat({ content: 'first' }), reply.chat({ content: 'second' }));
    const recorder = modelOn('record');
    await recorder.generate(question);
    await recorder.generate(question);
    const player = modelOn('replay');
    const answers = [];
    for (let run = 0; run < 3; run++) answers.push((await player.generate(question)).message.content);
    expect(answers).toEqual(['first', 'second', 'second']);
  });

  it('gives each tagged caller its own answer to identical concurrent requests, whatever the order', async () => {
    // Two conversations send the same request at once; the host finishes the second one first.
    const url = 'https://host.example/v1/chat/completions';
    const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] });
    const pending: { headers: Headers; answer: (text: string) => void }[] = [];
    let bothArrived: () => void = () => {};
    const arrived = new Promise<void>((resolve) => {
      bothArrived = resolve;
    });
    const host = (_input: string | URL | Request, init?: RequestInit) =>
      new Promise<Response>((resolve) => {
        pending.push({ headers: new Headers(init?.headers), answer: (text) => resolve(new Response(text)) });
        if (pending.length === 2) bothArrived();
      });
    const call = (fetch: ReturnType<typeof createCassetteFetch>, tag?: string) =>
      fetch(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...(tag ? { [cassetteTagHeader]: tag } : {}) },
      }).then((response) => response.text());
    const recorder = createCassetteFetch({ mode: 'record', path: cassettePath, fetch: host });
    const first = call(recorder, 'conversation-a');
    const second = call(recorder, 'conversation-b');
    await arrived;
    // The host never sees the tag.
    expect(pending.map((request) => request.headers.has(cassetteTagHeader))).toEqual([false, false]);
    pending[1]!.answer('answer for b');
    await second;
    pending[0]!.answer('answer for a');
    expect([await first, await second]).toEqual(['answer for a', 'answer for b']);

    for (const order of [
      ['conversation-a', 'conversation-b'],
      ['conversation-b', 'conversation-a'],
    ]) {
      const player = createCassetteFetch({ mode: 'replay', path: cassettePath });
      const answers = await Promise.all(order.map((tag) => call(player, tag)));
      expect(Object.fromEntries(order.map((tag, index) => [tag, answers[index]]))).toEqual({
        'conversation-a': 'answer for a',
        'conversation-b': 'answer for b',
      });
    }
    // Untagged, identical requests replay in the order the host finished them while recording.
    const untagged = createCassetteFetch({ mode: 'replay', path: cassettePath });
    expect([await call(untagged), await call(untagged)]).toEqual(['answer for b', 'answer for a']);
  });

  it('keeps tagged and untagged answers apart, and reads the tag of a Request object', async () => {
    const url = 'https://host.example/v1/chat/completions';
    const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] });
    let answered = 0;
    const host = async () => new Response(`answer ${++answered}`);
    const recorder = createCassetteFetch({ mode: 'record', path: cassettePath, fetch: host });
    const read = (response: Promise<Response>) => response.then((reply) => reply.text());
    const tagged = (tag: string) => ({ method: 'POST', body, headers: { [cassetteTagHeader]: tag } });
    expect(await read(recorder(url, tagged('a')))).toBe('answer 1');
    expect(await read(recorder(url, { method: 'POST', body }))).toBe('answer 2');
    const player = createCassetteFetch({ mode: 'replay', path: cassettePath });
    // The untagged request gets the untagged answer, not the one a tagged caller got first.
    expect(await read(player(url, { method: 'POST', body }))).toBe('answer 2');
    expect(await read(player(new Request(url, tagged('a'))))).toBe('answer 1');
  });

  it('records no answer for a Request its caller aborted, and replays one the caller did not', async () => {
    const url = 'https://host.example/v1/chat/completions';
    const request = (signal?: AbortSignal) =>
      new Request(url, { method: 'POST', body: '{"q":"hi"}', ...(signal ? { signal } : {}) });
    // The host fails the call once the caller's signal, carried by the Request object, aborts.
    const host = async (input: string | URL | Request) => {
      if (input instanceof Request && input.signal.aborted) throw new DOMException('aborted', 'AbortError');
      return new Response('answer');
    };
    const recorder = createCassetteFetch({ mode: 'record', path: cassettePath, fetch: host });
    await expect(recorder(request(AbortSignal.abort()))).rejects.toThrow('aborted');
    expect(await (await recorder(request())).text()).toBe('answer');
    const lines = (await readFile(cassettePath, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    const player = createCassetteFetch({ mode: 'replay', path: cassettePath });
    expect(await (await player(request())).text()).toBe('answer');
    await expect(player(request(AbortSignal.abort()))).rejects.toThrow();
  });

  it('replays failures and retries faithfully', async () => {
    server.enqueue(reply.error(500), reply.chat({ content: 'after retry' }));
    expect((await modelOn('record').generate(question)).message.content).toBe('after retry');
    await server.close();
    expect((await modelOn('replay').generate(question)).message.content).toBe('after retry');
  });

  it('replays a recorded rate limit without waiting out its Retry-After again', async () => {
    server.enqueue(
      reply.error(429, { headers: { 'retry-after-ms': '400' } }),
      reply.chat({ content: 'later' }),
    );
    // Recording waits the 400 ms out, on a clock that its sleep moves forward.
    const recordingClock = createManualClock();
    const recorder = createModel('openai:gpt-4.1-mini', {
      env: { OPENAI_API_KEY: secret, OPENAI_BASE_URL: server.url },
      fetch: createCassetteFetch({ mode: 'record', path: cassettePath }),
      clock: recordingClock,
      limiters: createLimiterRegistry({ clock: recordingClock }),
      retry: { sleep: (ms) => recordingClock.advance(ms) },
    });
    expect((await recorder.generate(question)).message.content).toBe('later');
    expect(recordingClock.now()).toBe(400);
    // The player's clock never moves: waiting out the Retry-After, in a backoff or as a host
    // pause, would hold the call for good.
    const playerClock = createManualClock();
    const retries: number[] = [];
    const player = createModel('openai:gpt-4.1-mini', {
      env: {},
      fetch: createCassetteFetch({ mode: 'replay', path: cassettePath }),
      clock: playerClock,
      limiters: createLimiterRegistry({ clock: playerClock }),
      retry: { onRetry: (event) => retries.push(event.delayMs) },
    });
    expect((await player.generate(question)).message.content).toBe('later');
    // The recorded 429 was retried as recorded, with no time passing.
    expect(retries).toEqual([400]);
    expect(playerClock.now()).toBe(0);
  });

  it('keeps the file valid when many calls record at once', async () => {
    const recorder = modelOn('record');
    const prompts = Array.from({ length: 25 }, (_, index) => `Question ${index}`);
    await Promise.all(prompts.map((content) => recorder.generate({ messages: [{ role: 'user', content }] })));
    const lines = (await readFile(cassettePath, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(25);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    const player = modelOn('replay');
    const replayed = await Promise.all(
      prompts.map((content) => player.generate({ messages: [{ role: 'user', content }] })),
    );
    expect(replayed.map((response) => response.message.content)).toEqual(
      prompts.map((prompt) => `Mock answer to: ${prompt}`),
    );
  });

  it('starts a fresh cassette on record unless asked to append', async () => {
    await modelOn('record').generate(question);
    await modelOn('record').generate(question);
    expect((await readFile(cassettePath, 'utf8')).trim().split('\n')).toHaveLength(1);
    const appending = createCassetteFetch({ mode: 'record', path: cassettePath, append: true });
    // The entry is written once the body is read to its end.
    await (await appending(`${server.url}/models`)).text();
    expect((await readFile(cassettePath, 'utf8')).trim().split('\n')).toHaveLength(2);
  });

  it('writes nothing in passthrough mode', async () => {
    const model = modelOn('passthrough');
    expect((await model.generate(question)).message.content).toContain('Mock answer');
    await expect(readFile(cassettePath, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('names the line of a cassette it cannot read', async () => {
    await writeFile(join(directory, 'broken.jsonl'), '{"key":"k"}\nnot json\n');
    const replay = createCassetteFetch({ mode: 'replay', path: join(directory, 'broken.jsonl') });
    await expect(replay('http://x/v1/models')).rejects.toMatchObject({
      code: 'invalid-cassette',
      message: expect.stringContaining('broken.jsonl:1'),
    });
  });

  it('rejects at once in replay when the signal is already aborted', async () => {
    const replay = createCassetteFetch({ mode: 'replay', path: cassettePath });
    await expect(replay('http://x/v1/models', { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});

describe('createCassetteFetch when the connection or the file fails', () => {
  const outcome = (promise: Promise<unknown>) =>
    promise.then(
      () => 'answered',
      (error: { code?: string; isRetryable?: boolean }) => `${error.code} retryable=${error.isRetryable}`,
    );

  it('replays a call whose every attempt was cut off while recording as that failure, not as a miss', async () => {
    server.enqueue(reply.reset(), reply.reset(), reply.reset(), reply.reset());
    const recorded = await outcome(modelOn('record').generate(question));
    expect(recorded).toBe('provider-call-failed retryable=true');
    expect(await outcome(modelOn('replay').generate(question))).toBe(recorded);
  });

  it('replays a stream cut off after its first chunks as the same text, then the same failure', async () => {
    server.enqueue(
      reply.sse(chatCompletionChunks({ content: 'Paris is lovely in spring.' }), { cutAfter: 3 }),
    );
    const run = async (mode: CassetteMode) => {
      const parts: ChatStreamPart[] = [];
      const ended = await outcome(
        (async () => {
          for await (const part of modelOn(mode).stream!(question)) parts.push(part);
        })(),
      );
      return { parts, ended };
    };
    const recorded = await run('record');
    expect(recorded.ended).toBe('provider-call-failed retryable=true');
    expect(recorded.parts.length).toBeGreaterThan(0);
    expect(await run('replay')).toEqual(recorded);
  });

  it('fails with invalid-cassette before sending anything when the cassette cannot be written', async () => {
    await writeFile(join(directory, 'file'), 'x');
    const model = createModel('openai:gpt-4.1-mini', {
      env: { OPENAI_API_KEY: secret, OPENAI_BASE_URL: server.url },
      fetch: createCassetteFetch({ mode: 'record', path: join(directory, 'file', 'tape.jsonl') }),
      limiters: createLimiterRegistry(),
      retry: { sleep: async () => {} },
    });
    await expect(model.generate(question)).rejects.toMatchObject({ code: 'invalid-cassette' });
    // Not a connection failure to retry: the host is not paid again for an answer nobody records.
    expect(server.requests).toHaveLength(0);
  });

  it.runIf(process.platform === 'linux')(
    'fails with invalid-cassette under /proc instead of spinning in a recursive mkdir',
    async () => {
      // Node's mkdir({ recursive: true }) retries /proc/…/x without end at full CPU.
      const model = createModel('openai:gpt-4.1-mini', {
        env: { OPENAI_API_KEY: secret, OPENAI_BASE_URL: server.url },
        fetch: createCassetteFetch({ mode: 'record', path: '/proc/baton-cassette/nested/tape.jsonl' }),
        limiters: createLimiterRegistry(),
        retry: { sleep: async () => {} },
      });
      await expect(model.generate(question)).rejects.toMatchObject({ code: 'invalid-cassette' });
      expect(server.requests).toHaveLength(0);
    },
  );

  it('keeps the idle timeout while recording: a body that stalls after its headers is retried', async () => {
    const model = createModel('openai:gpt-4.1-mini', {
      env: { OPENAI_API_KEY: secret, OPENAI_BASE_URL: server.url },
      fetch: createCassetteFetch({ mode: 'record', path: cassettePath }),
      limiters: createLimiterRegistry(),
      retry: { sleep: async () => {} },
      // Only the idle timeout can end the stalled attempt in time: the attempt's own would outlast
      // the test's timeout, so a recorder that ignored the idle timeout fails the test.
      timeoutMs: 600_000,
      idleTimeoutMs: 2_000,
    });
    server.enqueue(
      reply.partial('{"id":"chatcmpl-1","choi', { ending: 'hang' }),
      reply.chat({ content: 'ok' }),
    );
    expect((await model.generate(question)).message.content).toBe('ok');
    // The stalled attempt is not on tape; the answer is.
    const lines = (await readFile(cassettePath, 'utf8')).split('\n').filter(Boolean);
    expect(lines.map((line) => JSON.parse(line).response.status)).toEqual([200]);
  }, 60_000);
});

describe('requestKey', () => {
  it('ignores the host, headers, JSON key order and secret query parameters', async () => {
    const a = await normalizeRequest('https://one.example/v1/chat?api-version=1&key=secret', {
      method: 'post',
      headers: { authorization: 'Bearer a' },
      body: '{"model":"m","messages":[{"role":"user","content":"x"}]}',
    });
    const b = await normalizeRequest('http://127.0.0.1:9/v1/chat?api-version=1', {
      method: 'POST',
      headers: { authorization: 'Bearer b' },
      body: '{"messages":[{"content":"x","role":"user"}],"model":"m"}',
    });
    expect(a).toEqual(b);
    expect(a.query).toEqual({ 'api-version': '1' });
    expect(requestKey(a)).toBe(requestKey(b));
    expect(requestKey(a)).toMatch(/^[0-9a-f]{64}$/);
  });
});
