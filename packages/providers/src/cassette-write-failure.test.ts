import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createCassetteFetch } from './cassette-fetch.js';
import { createModel } from './create-model.js';
import { createLimiterRegistry } from './limiter-registry.js';
import { createMockOpenAIServer, type MockOpenAIServer } from './testing/index.js';

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

it('fails with invalid-cassette, without sending paid requests again, when the cassette cannot be written', async () => {
  await writeFile(join(directory, 'file'), 'x');
  const fetch = createCassetteFetch({ mode: 'record', path: join(directory, 'file', 'tape.jsonl') });
  const model = createModel('openai:gpt-4.1-mini', {
    env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.url },
    fetch,
    limiters: createLimiterRegistry(),
    retry: { sleep: async () => {} },
  });
  const question = { messages: [{ role: 'user' as const, content: 'Hi' }] };
  await expect(model.generate(question)).rejects.toMatchObject({ code: 'invalid-cassette' });
  // Not a connection failure to retry: the host must not be billed again for an answer nobody records.
  expect(server.requests.length).toBeLessThanOrEqual(1);
});
