import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FakeLangfuseServer, startFakeLangfuseServer } from '@baton/tracing/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeTempFolder, runBaton } from './run-baton.js';

const keys = { publicKey: 'pk-lf-invalid', secretKey: 'sk-lf-invalid' };
let temp: Awaited<ReturnType<typeof makeTempFolder>>;
let server: FakeLangfuseServer;
beforeAll(async () => {
  temp = await makeTempFolder();
  server = await startFakeLangfuseServer({ keys });
});
afterAll(async () => {
  await server.close();
  await temp.remove();
});

const score = (id: string, value: unknown) =>
  JSON.stringify({
    v: 1,
    kind: 'score',
    score: { id, traceId: `trace-${id}`, name: 'outcome', dataType: 'CATEGORICAL', value },
  });

it('never drops a pending line it cannot read: it is kept, said, and the push exits non-zero', async () => {
  const dir = join(temp.path, 'run');
  mkdirSync(dir);
  const wrongType = score('s2', 42); // CATEGORICAL with a number: not a pending record
  const torn = score('s4', 'answered').slice(0, 50); // the run was killed mid-append
  writeFileSync(
    join(dir, 'langfuse-pending.jsonl'),
    `${score('s1', 'answered')}\n${wrongType}\n${score('s3', 'answered')}\n${torn}`,
  );
  const push = await runBaton(['push', 'run'], {
    cwd: temp.path,
    env: {
      LANGFUSE_PUBLIC_KEY: keys.publicKey,
      LANGFUSE_SECRET_KEY: keys.secretKey,
      LANGFUSE_BASE_URL: server.baseUrl,
    },
  });
  expect(
    server
      .scores()
      .map((stored) => stored.id)
      .sort(),
  ).toEqual(['s1', 's3']);
  expect(push.code, push.stderr).toBe(1);
  expect(push.stderr).toMatch(/2 lines of .* could not be read/);
  const kept = join(dir, 'langfuse-pending.jsonl.invalid');
  expect(existsSync(kept)).toBe(true);
  expect(readFileSync(kept, 'utf8')).toBe(`${wrongType}\n${torn}\n`);
}, 60_000);
