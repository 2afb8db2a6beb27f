import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createCassetteFetch } from './cassette-fetch.js';
import { createModel } from './create-model.js';
import { createLimiterRegistry } from './limiter-registry.js';
import { createMockOpenAIServer, type MockOpenAIServer, reply } from './testing/index.js';

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

it('keeps the idle timeout while recording: a body that stalls after its headers is retried after idleTimeoutMs', async () => {
  const path = join(directory, 'tape.jsonl');
  const model = createModel('openai:gpt-4.1-mini', {
    env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.url },
    fetch: createCassetteFetch({ mode: 'record', path }),
    limiters: createLimiterRegistry(),
    retry: { sleep: async () => {} },
    // Only the idle timeout can end the stalled attempt in time: the attempt's own would outlast the
    // test's timeout, so a recorder that ignores the idle timeout fails the test instead of waiting.
    timeoutMs: 600_000,
    idleTimeoutMs: 2_000,
  });
  server.enqueue(
    reply.partial('{"id":"chatcmpl-1","choi', { ending: 'hang' }),
    reply.chat({ content: 'ok' }),
  );
  const answer = await model.generate({ messages: [{ role: 'user', content: 'Hi' }] });
  expect(answer.message.content).toBe('ok');
  // The stalled attempt is not on tape; the answer is.
  const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
  expect(lines.map((line) => JSON.parse(line).response.status)).toEqual([200]);
}, 60_000);
