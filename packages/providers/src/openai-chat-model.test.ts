import type { ChatRequest } from '@baton/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLimiterRegistry } from './limiter-registry.js';
import type { OpenAIModelOptions } from './model-setup.js';
import { createOpenAIChatModel } from './openai-chat-model.js';
import { ProviderCallError } from './provider-error.js';
import { chatCompletion, createMockOpenAIServer, type MockOpenAIServer, reply } from './testing/index.js';

const question: ChatRequest = { messages: [{ role: 'user', content: 'What is the capital of France?' }] };

let server: MockOpenAIServer;
let delays: number[];
/** A clock that the recording sleep moves forward, so limiter pauses pass as the sleeps "pass". */
let clockOffset: number;
const now = () => Date.now() + clockOffset;

beforeEach(async () => {
  server = await createMockOpenAIServer();
  delays = [];
  clockOffset = 0;
});
afterEach(async () => {
  await server.close();
});

/** A model against the mock server, with its own limiter and a sleep that records instead of waiting. */
function model(options: Partial<OpenAIModelOptions> = {}) {
  return createOpenAIChatModel({
    model: 'gpt-4.1-mini',
    apiKey: 'sk-test-secret',
    baseURL: server.url,
    limiters: createLimiterRegistry({ now }),
    timeoutMs: 2_000,
    ...options,
    retry: {
      sleep: async (ms) => {
        delays.push(ms);
        clockOffset += ms;
      },
      ...options.retry,
    },
  });
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
    const response = await model({ timeoutMs: 400 }).generate(question);
    expect(response.message.content).toBe('Paris.');
    expect(server.requests).toHaveLength(2);
  });

  it('fails with a retryable timeout error when every attempt hangs', async () => {
    server.setHandler(() => reply.hang());
    const error = await failureOf(model({ timeoutMs: 30, retry: { maxRetries: 1 } }).generate(question));
    expect(error).toMatchObject({ code: 'timeout', status: undefined, isRetryable: true });
  });

  it('times out a body that stalls half-way, not just a host that never answers', async () => {
    server.enqueue(
      reply.partial('{"id":"chatcmpl-1","choices":[', { ending: 'hang' }),
      reply.chat({ content: 'Paris.' }),
    );
    const response = await model({ timeoutMs: 400 }).generate(question);
    expect(response.message.content).toBe('Paris.');
    expect(server.requests).toHaveLength(2);
  });

  it('retries a body cut off by a connection reset', async () => {
    server.enqueue(reply.partial('{"id":"chatcmpl-1","choices":['), reply.chat({ content: 'Paris.' }));
    const response = await model().generate(question);
    expect(response.message.content).toBe('Paris.');
    expect(server.requests).toHaveLength(2);
  });

  it('maps truncated JSON to an invalid-response error without retrying', async () => {
    server.enqueue(reply.text('{"id":"chatcmpl-1","choices":[{"index":0,"message":{"role":"assist'));
    const error = await failureOf(model().generate(question));
    expect(error).toMatchObject({ code: 'invalid-response', status: undefined, isRetryable: false });
    expect(error.cause).toBeInstanceOf(SyntaxError);
    expect(server.requests).toHaveLength(1);
  });

  it('maps a body without the documented shape to an invalid-response error naming the field', async () => {
    server.enqueue(reply.json({ id: 'x', choices: [{ index: 0, message: { content: 42 } }] }));
    const error = await failureOf(model().generate(question));
    expect(error.code).toBe('invalid-response');
    expect(error.message).toContain('choices.0.message.content');
  });

  it('maps a non-JSON body to an invalid-response error', async () => {
    server.enqueue(reply.text('<html>Bad gateway</html>', { headers: { 'content-type': 'text/html' } }));
    const error = await failureOf(model().generate(question));
    expect(error.code).toBe('invalid-response');
    expect(error.message).toContain('<html>');
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

  it('rejects at once with the signal’s reason when the caller cancels an attempt in flight', async () => {
    server.enqueue(reply.hang());
    const controller = new AbortController();
    const started = Date.now();
    const call = model({ timeoutMs: 60_000 }).generate(question, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user left')), 20);
    await expect(call).rejects.toThrow('user left');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('rejects at once when cancelled during a backoff', async () => {
    server.setHandler(() => reply.error(503));
    const controller = new AbortController();
    const started = Date.now();
    const call = model({ retry: { sleep: undefined, initialDelayMs: 60_000, random: () => 0.99 } }).generate(
      question,
      {
        signal: controller.signal,
      },
    );
    setTimeout(() => controller.abort(), 50);
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(server.requests).toHaveLength(1);
  });

  it('rejects at once when cancelled while waiting in the host limiter’s queue', async () => {
    const limiters = createLimiterRegistry({ defaults: { maxConcurrency: 1 } });
    server.enqueue(reply.chat({ content: 'first', delayMs: 150 }));
    const first = model({ limiters }).generate(question);
    const controller = new AbortController();
    const second = model({ limiters }).generate(question, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('not worth the wait')), 20);
    const started = Date.now();
    await expect(second).rejects.toThrow('not worth the wait');
    expect(Date.now() - started).toBeLessThan(100);
    expect((await first).message.content).toBe('first');
    expect(server.requests).toHaveLength(1);
  });

  it('shares one limiter among all models calling the same host', async () => {
    const limiters = createLimiterRegistry({ defaults: { maxConcurrency: 2 } });
    server.setHandler(() => reply.chat({ content: 'ok', delayMs: 30 }));
    const models = [model({ limiters }), model({ limiters, model: 'gpt-4.1' })];
    const limiter = limiters.get(new URL(server.url).host);
    let peak = 0;
    const watcher = setInterval(() => {
      peak = Math.max(peak, limiter.active);
    }, 2);
    await Promise.all(Array.from({ length: 6 }, (_, index) => models[index % 2]!.generate(question)));
    clearInterval(watcher);
    expect(peak).toBe(2);
  });

  it('holds every call to the host while a 429’s Retry-After runs', async () => {
    const limiters = createLimiterRegistry();
    const arrivals: number[] = [];
    server.setHandler(() => {
      arrivals.push(Date.now());
      return arrivals.length === 1
        ? reply.error(429, { headers: { 'retry-after-ms': '100' } })
        : reply.chat();
    });
    const first = model({ limiters, retry: { sleep: undefined } }).generate(question);
    while (arrivals.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = model({ limiters, model: 'gpt-4.1' }).generate(question);
    await Promise.all([first, second]);
    expect(arrivals).toHaveLength(3);
    // Neither the retry nor the newcomer reached the host before the 100 ms were up.
    expect(Math.min(arrivals[1]!, arrivals[2]!) - arrivals[0]!).toBeGreaterThanOrEqual(95);
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
