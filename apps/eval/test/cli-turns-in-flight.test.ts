import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createMockOpenAIServer, type MockOpenAIServer } from '@baton/providers/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

  it('holds a host to --host-concurrency below --concurrency', async () => {
    host = await gatedHost(9);
    const outcome = await run(24, ['--concurrency', '64', '--host-concurrency', '8']);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(host.peak()).toBe(8);
  }, 60_000);
});
