import type { ChatRequest, ChatStreamPart } from '@baton/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLimiterRegistry, type LimiterRegistry } from './limiter-registry.js';
import type { OpenAIModelOptions } from './model-setup.js';
import { createOpenAIChatModel } from './openai-chat-model.js';
import { ProviderCallError } from './provider-error.js';
import {
  chatCompletionChunks,
  createManualClock,
  createMockOpenAIServer,
  type ManualClock,
  type MockOpenAIServer,
  reply,
} from './testing/index.js';

const question: ChatRequest = { messages: [{ role: 'user', content: 'Tell me about Paris.' }] };

let server: MockOpenAIServer;
let limiters: LimiterRegistry;
/**
 * The time of the model and of the server's scripted delays alike: it moves only when a test
 * advances it, so "the next chunk comes after the timeout" holds however slow the machine is.
 */
let clock: ManualClock;

beforeEach(async () => {
  clock = createManualClock();
  server = await createMockOpenAIServer({ clock });
  limiters = createLimiterRegistry({ clock });
});
afterEach(async () => {
  await server.close();
});

function model(options: Partial<OpenAIModelOptions> = {}) {
  return createOpenAIChatModel({
    model: 'gpt-4.1-mini',
    apiKey: 'sk-test-secret',
    baseURL: server.url,
    limiters,
    clock,
    // Our timeout fires only when a test advances the clock; the SDK's own backstop timer
    // (timeoutMs + 1 s of real time) must never fire, however slow the machine.
    timeoutMs: 60_000,
    ...options,
    retry: { sleep: async () => {}, ...options.retry },
  });
}

/**
 * The chunks of a streamed answer without the role-only chunk, so the first event already carries
 * text (the assembler does not need the role): tests then know the stream is open at the first part.
 */
function chunksStartingWithText(content: string): Record<string, unknown>[] {
  return chatCompletionChunks({ content }).slice(1);
}

