import { afterEach, beforeEach, expect, it } from 'vitest';
import { createModel } from './create-model.js';
import { createLimiterRegistry } from './limiter-registry.js';
import { createMockOpenAIServer, type MockOpenAIServer, reply } from './testing/index.js';

let server: MockOpenAIServer;
beforeEach(async () => {
  server = await createMockOpenAIServer();
});
afterEach(() => server.close());

it('does not hold the whole host for a Retry-After it refuses to honour (over maxRetryAfterMs)', async () => {
  const model = createModel('openai:gpt-4.1-mini', {
    env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.url },
    limiters: createLimiterRegistry(),
    retry: { maxRetryAfterMs: 60_000, sleep: async () => {} },
  });
  const question = { messages: [{ role: 'user' as const, content: 'Hi' }] };
  // "Come back in an hour": this call fails at once, as the retry policy says.
  server.enqueue(reply.error(429, { headers: { 'retry-after': '3600' } }), reply.chat({ content: 'ok' }));
  await expect(model.generate(question)).rejects.toMatchObject({ status: 429, retryAfterMs: 3_600_000 });
  // The next call must not sit in the limiter for an hour: it is sent (and here answered) at once.
  // (Held, it would wait out the hour and this test would fail by its timeout.)
  expect((await model.generate(question)).message.content).toBe('ok');
  expect(server.requests).toHaveLength(2);
});
