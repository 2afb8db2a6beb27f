import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createMockOpenAIServer, type MockOpenAIServer } from '@baton/providers/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evalOptionsSchema } from '../src/eval-config.js';
import { evaluate } from '../src/evaluate.js';
import { liveHostConcurrency, offlineConcurrency } from '../src/turn-concurrency.js';
import { e2eSuite, makeTempFolder, runBaton } from './run-baton.js';

/**
 * Holds its callers until `release` of them wait together (or nothing new has come for `quietMs`,
 * so a run that never gets there finishes too), and counts the most it held at once: what the
 * harness really had in flight. With `stayOpen`, every caller after the first full release passes.
 */
function createGate(release: number, options: { quietMs: number; stayOpen?: boolean }) {
  let waiting: (() => void)[] = [];
  let peak = 0;
  let open = false;
  let quiet: NodeJS.Timeout | undefined;
  const releaseAll = () => {
    const held = waiting;
    waiting = [];
    for (const resume of held) resume();
  };
  return {
    wait: (): Promise<void> =>
      open
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiting.push(resolve);
            peak = Math.max(peak, waiting.length);
            clearTimeout(quiet);
            if (waiting.length >= release) {
              open = options.stayOpen === true;
              releaseAll();
            } else {
              // Not a time limit on the run: only what lets a run below `release` go on at all.
              quiet = setTimeout(releaseAll, options.quietMs);
            }
          }),
    peak: () => peak,
    dispose: () => clearTimeout(quiet),
  };
}

/** A stub host whose calls pass a gate (see {@link createGate}): its peak is the calls in flight. */
async function gatedHost(
  release: number,
  quietMs = 500,
  stayOpen = false,
): Promise<{ server: MockOpenAIServer; peak: () => number }> {
  const gate = createGate(release, { quietMs, stayOpen });
  const server = await createMockOpenAIServer({ handler: () => gate.wait().then(() => undefined) });
  return { server, peak: gate.peak };
}

/** One-turn conversations: each turn of `solo` with LLM agents is exactly one model call. */
async function writeConversations(file: string, count: number): Promise<void> {
  const lines = Array.from({ length: count }, (_, index) =>
    JSON.stringify({
      id: `c-${index}`,
      turns: [
        { role: 'user', text: `Where is my parcel number ${index}?` },
        { role: 'agent', text: 'It left our warehouse today and arrives tomorrow.' },
      ],
    }),
  );
  await writeFile(file, `${lines.join('\n')}\n`);
}

describe('baton eval --concurrency and --host-concurrency with a model', () => {
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;
  let host: Awaited<ReturnType<typeof gatedHost>> | undefined;

  beforeEach(async () => {
    temp = await makeTempFolder();
  });

  afterEach(async () => {
    await host?.server.close();
    host = undefined;
    await temp.remove();
  });

  const run = async (turns: number, flags: string[]) => {
    const dataset = join(temp.path, 'conversations.jsonl');
    await writeConversations(dataset, turns);
    return runBaton(
      [
        'eval',
        '--suite',
        e2eSuite,
        '--dataset',
        dataset,
        '--split',
        'all',
        '--model',
        'openai:gpt-4.1-mini',
        '--strategies',
        'solo',
        '--resamples',
        '100',
        '--no-progress',
        '--no-trace',
        '--out',
        'run',
        ...flags,
      ],
      { cwd: temp.path, env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: host!.server.url } },
    );
  };

  it('keeps as many model calls in flight as turns, past the 32 a host used to allow', async () => {
    // The first 64 calls are held until all 64 wait (the rest then pass): on a loaded 2-core machine
    // the harness can take more than half a second between two of its first calls, which released
    // a gate with a short quiet time early (peak 58). The quiet time is only the way out for a run
    // that never gets there, whose peak then fails the test.
    host = await gatedHost(64, 20_000, true);
    const outcome = await run(80, ['--concurrency', '64']);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(host.peak()).toBe(64);
  }, 60_000);

  it('keeps 8 model calls in flight by default when a model is called live', async () => {
    // Every batch of 8 waits out the quiet time (the 9th call never comes): a longer one, so that a
    // busy machine's pause between two calls of a batch cannot release it early.
    host = await gatedHost(liveHostConcurrency + 1, 2_000);
    const outcome = await run(24, []);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(host.peak()).toBe(liveHostConcurrency);
    expect(liveHostConcurrency).toBe(8);
  }, 60_000);

  it('holds a host to --host-concurrency below --concurrency', async () => {
    host = await gatedHost(9);
    const outcome = await run(24, ['--concurrency', '64', '--host-concurrency', '8']);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(host.peak()).toBe(8);
  }, 60_000);
});

describe('baton eval with nothing called live', () => {
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;

  beforeEach(async () => {
    temp = await makeTempFolder();
  });

  afterEach(async () => {
    await temp.remove();
  });

  it('keeps 128 turns in flight by default', async () => {
    // A strategy whose turns pass a gate that opens once as many as the default allows wait
    // together: its peak is the turns the run really had in flight. The quiet time only ends a run
    // that never gets there (a failing one), so it is long enough that no pause of a busy machine
    // reaches it.
    const gate = createGate(offlineConcurrency, { quietMs: 10_000, stayOpen: true });
    const dataset = join(temp.path, 'conversations.jsonl');
    await writeConversations(dataset, offlineConcurrency + 40);
    const { exitCode } = await evaluate(
      evalOptionsSchema.parse({
        suite: e2eSuite,
        dataset,
        split: 'all',
        strategies: ['gated'],
        resamples: 100,
        trace: false,
        langfuse: false,
        // Scored on this thread: the floor probes' turns end without waiting for a worker to start.
        scoreThreads: 0,
        out: 'run',
      }),
      {
        customStrategies: {
          gated: () => ({
            specificationVersion: 'v1',
            name: 'gated',
            description: 'answers once enough turns wait together',
            async respond() {
              await gate.wait();
              return {
                answer: 'It arrives tomorrow.',
                outcome: 'answered',
                respondedBy: ['desk'],
                delegations: [],
              };
            },
          }),
        },
      },
      { cwd: temp.path, env: {} },
    );
    gate.dispose();
    expect(exitCode).toBe(0);
    expect(gate.peak()).toBe(offlineConcurrency);
    expect(offlineConcurrency).toBe(128);
  }, 60_000);
});
