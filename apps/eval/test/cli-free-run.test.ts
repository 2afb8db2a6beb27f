import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createMockOpenAIServer,
  type MockOpenAIServer,
  type MockRequest,
  reply,
} from '@baton/providers/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemResult } from '../src/item-result.js';
import { type RunFolder, readRunFolder } from './read-run-folder.js';
import { type BatonOutcome, fastFlags, makeTempFolder, runBaton } from './run-baton.js';

const keyOf = (item: ItemResult) => `${item.strategy} ${item.itemId}`;

describe('baton eval --free-run, offline', () => {
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;
  let outcome: BatonOutcome;
  let run: RunFolder;

  beforeAll(async () => {
    temp = await makeTempFolder();
    outcome = await runBaton(['eval', ...fastFlags, '--free-run', '--out', 'free'], { cwd: temp.path });
    run = await readRunFolder(join(temp.path, 'free'));
  });

  afterAll(async () => {
    await temp.remove();
  });

  it('says which mode ran and reports a divergence rate for every strategy', () => {
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toContain('replay: free run (own history; recorded user turns while they fit');
    expect(outcome.stderr).toContain('free run: divergence ↓');
    expect(run.summary.replay).toEqual({
      mode: 'free-run',
      fit: 'rule: nugget recall ≥ 0.5 and no question the recorded reply did not ask',
      userModel: null,
      maxSimulatedTurns: 5,
    });
    for (const strategy of run.summary.strategies) {
      expect(strategy.freeRun, strategy.name).toBeDefined();
      // Four of the seven test conversations have a second recorded user turn.
      expect(strategy.freeRun!.divergenceRate.n, strategy.name).toBe(4);
      expect(strategy.freeRun!.divergenceRate.mean, strategy.name).not.toBeNull();
      expect(strategy.freeRun!.simulatedTurns, strategy.name).toBe(0);
    }
  });

  it('marks every item recorded, and says why the recording stopped fitting where it did', () => {
    for (const item of run.items) expect(item.freeRun?.user, keyOf(item)).toBe('recorded');
    const diverged = run.items.filter((item) => item.freeRun?.fit?.fits === false);
    expect(diverged.length).toBeGreaterThan(0);
    for (const item of diverged) {
      expect(item.freeRun!.end, keyOf(item)).toBe('diverged');
      expect(item.freeRun!.fit!.reasons.length, keyOf(item)).toBeGreaterThan(0);
    }
  });

  it('writes a free-run section into report.md', async () => {
    const report = await readFile(join(temp.path, 'free', 'report.md'), 'utf8');
    expect(report).toContain('### Free run');
    expect(report).toContain('replay: free run');
  });

  it('re-renders the run as a free run', async () => {
    const rerendered = await runBaton(['report', 'free'], { cwd: temp.path });
    expect(rerendered.code).toBe(0);
    expect(rerendered.stderr).toContain('replay: free run');
  });

  it('says so when a run is teacher-forced', async () => {
    const forced = await runBaton(['eval', ...fastFlags, '--strategies', 'solo', '--out', 'forced'], {
      cwd: temp.path,
    });
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain('replay: teacher-forced');
  });

  it('refuses a user model without --free-run (exit 2)', async () => {
    const refused = await runBaton(
      ['eval', ...fastFlags, '--user-model', 'openai:gpt-4.1-mini', '--out', 'x'],
      {
        cwd: temp.path,
      },
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--user-model plays the customer of a free run: add --free-run.');
  });

  it('refuses free-run settings without --free-run (exit 2), where they would be ignored', async () => {
    const refused = await runBaton(['eval', ...fastFlags, '--fit-recall', '0.8', '--out', 'z'], {
      cwd: temp.path,
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--fit-recall sets a free run: add --free-run.');
  });

  it('refuses a cassette in a run that names no model (exit 2), where it would be ignored', async () => {
    const refused = await runBaton(['eval', ...fastFlags, '--replay', 'missing.jsonl', '--out', 'y'], {
      cwd: temp.path,
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--replay holds the calls of the models a run names');
  });
});

describe('baton eval --free-run --user-model: record against a mock server, replay with the network off', () => {
  const apiKey = 'sk-test-free-run-0123456789';
  const flags = [
    '--model',
    'openai:gpt-4.1-mini',
    '--strategies',
    'solo',
    '--free-run',
    '--user-model',
    'openai:gpt-4.1-mini',
    '--max-simulated-turns',
    '2',
    '--limit',
    '2',
  ];
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;
  let server: MockOpenAIServer;
  let recorded: BatonOutcome;
  let recordedRun: RunFolder;

  /** The simulated customer complains once, then ends the conversation. */
  const customer = (request: MockRequest) => {
    const body = request.body as { messages?: { role: string; content: string }[] };
    const messages = body.messages ?? [];
    if (!messages[0]?.content.includes('You play a customer')) return undefined;
    const transcript = messages.at(-1)?.content ?? '';
    return reply.chat({
      content: transcript.includes('That does not answer my question.')
        ? 'Never mind, thanks. [DONE]'
        : 'That does not answer my question.',
    });
  };

  beforeAll(async () => {
    temp = await makeTempFolder();
    server = await createMockOpenAIServer({ handler: customer });
    recorded = await runBaton(
      ['eval', ...fastFlags, ...flags, '--record', 'cassette.jsonl', '--out', 'recorded'],
      {
        cwd: temp.path,
        env: { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: server.url },
      },
    );
    await server.close();
    recordedRun = await readRunFolder(join(temp.path, 'recorded'));
  }, 60_000);

  afterAll(async () => {
    await server.close();
    await temp.remove();
  });

  it('lets the user model play the customer after the divergence, through the same transport', async () => {
    expect(recorded.stderr).not.toContain('baton:');
    expect(recorded.code).toBe(0);
    const simulated = recordedRun.items.filter((item) => item.freeRun?.user === 'simulated');
    expect(simulated.length).toBeGreaterThan(0);
    for (const item of simulated) {
      expect(item.input, keyOf(item)).toBe('That does not answer my question.');
      expect(item.freeRun!.simulatedBy?.model, keyOf(item)).toBe('openai:gpt-4.1-mini');
    }
    expect(recordedRun.items.some((item) => item.freeRun?.end === 'user-done')).toBe(true);
    const solo = recordedRun.summary.strategies.find((strategy) => strategy.name === 'solo')!;
    expect(solo.freeRun!.simulated).not.toBeNull();
    expect(recordedRun.summary.replay?.userModel).toBe('openai:gpt-4.1-mini');
    const cassette = await readFile(join(temp.path, 'cassette.jsonl'), 'utf8');
    expect(cassette).toContain('You play a customer');
    expect(cassette).not.toContain(apiKey);
  });

  it('replays the free run without a key or a server, turn for turn', async () => {
    const replayed = await runBaton(
      ['eval', ...fastFlags, ...flags, '--replay', 'cassette.jsonl', '--out', 'replayed'],
      { cwd: temp.path, env: {} },
    );
    expect(replayed.stderr).not.toContain('baton:');
    expect(replayed.code).toBe(0);
    const replayedRun = await readRunFolder(join(temp.path, 'replayed'));
    const turns = (folder: RunFolder) =>
      Object.fromEntries(
        folder.items.map((item) => [
          keyOf(item),
          [item.input, item.answer, item.freeRun?.next, item.freeRun?.end],
        ]),
      );
    expect(turns(replayedRun)).toEqual(turns(recordedRun));
  });
});
