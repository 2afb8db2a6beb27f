import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FakeLangfuseServer, startFakeLangfuseServer } from '@baton/tracing/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acknowledgedIn,
  type ExpectedLangfuse,
  expectedLangfuse,
  heldBy,
  repeated,
} from './expected-langfuse.js';
import { type BatonOutcome, fastFlags, makeTempFolder, runBaton } from './run-baton.js';

const keys = { publicKey: 'pk-lf-push-test', secretKey: 'sk-lf-push-test' };
const datasetName = 'baton/e2e/test';

describe('baton push after Langfuse died mid-run (fake Langfuse)', () => {
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;
  let server: FakeLangfuseServer;
  let env: Record<string, string>;
  let run: BatonOutcome;
  let push: BatonOutcome;
  let again: BatonOutcome;
  let expected: ExpectedLangfuse;
  let heldAfterRun: ReturnType<typeof heldBy>;
  const runDir = () => join(temp.path, 'killed');

  beforeAll(async () => {
    temp = await makeTempFolder();
    let itemsAnswered = 0;
    server = await startFakeLangfuseServer({
      keys,
      // Killed as a crash would, while the run is still replaying: after its third dataset item.
      onAnswered: (request) => {
        if (request.path === '/api/public/dataset-items' && ++itemsAnswered === 3) void server.kill();
      },
    });
    env = {
      LANGFUSE_PUBLIC_KEY: keys.publicKey,
      LANGFUSE_SECRET_KEY: keys.secretKey,
      LANGFUSE_BASE_URL: server.baseUrl,
      // A dead Langfuse is given up on after a second without an acknowledgement, not 30.
      BATON_LANGFUSE_STALL_TIMEOUT: '1',
    };
    run = await runBaton(['eval', ...fastFlags, '--out', 'killed'], { cwd: temp.path, env });
    expected = await expectedLangfuse(runDir(), { runId: 'killed', datasetName });
    heldAfterRun = heldBy(server);

    await server.restart();
    // The first push reads its keys from a .env file, as `baton eval --env-file` can.
    await writeFile(
      join(temp.path, 'langfuse.env'),
      Object.entries(env)
        .map(([name, value]) => `${name}=${value}`)
        .join('\n'),
    );
    push = await runBaton(['push', 'killed', '--env-file', 'langfuse.env'], { cwd: temp.path, env: {} });
    again = await runBaton(['push', 'killed'], { cwd: temp.path, env });
  }, 120_000);

  afterAll(async () => {
    await server.close();
    await temp.remove();
  });

  it('finishes the run with local results, counting only what Langfuse acknowledged before it died', () => {
    // The local results are complete, but the push is not: the run says so with exit code 4.
    expect(run.code, run.stderr).toBe(4);
    const final = run.stderr.split('\n').find((line) => line.startsWith('Langfuse: dataset'));
    const counts = acknowledgedIn(final);
    expect(counts).toEqual({
      spans: { acknowledged: heldAfterRun.spans.size, of: expected.spans.size },
      'dataset items': { acknowledged: expect.any(Number), of: expected.datasetItems.size },
      'run items': { acknowledged: heldAfterRun.runItems.size, of: expected.runItems.size },
      scores: { acknowledged: heldAfterRun.scores.size, of: expected.scores.size },
    });
    // An item answered just as the server died may have been stored without its answer arriving.
    expect(counts['dataset items']?.acknowledged).toBeLessThanOrEqual(heldAfterRun.datasetItems.size);
    expect(heldAfterRun.datasetItems.size).toBeLessThan(expected.datasetItems.size);
    expect(heldAfterRun.scores.size).toBe(0);
    expect(run.stderr).toContain(
      `kept in ${join(runDir(), 'langfuse-pending.jsonl')}; send it with \`baton push ${runDir()}\``,
    );
  });

  it('sends everything that was kept with baton push, and leaves nothing pending', () => {
    expect(push.code, push.stderr).toBe(0);
    expect(push.stderr).toMatch(/^Langfuse: pushed killed \(acknowledged: /m);
    const counts = acknowledgedIn(
      push.stderr.split('\n').find((line) => line.startsWith('Langfuse: pushed')),
    );
    for (const count of Object.values(counts)) expect(count.acknowledged).toBe(count.of);
    expect(existsSync(join(runDir(), 'langfuse-pending.jsonl'))).toBe(false);
    expect(again).toMatchObject({ code: 0 });
    expect(again.stderr).toMatch(/^Nothing to push: killed has no langfuse-pending\.jsonl/m);
  });

  it('ends with Langfuse holding every span, item, run link and score, none of them twice', () => {
    expect(heldBy(server)).toEqual(expected);
    // Langfuse gives every run link a new id and scores are counted per arrival here: neither was
    // sent twice. (Items and spans are upserted by id; one in flight at the crash may be resent.)
    const twice = repeated(server);
    expect(twice.runItems).toEqual([]);
    expect(twice.scores).toEqual([]);
    expect(server.invalidRequests()).toEqual([]);
  });

  it('never prints a key', () => {
    for (const output of [run, push, again]) {
      expect(output.stderr).not.toContain(keys.secretKey);
      expect(output.stderr).not.toContain(keys.publicKey);
    }
  });
});
