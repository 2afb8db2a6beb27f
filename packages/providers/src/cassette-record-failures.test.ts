import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatStreamPart } from '@baton/core';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type CassetteMode, createCassetteFetch } from './cassette-fetch.js';
import { createModel } from './create-model.js';
import { createLimiterRegistry } from './limiter-registry.js';
import {
  chatCompletionChunks,
  createMockOpenAIServer,
  type MockOpenAIServer,
  reply,
} from './testing/index.js';

let server: MockOpenAIServer;
let directory: string;
beforeEach(async () => {
  server = await createMockOpenAIServer();
  directory = await mkdtemp(join(tmpdir(), 'baton-cassette-'));
});
afterEach(async () => {
  await server.close();
  await rm(directory, { recursive: true, force: true });
});

const question = { messages: [{ role: 'user' as const, content: 'Hi' }] };
function modelOn(mode: CassetteMode) {
  return createModel('openai:gpt-4.1-mini', {
    env: mode === 'replay' ? {} : { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.url },
    fetch: createCassetteFetch({ mode, path: join(directory, 'tape.jsonl') }),
    limiters: createLimiterRegistry(),
    retry: { sleep: async () => {} },
  });
}
const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'answered',
    (error: { code?: string; isRetryable?: boolean }) => `${error.code} retryable=${error.isRetryable}`,
  );

it('replays a call whose every attempt was cut off while recording as that failure, not as a cassette miss', async () => {
  server.enqueue(reply.reset(), reply.reset(), reply.reset(), reply.reset());
  const recorded = await outcome(modelOn('record').generate(question));
  expect(recorded).toBe('provider-call-failed retryable=true');
  expect(await outcome(modelOn('replay').generate(question))).toBe(recorded);
});

it('replays a stream cut off after its first chunks as the same text, then the same failure', async () => {
  server.enqueue(reply.sse(chatCompletionChunks({ content: 'Paris is lovely in spring.' }), { cutAfter: 3 }));
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
