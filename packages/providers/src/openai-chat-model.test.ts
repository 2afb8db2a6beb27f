import { getEventListeners } from 'node:events';
import type { ChatRequest } from '@baton/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLimiterRegistry } from './limiter-registry.js';
import type { Fetch, OpenAIModelOptions } from './model-setup.js';
import { createOpenAIChatModel } from './openai-chat-model.js';
import { ProviderCallError } from './provider-error.js';
import {
  chatCompletion,
  createManualClock,
  createMockOpenAIServer,
  type ManualClock,
  type MockOpenAIServer,
  reply,
} from './testing/index.js';

const question: ChatRequest = { messages: [{ role: 'user', content: 'What is the capital of France?' }] };

let server: MockOpenAIServer;
let delays: number[];
/**
 * The only time the model, its limiter and its backoff know: it moves when a test advances it or
 * when the recording sleep "sleeps", never on its own, so no test depends on the machine's speed.
 */
let clock: ManualClock;

beforeEach(async () => {
  server = await createMockOpenAIServer();
  delays = [];
  clock = createManualClock();
});
afterEach(async () => {
  await server.close();
});

/**
 * A model against the mock server, on the manual clock, with its own limiter and a sleep that
 * records its delay and moves the clock by as much instead of waiting.
 */
function model(options: Partial<OpenAIModelOptions> = {}) {
  return createOpenAIChatModel({
    model: 'gpt-4.1-mini',
    apiKey: 'sk-test-secret',
    baseURL: server.url,
    limiters: createLimiterRegistry({ clock }),
    clock,
    // Our timeout fires only when a test advances the clock; the SDK's own backstop timer
    // (timeoutMs + 1 s of real time) must never fire, however slow the machine.
    timeoutMs: 60_000,
    ...options,
    retry: {
      sleep: async (ms) => {
        delays.push(ms);
        await clock.advance(ms);
      },
      ...options.retry,
    },
  });
}

