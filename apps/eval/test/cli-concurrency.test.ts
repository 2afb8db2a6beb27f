import { join } from 'node:path';
import { createMockOpenAIServer, type MockOpenAIServer } from '@baton/providers/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readItemLines } from './read-run-folder.js';
import { e2eSuite, makeTempFolder } from './run-baton.js';
import { batonBin, childEnvironment, type SpawnedBaton, spawnBaton } from './spawn-baton.js';

describe('baton eval --model --judge --concurrency 64 against the mock OpenAI server', () => {
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;
  let server: MockOpenAIServer;
  let run: SpawnedBaton;
  let exit: { code: number | null };

  beforeAll(async () => {
    temp = await makeTempFolder();
    server = await createMockOpenAIServer();
    // A real process, so the test reads what Node itself prints on stderr. 64 units and, after
    // them, 64 pairwise judgements in flight share one signal while the host limiter queues half.
    run = spawnBaton(
      process.execPath,
      [
        batonBin,
        'eval',
        '--suite',
        e2eSuite,
        '--model',
        'openai:gpt-4.1-mini',
        '--judge',
        'openai:gpt-4.1-mini',
        '--strategies',
        'solo,route-llm,handoff,verify-recover',
        '--concurrency',
        '64',
        '--resamples',
        '200',
        '--no-progress',
        '--out',
        join(temp.path, 'run'),
      ],
      {
        cwd: temp.path,
        env: childEnvironment({ OPENAI_API_KEY: 'sk-test-concurrency', OPENAI_BASE_URL: server.url }),
      },
    );
    exit = await run.exited;
  }, 90_000);

  afterAll(async () => {
    await server.close();
    await temp.remove();
  });

  it('finishes without a MaxListenersExceededWarning or any other listener warning', () => {
    expect(exit.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('MaxListenersExceededWarning');
    expect(run.stderr).not.toMatch(/listeners added to/);
  });

  it('judged pairs concurrently and still wrote one line per item', async () => {
    expect(run.stderr).toMatch(/Judged \d+ answers pairwise against solo/);
    const items = await readItemLines(join(temp.path, 'run', 'items.jsonl'));
    const keys = items.map((item) => `${item.strategy} ${item.itemId} ${item.repeat}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(items.some((item) => item.scores.pairwiseWin !== undefined)).toBe(true);
  });
});
