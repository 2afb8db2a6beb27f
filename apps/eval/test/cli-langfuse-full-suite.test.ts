import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FakeLangfuseServer, startFakeLangfuseServer } from '@baton/tracing/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acknowledgedIn,
  type ExpectedLangfuse,
  expectedLangfuse,
  heldBy,
  repeated,
} from './expected-langfuse.js';
import { type BatonOutcome, makeTempFolder, runBaton } from './run-baton.js';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const keys = { publicKey: 'pk-lf-full-suite', secretKey: 'sk-lf-full-suite' };
const delayMs = 100;

/**
 * The scenario (#13): the whole default suite — `datasets/support`, test split, 344 turns,
 * every default strategy — pushed to a Langfuse that takes 100 ms over every answer. Before, most
 * scores never arrived while the final line claimed they all had.
 *
 * The 100 ms are counted on the fake server's own clock instead of waited out: the replay itself is
 * tens of seconds of CPU, and delivery has no deadline to beat — it waits while Langfuse
 * acknowledges and gives up only after a stall — so what matters is what arrives and what the
 * run says arrived, not how long it took. (The delivery queue's own tests show, on fake timers,
 * that a slow server is waited for however long the whole takes.)
 */
describe('baton eval on the full default suite, against a Langfuse that answers 100 ms late (fake)', () => {
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;
  let server: FakeLangfuseServer;
  let run: BatonOutcome;
  let expected: ExpectedLangfuse;
  /** Time the fake server spent answering, on its own clock. */
  let serverClockMs = 0;
  const runDir = () => join(temp.path, 'full');

  beforeAll(async () => {
    temp = await makeTempFolder();
    server = await startFakeLangfuseServer({
      keys,
      delayMs,
      sleep: async (ms) => {
        serverClockMs += ms;
        // Other requests are read and answered meanwhile, as on a server that is slow, not stuck.
        await new Promise((resolve) => setImmediate(resolve));
      },
    });
    run = await runBaton(
      ['eval', '--cwd', repositoryRoot, '--resamples', '200', '--no-progress', '--out', runDir()],
      {
        cwd: temp.path,
        env: {
          LANGFUSE_PUBLIC_KEY: keys.publicKey,
          LANGFUSE_SECRET_KEY: keys.secretKey,
          LANGFUSE_BASE_URL: server.baseUrl,
          // The fake server shares this process with a CPU-bound replay: no request may time out
          // only because the machine is busy (a timed-out export would be resent, not lost).
          LANGFUSE_TIMEOUT: '60',
        },
      },
    );
    expected = await expectedLangfuse(runDir(), { runId: 'full', datasetName: 'baton/support/test' });
    // The replay of 344 turns through every strategy, after route-measured's profiling pass over
    // the train split, is CPU-bound: a budget for a loaded 2-core machine, not a timing assertion.
  }, 900_000);

  afterAll(async () => {
    await server.close();
    await temp.remove();
  });

  it('replays the 344 turns of the test split and exits 0', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(expected.datasetItems.size).toBe(344);
    expect(expected.runItems.size).toBeGreaterThanOrEqual(344 * 6);
  });

  it('delivers every span, dataset item, run link and score, each exactly once', () => {
    expect(heldBy(server)).toEqual(expected);
    expect(repeated(server)).toEqual({ spans: [], datasetItems: [], runItems: [], scores: [] });
    expect(server.invalidRequests()).toEqual([]);
    // Every answer took its 100 ms.
    expect(serverClockMs).toBe(delayMs * server.requests.length);
  });

  it('counts in its final line exactly what arrived, and keeps nothing pending', () => {
    const final = run.stderr.split('\n').find((line) => line.startsWith('Langfuse: dataset'));
    expect(final).toMatch(
      /^Langfuse: dataset "baton\/support\/test", \d+ experiment runs \(and legacy dataset runs\) \(/,
    );
    expect(acknowledgedIn(final)).toEqual({
      spans: { acknowledged: expected.spans.size, of: expected.spans.size },
      'dataset items': { acknowledged: expected.datasetItems.size, of: expected.datasetItems.size },
      'run items': { acknowledged: expected.runItems.size, of: expected.runItems.size },
      scores: { acknowledged: expected.scores.size, of: expected.scores.size },
    });
    expect(run.stderr).not.toMatch(/warning: .*Langfuse/);
    expect(existsSync(join(runDir(), 'langfuse-pending.jsonl'))).toBe(false);
  });

  it('sends scores in ingestion batches of up to 100 and traces as gzip’d OTLP', () => {
    const ingestion = server.requestsTo('/api/public/ingestion');
    const events = ingestion.map((request) => (request.body as { batch: unknown[] }).batch.length);
    expect(Math.max(...events)).toBe(100);
    expect(events.reduce((sum, count) => sum + count, 0)).toBe(expected.scores.size);
    expect(server.requestsTo('/api/public/scores')).toEqual([]);
    const otlp = server.requestsTo('/api/public/otel/v1/traces');
    for (const request of otlp) {
      expect(request.headers['content-encoding']).toBe('gzip');
      expect(request.wireBytes).toBeLessThan(request.bodyBytes);
    }
    // Over the run, not per request: how many spans one export holds depends on when the batch
    // processor flushes, and a small last batch compresses less.
    const total = (key: 'wireBytes' | 'bodyBytes') => otlp.reduce((sum, request) => sum + request[key], 0);
    expect(total('wireBytes')).toBeLessThan(total('bodyBytes') / 5);
  });
});