/** A promise the test settles by hand. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

async function failureOf(promise: Promise<unknown>): Promise<ProviderCallError> {
  const error = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(ProviderCallError);
  return error as ProviderCallError;
}

describe('createOpenAIChatModel', () => {
  it('answers a plain question with text, finish reason, usage and cost', async () => {
    server.enqueue(
      reply.json(
        chatCompletion({ content: 'Paris.', usage: { promptTokens: 1_000_000, completionTokens: 500_000 } }),
      ),
    );
    const response = await model().generate(question);
    expect(response).toEqual({
      message: { content: 'Paris.', toolCalls: [] },
      finishReason: 'stop',
      usage: { inputTokens: 1_000_000, outputTokens: 500_000 },
      // gpt-4.1-mini: $0.40 per million in, $1.60 per million out.
      costUsd: 1.2,
      modelId: 'gpt-4.1-mini-2025-04-14',
    });
  });

  it('sends the request in the OpenAI wire format with the key as a bearer token', async () => {
    server.enqueue(reply.chat({ content: 'ok' }));
    await model().generate({ ...question, temperature: 0.2, maxOutputTokens: 50 });
    const [received] = server.requests;
    expect(received?.method).toBe('POST');
    expect(received?.path).toBe('/v1/chat/completions');
    expect(received?.headers.authorization).toBe('Bearer sk-test-secret');
    expect(received?.body).toEqual({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'What is the capital of France?' }],
      temperature: 0.2,
      max_completion_tokens: 50,
    });
  });

  it('charges cached input tokens at the cached price', async () => {
    server.enqueue(
      reply.json(
        chatCompletion({
          content: 'ok',
          usage: { promptTokens: 1_000_000, completionTokens: 0, cachedTokens: 500_000 },
        }),
      ),
    );
    const response = await model().generate(question);
    expect(response.costUsd).toBeCloseTo(0.5 * 0.4 + 0.5 * 0.1, 10);
  });

  it('reports no cost for a model missing from the price table', async () => {
    server.enqueue(reply.json(chatCompletion({ content: 'ok', model: 'my-finetune' })));
    const response = await model({ model: 'my-finetune' }).generate(question);
    expect(response.costUsd).toBeUndefined();
    expect(response.usage.inputTokens).toBeGreaterThan(0);
  });

  it('returns parallel tool calls and sends tools, tool choice and parallel_tool_calls', async () => {
    server.enqueue(
      reply.chat({
        toolCalls: [
          { id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { id: 'call_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
        ],
      }),
    );
    const response = await model().generate({
      messages: [{ role: 'user', content: 'Weather in Paris and Rome?' }],
      tools: [
        {
          name: 'get_weather',
          description: 'Current weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      ],
      toolChoice: 'required',
      parallelToolCalls: true,
    });
    expect(response.finishReason).toBe('tool-calls');
    expect(response.message).toEqual({
      content: null,
      toolCalls: [
        { id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { id: 'call_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
      ],
    });
    expect(server.requests[0]?.body).toMatchObject({
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Current weather' } }],
      tool_choice: 'required',
      parallel_tool_calls: true,
    });
  });

  it('asks for structured output with a JSON schema and returns the JSON text', async () => {
    server.enqueue(reply.chat({ content: '{"city":"Paris"}' }));
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const response = await model().generate({
      ...question,
      responseFormat: { type: 'json-schema', name: 'answer', schema, strict: true },
    });
    expect(JSON.parse(response.message.content ?? '')).toEqual({ city: 'Paris' });
    expect(server.requests[0]?.body).toMatchObject({
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } },
    });
  });

  it('retries a 429 after exactly the Retry-After the host sent', async () => {
    server.enqueue(reply.error(429, { headers: { 'retry-after': '2' } }), reply.chat({ content: 'Paris.' }));
    const response = await model().generate(question);
    expect(response.message.content).toBe('Paris.');
    expect(delays).toEqual([2000]);
    expect(server.requests).toHaveLength(2);
  });

  it('does not hold the host for a Retry-After longer than the retry policy accepts', async () => {
    const chat = model({ retry: { maxRetryAfterMs: 60_000 } });
    // "Come back in an hour": over the policy's limit, so this call fails at once.
    server.enqueue(
      reply.error(429, { headers: { 'retry-after': '3600' } }),
      reply.chat({ content: 'Paris.' }),
    );
    expect(await failureOf(chat.generate(question))).toMatchObject({ status: 429, retryAfterMs: 3_600_000 });
    // The next call is sent at once. Were the host held for the hour, it would wait on the manual
    // clock, which no one advances, and the test would fail by its timeout.
    expect((await chat.generate(question)).message.content).toBe('Paris.');
    expect(delays).toEqual([]);
  });

  it('retries a 500 with backoff and succeeds', async () => {
    server.enqueue(reply.error(500), reply.error(503), reply.chat({ content: 'Paris.' }));
    const response = await model({ retry: { random: () => 0.5, initialDelayMs: 100 } }).generate(question);
    expect(response.message.content).toBe('Paris.');
    expect(delays).toEqual([50, 100]);
  });

  it('fails with status and isRetryable once the retries are spent, keeping the SDK error as cause', async () => {
    server.setHandler(() => reply.error(500, { message: 'upstream exploded' }));
    const error = await failureOf(model({ retry: { maxRetries: 2 } }).generate(question));
    expect(error).toMatchObject({
      code: 'provider-call-failed',
      status: 500,
      isRetryable: true,
      isUserError: false,
    });
    expect(error.message).toContain('upstream exploded');
    expect((error.cause as Error).constructor.name).toBe('InternalServerError');
    // One attempt plus two retries: the SDK's own retries are off.
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 400 and marks it as the caller’s mistake', async () => {
    server.enqueue(reply.error(400, { message: 'bad model', type: 'invalid_request_error' }));
    const error = await failureOf(model().generate(question));
    expect(error).toMatchObject({ status: 400, isRetryable: false, isUserError: true });
    expect(server.requests).toHaveLength(1);
  });

  it('times out an attempt that gets no answer, and retries it', async () => {
    server.enqueue(reply.hang(), reply.chat({ content: 'Paris.' }));
    const retriedAfter: string[] = [];
    const call = model({ retry: { onRetry: (event) => retriedAfter.push(event.error.code) } }).generate(
      question,
    );
    await server.waitForRequests(1);
    await clock.advance(59_999);
    expect([server.requests.length, retriedAfter.length]).toEqual([1, 0]);
    await clock.advance(1);
    expect(retriedAfter).toEqual(['timeout']);
    const response = await call;
    expect(response.message.content).toBe('Paris.');
    expect(server.requests).toHaveLength(2);
  });

  it('fails with a retryable timeout error when every attempt hangs', async () => {
    server.setHandler(() => reply.hang());
    const retriedAfter: string[] = [];
    let settled = false;
    const failure = failureOf(
      model({
        retry: { maxRetries: 1, onRetry: (event) => retriedAfter.push(event.error.code) },
      }).generate(question),
    ).finally(() => {
      settled = true;
    });
    await server.waitForRequests(1);
    await clock.advance(60_000);
    expect(retriedAfter).toEqual(['timeout']);
    await server.waitForRequests(2);
    await clock.advance(60_000);
    expect(settled).toBe(true);
    const error = await failure;
    expect(error).toMatchObject({ code: 'timeout', status: undefined, isRetryable: true });
    expect(server.requests).toHaveLength(2);
  });

  it('times out a body that stalls half-way after the idle limit, long before the attempt’s limit', async () => {
    server.enqueue(
      reply.partial('{"id":"chatcmpl-1","choices":[', { ending: 'hang' }),
      reply.chat({ content: 'Paris.' }),
    );
    // Tells the test when the first answer's headers are in: from then on only the body is missing.
    const headersIn = gate();
    const fetch: Fetch = async (input, init) => {
      const response = await globalThis.fetch(input, init);
      headersIn.open();
      return response;
    };
    const retriedAfter: string[] = [];
    const call = model({
      fetch,
      idleTimeoutMs: 5_000,
      retry: { onRetry: (event) => retriedAfter.push(event.error.message) },
    }).generate(question);
    await headersIn.opened;
    await clock.advance(4_999);
    expect(retriedAfter).toEqual([]);
    await clock.advance(1);
    expect(retriedAfter).toEqual([expect.stringContaining('silent for 5000 ms in the middle of its answer')]);
    const response = await call;
    expect(response.message.content).toBe('Paris.');
    expect(server.requests).toHaveLength(2);
  });

  it('leaves the wait for the headers to the attempt’s limit: a slow model is not idle', async () => {
    server.enqueue(reply.hang(), reply.chat({ content: 'Paris.' }));
    const retriedAfter: string[] = [];
    const call = model({
      idleTimeoutMs: 5_000,
      retry: { onRetry: (event) => retriedAfter.push(event.error.message) },
    }).generate(question);
    await server.waitForRequests(1);
    await clock.advance(59_999);
    expect(retriedAfter).toEqual([]);
    await clock.advance(1);
    expect(retriedAfter).toEqual([expect.stringContaining('did not answer within 60000 ms')]);
    expect((await call).message.content).toBe('Paris.');
  });

  it('retries a body cut off by a connection reset', async () => {
    server.enqueue(reply.partial('{"id":"chatcmpl-1","choices":['), reply.chat({ content: 'Paris.' }));
    const response = await model().generate(question);
    expect(response.message.content).toBe('Paris.');
    expect(server.requests).toHaveLength(2);
  });

  it('retries a 200 whose body is truncated JSON once, and answers from the retry', async () => {
    server.enqueue(
      reply.text('{"id":"chatcmpl-1","choices":[{"index":0,"message":{"role":"assist'),
      reply.chat({ content: 'Paris.' }),
    );
    const response = await model().generate(question);
    expect(response.message.content).toBe('Paris.');
    expect(server.requests).toHaveLength(2);
  });

  it('gives a body that is never valid JSON one retry only, then reports invalid-response', async () => {
    server.setHandler(() => reply.text('{"id":"chatcmpl-1","choices":[{"index":0,"message":{"role":"assist'));
    const error = await failureOf(model().generate(question));
    expect(error).toMatchObject({ code: 'invalid-response', status: 200, isRetryable: true, retryLimit: 1 });
    expect(error.cause).toBeInstanceOf(SyntaxError);
    expect(server.requests).toHaveLength(2);
  });

  it('maps a body without the documented shape to an invalid-response error naming the field', async () => {
    server.enqueue(reply.json({ id: 'x', choices: [{ index: 0, message: { content: 42 } }] }));
    const error = await failureOf(model().generate(question));
    expect(error.code).toBe('invalid-response');
    expect(error.message).toContain('choices.0.message.content');
  });

  it('maps a non-JSON body to an invalid-response error that quotes its start', async () => {
    server.setHandler(() =>
      reply.text('<html>Bad gateway</html>', { headers: { 'content-type': 'text/html' } }),
    );
    const error = await failureOf(model().generate(question));
    expect(error.code).toBe('invalid-response');
    expect(error.message).toContain('<html>Bad gateway');
  });

  it('retries after the connection is reset', async () => {
    server.enqueue(reply.reset(), reply.chat({ content: 'Paris.' }));
    const response = await model().generate(question);
    expect(response.message.content).toBe('Paris.');
    expect(server.requests).toHaveLength(2);
  });

  it('reports a network error without status as retryable when resets persist', async () => {
    server.setHandler(() => reply.reset());
    const error = await failureOf(model({ retry: { maxRetries: 1 } }).generate(question));
    expect(error).toMatchObject({ code: 'provider-call-failed', status: undefined, isRetryable: true });
  });

  // In the three cancellation tests below the host never answers on its own and no time passes
  // on the clock, so nothing but the abort can end the call: rejecting at all is rejecting at once.
  it('rejects at once with the signal’s reason when the caller cancels an attempt in flight', async () => {
    server.enqueue(reply.hang());
    const controller = new AbortController();
    const call = model().generate(question, { signal: controller.signal });
    await server.waitForRequests(1);
    controller.abort(new Error('user left'));
    await expect(call).rejects.toThrow('user left');
    expect(server.requests).toHaveLength(1);
  });

  it('rejects at once when cancelled during a backoff', async () => {
    server.setHandler(() => reply.error(503));
    const controller = new AbortController();
    const backingOff = gate();
    const call = model({
      retry: { sleep: undefined, initialDelayMs: 60_000, random: () => 0.99, onRetry: backingOff.open },
    }).generate(question, { signal: controller.signal });
    await backingOff.opened;
    // Sleeping on the model's clock: the backoff's timer is the only one left.
    expect(clock.pendingTimers).toBe(1);
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    expect(clock.pendingTimers).toBe(0);
    expect(server.requests).toHaveLength(1);
  });

  it('rejects at once when cancelled while waiting in the host limiter’s queue', async () => {
    const limiters = createLimiterRegistry({ defaults: { maxConcurrency: 1 }, clock });
    const answerFirst = gate();
    server.setHandler(async () => {
      await answerFirst.opened;
      return reply.chat({ content: 'first' });
    });
    const first = model({ limiters }).generate(question);
    const controller = new AbortController();
    const second = model({ limiters }).generate(question, { signal: controller.signal });
    const limiter = limiters.get(new URL(server.url).host);
    await server.waitForRequests(1);
    expect([limiter.active, limiter.pending]).toEqual([1, 1]);
    controller.abort(new Error('not worth the wait'));
    await expect(second).rejects.toThrow('not worth the wait');
    // The first call still holds the only slot: the second left the queue on its own.
    expect([limiter.active, limiter.pending]).toEqual([1, 0]);
    answerFirst.open();
    expect((await first).message.content).toBe('first');
    expect(server.requests).toHaveLength(1);
  });

  it('puts a single abort listener on a signal that 64 calls share, in flight or queued', async () => {
    const limiters = createLimiterRegistry({ defaults: { maxConcurrency: 4 }, clock });
    const answer = gate();
    server.setHandler(async () => {
      await answer.opened;
      return reply.chat({ content: 'ok' });
    });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const controller = new AbortController();
      const shared = model({ limiters });
      const calls = Array.from({ length: 64 }, () =>
        shared.generate(question, { signal: controller.signal }),
      );
      await server.waitForRequests(4);
      expect(limiters.get(new URL(server.url).host).pending).toBe(60);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      answer.open();
      expect(await Promise.all(calls)).toHaveLength(64);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('shares one limiter among all models calling the same host', async () => {
    const limiters = createLimiterRegistry({ defaults: { maxConcurrency: 2 }, clock });
    // The host holds every request until the test answers it, and counts those it holds.
    const answers: Array<() => void> = [];
    let held = 0;
    let peak = 0;
    server.setHandler(async () => {
      held++;
      peak = Math.max(peak, held);
      const answer = gate();
      answers.push(answer.open);
      await answer.opened;
      held--;
      return reply.chat({ content: 'ok' });
    });
    const models = [model({ limiters }), model({ limiters, model: 'gpt-4.1' })];
    const limiter = limiters.get(new URL(server.url).host);
    const calls = Array.from({ length: 6 }, (_, index) => models[index % 2]!.generate(question));
    expect([limiter.active, limiter.pending]).toEqual([2, 4]);
    for (let answered = 0; answered < 6; answered++) {
      // Two requests at the host at a time: each answer lets exactly one more through.
      await server.waitForRequests(Math.min(answered + 2, 6));
      answers[answered]!();
    }
    await Promise.all(calls);
    expect(peak).toBe(2);
    expect(server.requests).toHaveLength(6);
  });

  it('holds every call to the host while a 429’s Retry-After runs', async () => {
    const limiters = createLimiterRegistry({ clock });
    const arrivals: number[] = [];
    server.setHandler(() => {
      arrivals.push(clock.now());
      return arrivals.length === 1
        ? reply.error(429, { headers: { 'retry-after-ms': '100' } })
        : reply.chat();
    });
    const backingOff = gate();
    const first = model({ limiters, retry: { sleep: undefined, onRetry: backingOff.open } }).generate(
      question,
    );
    await backingOff.opened;
    const second = model({ limiters, model: 'gpt-4.1' }).generate(question);
    const limiter = limiters.get(new URL(server.url).host);
    expect(limiter.pending).toBe(1);
    await clock.advance(99);
    expect([server.requests.length, limiter.pending]).toEqual([1, 1]);
    await clock.advance(1);
    await Promise.all([first, second]);
    // Neither the retry nor the newcomer reached the host before the 100 ms were up.
    expect(arrivals).toEqual([0, 100, 100]);
  });

  it('drops parallel_tool_calls and forced tool choice where the preset forbids them', async () => {
    server.enqueue(reply.chat({ content: 'ok' }));
    await model({ preset: 'glm', model: 'glm-4.6' }).generate({
      ...question,
      tools: [{ name: 'lookup', description: 'Look up', parameters: { type: 'object' } }],
      toolChoice: { name: 'lookup' },
      parallelToolCalls: false,
    });
    const body = server.requests[0]?.body as Record<string, unknown>;
    expect(body.tools).toHaveLength(1);
    expect(body).not.toHaveProperty('tool_choice');
    expect(body).not.toHaveProperty('parallel_tool_calls');
  });
});

describe('createOpenAIChatModel cost estimates', () => {
  it('prices a planned call from the price table, so cost budgets can refuse it before sending', () => {
    const model = createOpenAIChatModel({
      model: 'gpt-4.1-mini',
      apiKey: 'sk-test',
      baseURL: 'http://127.0.0.1:9/v1',
    });
    const estimate = model.estimateCostUsd?.({ inputTokens: 1_000_000, outputTokens: 0 });
    expect(estimate).toBeGreaterThan(0);
    const unknown = createOpenAIChatModel({
      model: 'no-such-model',
      apiKey: 'sk-test',
      baseURL: 'http://127.0.0.1:9/v1',
    });
    expect(unknown.estimateCostUsd?.({ inputTokens: 1000, outputTokens: 1000 })).toBeUndefined();
  });
});
