import type { ChatStreamPart } from '@baton/core';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createModel } from './create-model.js';
import { createLimiterRegistry } from './limiter-registry.js';
import {
  chatCompletionChunks,
  createMockOpenAIServer,
  type MockOpenAIServer,
  reply,
} from './testing/index.js';

let server: MockOpenAIServer;
beforeEach(async () => {
  server = await createMockOpenAIServer();
});
afterEach(() => server.close());

it('reports a stream that ends cleanly before the host finished the answer (no finish_reason, no [DONE])', async () => {
  const model = createModel('openai:gpt-4.1-mini', {
    env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.url },
    limiters: createLimiterRegistry(),
    retry: { sleep: async () => {} },
  });
  // A proxy or gateway that closes the response properly in the middle of the answer.
  const chunks = chatCompletionChunks({ content: 'Paris is lovely in spring.' });
  const cut = chunks
    .filter((chunk) => !(chunk.choices as { finish_reason: unknown }[])[0]?.finish_reason)
    .slice(0, 3);
  server.enqueue(reply.sse(cut, { done: false }));
  const parts: ChatStreamPart[] = [];
  const ended = (async () => {
    for await (const part of model.stream!({ messages: [{ role: 'user', content: 'Hi' }] })) parts.push(part);
  })();
  await expect(ended).rejects.toMatchObject({ code: 'invalid-response', isRetryable: false });
  expect(parts.some((part) => part.type === 'finish')).toBe(false);
  expect(server.requests).toHaveLength(1); // reported, never silently replayed
});

it('still finishes a complete stream, with or without [DONE]', async () => {
  const model = createModel('openai:gpt-4.1-mini', {
    env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.url },
    limiters: createLimiterRegistry(),
  });
  for (const done of [true, false]) {
    server.enqueue(reply.sse(chatCompletionChunks({ content: 'Paris.' }), { done }));
    const parts: ChatStreamPart[] = [];
    for await (const part of model.stream!({ messages: [{ role: 'user', content: 'Hi' }] })) parts.push(part);
    expect(parts.at(-1)).toMatchObject({
      type: 'finish',
      response: { message: { content: 'Paris.' }, finishReason: 'stop' },
    });
  }
});