async function collect(stream: AsyncIterable<ChatStreamPart>): Promise<ChatStreamPart[]> {
  const parts: ChatStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe('createOpenAIChatModel().stream', () => {
  it('yields text deltas and ends with the full response, usage taken from the last chunk', async () => {
    server.enqueue(
      reply.chat({ content: 'Paris is the capital.', usage: { promptTokens: 12, completionTokens: 6 } }),
    );
    const parts = await collect(model().stream!(question));
    expect(parts.filter((part) => part.type === 'text-delta').map((part) => part.text)).toEqual([
      'Pari',
      's is',
      ' the',
      ' cap',
      'ital',
      '.',
    ]);
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      response: {
        message: { content: 'Paris is the capital.', toolCalls: [] },
        finishReason: 'stop',
        usage: { inputTokens: 12, outputTokens: 6 },
        costUsd: (12 * 0.4 + 6 * 1.6) / 1_000_000,
        modelId: 'gpt-4.1-mini',
      },
    });
    expect(server.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('assembles tool calls from their fragments', async () => {
    server.enqueue(
      reply.chat({
        toolCalls: [
          { id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { id: 'call_b', name: 'get_weather', arguments: '{"city":"Rome"}' },
        ],
      }),
    );
    const parts = await collect(model().stream!(question));
    const deltas = parts.filter((part) => part.type === 'tool-call-delta');
    expect(deltas[0]).toEqual({
      type: 'tool-call-delta',
      index: 0,
      id: 'call_a',
      name: 'get_weather',
      argumentsDelta: '',
    });
    expect(
      deltas
        .filter((part) => part.index === 1)
        .map((part) => part.argumentsDelta)
        .join(''),
    ).toBe('{"city":"Rome"}');
    const finish = parts.at(-1);
    expect(finish?.type === 'finish' && finish.response).toMatchObject({
      finishReason: 'tool-calls',
      message: {
        content: null,
        toolCalls: [
          { id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { id: 'call_b', name: 'get_weather', arguments: '{"city":"Rome"}' },
        ],
      },
    });
  });

  it('assembles tool calls from hosts that leave out the fragment index', async () => {
    const chunk = (delta: Record<string, unknown>) => ({
      choices: [{ index: 0, delta, finish_reason: null }],
    });
    server.enqueue(
      reply.sse([
        chunk({ tool_calls: [{ id: 'g1', function: { name: 'a', arguments: '{}' } }] }),
        chunk({ tool_calls: [{ id: 'g2', function: { name: 'b', arguments: '{"x":1}' } }] }),
        { choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
      ]),
    );
    const parts = await collect(model({ preset: 'google', model: 'gemini-2.5-flash' }).stream!(question));
    const finish = parts.at(-1);
    expect(finish?.type === 'finish' && finish.response.message.toolCalls).toEqual([
      { id: 'g1', name: 'a', arguments: '{}' },
      { id: 'g2', name: 'b', arguments: '{"x":1}' },
    ]);
  });

  it('leaves out stream_options where the preset forbids it, and reports zero usage with no cost', async () => {
    server.enqueue(reply.chat({ content: 'ok' }));
    const parts = await collect(model({ preset: 'glm', model: 'glm-4.6' }).stream!(question));
    expect(server.requests[0]?.body).not.toHaveProperty('stream_options');
    const finish = parts.at(-1);
    expect(finish?.type === 'finish' && finish.response.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
    expect(finish?.type === 'finish' && 'costUsd' in finish.response).toBe(false);
  });

  it('retries a failure that happens before the first chunk', async () => {
    server.enqueue(reply.error(503), reply.reset(), reply.chat({ content: 'Paris.' }));
    const parts = await collect(model().stream!(question));
    expect(parts.at(-1)).toMatchObject({ type: 'finish', response: { message: { content: 'Paris.' } } });
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry once chunks have reached the caller, and reports the cut', async () => {
    server.enqueue(
      reply.sse(chatCompletionChunks({ content: 'Paris is lovely in spring.' }), { cutAfter: 3 }),
    );
    const parts: ChatStreamPart[] = [];
    const error = await (async () => {
      for await (const part of model().stream!(question)) parts.push(part);
    })().then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    expect(error).toBeInstanceOf(ProviderCallError);
    expect(error).toMatchObject({ isRetryable: true });
    expect(parts.map((part) => part.type)).toEqual(['text-delta', 'text-delta']);
    expect(server.requests).toHaveLength(1);
  });

  it('times out when the gap between chunks exceeds the idle limit', async () => {
    // 'Pari' comes with the first event, each later event 200 ms after the one before on the shared clock.
    server.enqueue(reply.sse(chunksStartingWithText('Paris'), { eventDelayMs: 200 }));
    const iterator = model({ idleTimeoutMs: 60 }).stream!(question)[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: { type: 'text-delta', text: 'Pari' } });
    // Asking for the next part starts the 60 ms wait for the next chunk.
    let outcome: unknown = 'waiting';
    iterator.next().then(
      () => {
        outcome = 'no timeout';
      },
      (error: unknown) => {
        outcome = error;
      },
    );
    await clock.advance(59);
    expect(outcome).toBe('waiting');
    await clock.advance(1);
    expect(outcome).toMatchObject({ code: 'timeout', isRetryable: true });
    expect((outcome as Error).message).toContain('idle timeout');
    // Text had reached the caller, so the stream was not reopened.
    expect(server.requests).toHaveLength(1);
  });

  it('does not count a slow consumer’s time against the host’s timeout', async () => {
    server.enqueue(reply.chat({ content: 'Paris is big' }));
    const texts: string[] = [];
    let parts = 0;
    // The consumer takes longer than the whole timeout per part.
    for await (const part of model({ timeoutMs: 250, idleTimeoutMs: 250 }).stream!(question)) {
      parts++;
      if (part.type === 'text-delta') texts.push(part.text);
      await clock.advance(300);
    }
    expect(texts.join('')).toBe('Paris is big');
    expect(clock.now()).toBe(300 * parts);
  });

  it('reports a stream closed cleanly before the answer finished (no finish_reason) instead of a complete answer', async () => {
    // A proxy or gateway that closes the response properly in the middle of the answer.
    const cut = chatCompletionChunks({ content: 'Paris is lovely in spring.' })
      .filter((chunk) => !(chunk.choices as { finish_reason: unknown }[])[0]?.finish_reason)
      .slice(0, 3);
    server.enqueue(reply.sse(cut, { done: false }));
    const parts: ChatStreamPart[] = [];
    const ended = (async () => {
      for await (const part of model().stream!(question)) parts.push(part);
    })();
    await expect(ended).rejects.toMatchObject({ code: 'invalid-response', isRetryable: false });
    expect(parts.some((part) => part.type === 'finish')).toBe(false);
    expect(server.requests).toHaveLength(1); // reported, not replayed: text has reached the caller
  });

  it('finishes a complete stream with or without [DONE]', async () => {
    for (const done of [true, false]) {
      server.enqueue(reply.sse(chatCompletionChunks({ content: 'Paris.' }), { done }));
      const parts = await collect(model().stream!(question));
      expect(parts.at(-1)).toMatchObject({
        type: 'finish',
        response: { message: { content: 'Paris.' }, finishReason: 'stop' },
      });
    }
  });

  it('maps invalid JSON inside the stream to an invalid-response error', async () => {
    const [first] = chunksStartingWithText('Paris');
    server.enqueue(reply.sse([first!, '{"choices":[{"index":0,"delta":{"content":"Par', '{}']));
    await expect(collect(model().stream!(question))).rejects.toMatchObject({ code: 'invalid-response' });
    expect(server.requests).toHaveLength(1);
  });

  it('retries once when the first chunk is not valid JSON, as the stream is still opening', async () => {
    server.enqueue(reply.sse(['{"choices":[{"index":0,"delta":{"content":"Par', '{}']));
    const parts = await collect(model().stream!(question));
    expect(parts.at(-1)).toMatchObject({ type: 'finish' });
    expect(server.requests).toHaveLength(2);
  });

  it('stops at once when the caller aborts mid-stream', async () => {
    // Every chunk after the first is 300 ms away on a clock that nobody advances, and the model's
    // own timeout cannot fire either: only the abort can end the stream.
    server.enqueue(reply.sse(chunksStartingWithText('Paris is lovely in spring.'), { eventDelayMs: 300 }));
    const controller = new AbortController();
    const parts: ChatStreamPart[] = [];
    const consume = (async () => {
      for await (const part of model().stream!(question, { signal: controller.signal })) {
        parts.push(part);
        controller.abort(new Error('enough'));
      }
    })();
    await expect(consume).rejects.toThrow('enough');
    expect(clock.now()).toBe(0);
    expect(parts).toHaveLength(1);
    expect(limiters.get(new URL(server.url).host).active).toBe(0);
  });

  it('frees the host limiter’s slot when the consumer stops early', async () => {
    // The rest of the stream is still on its way (on a clock nobody advances) when the consumer stops.
    server.enqueue(reply.sse(chunksStartingWithText('Paris is lovely in spring.'), { eventDelayMs: 5 }));
    for await (const part of model().stream!(question)) {
      expect(part.type).toBe('text-delta');
      break;
    }
    expect(limiters.get(new URL(server.url).host).active).toBe(0);
  });
});
