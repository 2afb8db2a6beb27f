import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createMockOpenAIServer, type MockOpenAIServer } from '@baton/providers/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evalOptionsSchema } from '../src/eval-config.js';
import { evaluate } from '../src/evaluate.js';
import { liveHostConcurrency, offlineConcurrency } from '../src/turn-concurrency.js';
import { e2eSuite, makeTempFolder, runBaton } from './run-baton.js';

/**
 * A stub host that holds every call until `release` calls wait together (or the run has gone
 * quiet for a moment, so a run that never gets there finishes too), and counts the most calls it
 * held at once: the calls the harness really had in flight.
 */
async function gatedHost(release: number): Promise<{ server: MockOpenAIServer; peak: () => number }> {
  let waiting: (() => void)[] = [];
  let peak = 0;
  let quiet: NodeJS.Timeout | undefined;
  const releaseAll = () => {
    const held = waiting;
    waiting = [];
    for (const resume of held) resume();
  };
  const server = await createMockOpenAIServer({
    handler: () =>
      new Promise((resolve) => {
        waiting.push(() => resolve(undefined));
        peak = Math.max(peak, waiting.length);
        clearTimeout(quiet);
        if (waiting.length >= release) releaseAll();
        // Not a time limit on the run: only what lets a run below `release` calls go on at all.
        else quiet = setTimeout(releaseAll, 500);
      }),
  });
  return { server, peak: () => peak };
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
    host = await gatedHost(64);
    const outcome = await run(80, ['--concurrency', '64']);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(host.peak()).toBe(64);
  }, 60_000);

  it('keeps 8 model calls in flight by default when a model is called live', async () => {
    host = await gatedHost(liveHostConcurrency + 1);
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
    // A strategy whose turns wait until as many as the default allows wait together (then every
    // later turn passes), or until the run has gone quiet for a moment: the peak is the turns the
    // run really had in flight.
    let waiting: (() => void)[] = [];
    let peak = 0;
    let opened = false;
    let quiet: NodeJS.Timeout | undefined;
    const releaseAll = () => {
      const held = waiting;
      waiting = [];
      for (const resume of held) resume();
    };
    const gate = () =>
      opened
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiting.push(resolve);
            peak = Math.max(peak, waiting.length);
            clearTimeout(quiet);
            if (waiting.length >= offlineConcurrency) {
              opened = true;
              releaseAll();
            } else {
              // Not a time limit on the run: only what lets a run below the default go on at all.
              quiet = setTimeout(releaseAll, 2_000);
            }
          });
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
        out: 'run',
      }),
      {
        customStrategies: {
          gated: () => ({
            specificationVersion: 'v1',
            name: 'gated',
            description: 'answers once enough turns wait together',
            async respond() {
              await gate();
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
    clearTimeout(quiet);
    expect(exitCode).toBe(0);
    expect(peak).toBe(offlineConcurrency);
    expect(offlineConcurrency).toBe(128);
  }, 60_000);
});
