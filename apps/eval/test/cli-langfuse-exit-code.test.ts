import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type FakeLangfuseServer, startFakeLangfuseServer } from '@baton/tracing/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fastFlags, makeTempFolder, runBaton } from './run-baton.js';

const keys = { publicKey: 'pk-lf-exit', secretKey: 'sk-lf-exit' };
let temp: Awaited<ReturnType<typeof makeTempFolder>>;
let server: FakeLangfuseServer;
beforeAll(async () => {
  temp = await makeTempFolder();
});
afterAll(async () => {
  await server?.close();
  await temp.remove();
});

const env = (baseUrl: string) => ({
  LANGFUSE_PUBLIC_KEY: keys.publicKey,
  LANGFUSE_SECRET_KEY: keys.secretKey,
  LANGFUSE_BASE_URL: baseUrl,
  BATON_LANGFUSE_STALL_TIMEOUT: '1',
});

it('exits non-zero when Langfuse acknowledged nothing of what the run pushed', async () => {
  server = await startFakeLangfuseServer({ keys, status: 503 });
  const run = await runBaton(
    ['eval', ...fastFlags, '--strategies', 'solo', '--limit', '2', '--out', 'down'],
    {
      cwd: temp.path,
      env: env(server.baseUrl),
    },
  );
  expect(run.stderr).toMatch(/scores 0\/\d+/);
  expect(existsSync(join(temp.path, 'down', 'langfuse-pending.jsonl'))).toBe(true);
  expect(run.code, run.stderr).toBe(4);
  expect(run.stderr).toMatch(/Langfuse did not acknowledge everything/);
}, 60_000);

it('still exits 0 when Langfuse acknowledged everything', async () => {
  await server.close();
  server = await startFakeLangfuseServer({ keys });
  const run = await runBaton(['eval', ...fastFlags, '--strategies', 'solo', '--limit', '2', '--out', 'up'], {
    cwd: temp.path,
    env: env(server.baseUrl),
  });
  expect(run.code, run.stderr).toBe(0);
}, 60_000);
