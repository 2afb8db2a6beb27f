import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createMockOpenAIServer, type MockOpenAIServer } from '@baton/providers/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../src/run-summary.js';
import { readItemLines } from './read-run-folder.js';
import { e2eSuite, makeTempFolder, runBaton } from './run-baton.js';
import { batonBin, childEnvironment, repositoryRoot, type SpawnedBaton, spawnBaton } from './spawn-baton.js';

/** `npm run eval`, through npm itself when the tests were started by npm (as `npm test` does). */
function npmRunEval(args: readonly string[]): { command: string; args: string[] } {
  const npmCli = process.env.npm_execpath;
  return npmCli?.endsWith('.js')
    ? { command: process.execPath, args: [npmCli, 'run', 'eval', '--', ...args] }
    : { command: 'npm', args: ['run', 'eval', '--', ...args] };
}

/** Flags of the interrupted runs: a model whose calls the test holds, so the run is mid-way. */
const runFlags = [
  '--suite',
  e2eSuite,
  '--model',
  'openai:gpt-4.1-mini',
  '--strategies',
  'solo,route-llm',
  '--concurrency',
  '2',
  '--resamples',
  '200',
];

describe('Ctrl-C on the harness itself, with the copy npm would forward', () => {
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;
  let server: MockOpenAIServer;
  let release: () => void = () => {};

  beforeAll(async () => {
    temp = await makeTempFolder();
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    server = await createMockOpenAIServer({
      handler: async () => {
        calls += 1;
        if (calls > 4) await held;
        return undefined;
      },
    });
  });
  afterAll(async () => {
    release();
    await server.close();
    await temp.remove();
  });

  it('exits 130 with the partial summary written, not at once on the second SIGINT', async () => {
    const run = spawnBaton(
      process.execPath,
      [batonBin, 'eval', ...runFlags, '--out', join(temp.path, 'run')],
      {
        cwd: temp.path,
        env: childEnvironment({ OPENAI_API_KEY: 'sk-test-interrupt', OPENAI_BASE_URL: server.url }),
        detached: true,
      },
    );
    try {
      await server.waitForRequests(5);
      process.kill(-run.child.pid!, 'SIGINT');
      process.kill(run.child.pid!, 'SIGINT');
      const exit = await run.exited;
      expect(exit.code, run.stderr).toBe(130);
      expect(run.stderr.match(/Stopping…/g)).toHaveLength(1);
      const summary = JSON.parse(
        await readFile(join(temp.path, 'run', 'summary.json'), 'utf8'),
      ) as RunSummary;
      expect(summary.interrupted).toBe(true);
    } finally {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    }
  }, 90_000);
});

describe('Ctrl-C on `npm run eval` (SIGINT to the whole process group)', () => {
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;
  let server: MockOpenAIServer;
  let run: SpawnedBaton;
  let exit: { code: number | null; signal: NodeJS.Signals | null };
  let releaseHeld: () => void = () => {};

  beforeAll(async () => {
    temp = await makeTempFolder();
    // The model answers the first calls, then holds every further one until the test lets go: the
    // run is certainly under way, and certainly not finished, when Ctrl-C comes.
    const held = new Promise<void>((resolve) => {
      releaseHeld = resolve;
    });
    let calls = 0;
    server = await createMockOpenAIServer({
      handler: async () => {
        calls += 1;
        if (calls > 6) await held;
        return undefined;
      },
    });
    const out = join(temp.path, 'run');
    const { command, args } = npmRunEval([...runFlags, '--out', out]);
    run = spawnBaton(command, args, {
      cwd: repositoryRoot,
      env: childEnvironment({ OPENAI_API_KEY: 'sk-test-interrupt', OPENAI_BASE_URL: server.url }),
      detached: true,
    });
    await server.waitForRequests(7);
    // What a terminal does on Ctrl-C: SIGINT to every process of the foreground group, npm and the
    // harness alike; npm then forwards its own copy to the harness.
    process.kill(-run.child.pid!, 'SIGINT');
    exit = await run.exited;
    releaseHeld();
  }, 90_000);

  afterAll(async () => {
    releaseHeld();
    if (run && run.child.exitCode === null && run.child.signalCode === null)
      process.kill(-run.child.pid!, 'SIGKILL');
    await server?.close();
    await temp?.remove();
  });

  it('stops once, writes the finished items and a partial summary, and exits 130', async () => {
    // The shell sees 130 either way: npm passes the harness's 130 on, or ends by the same SIGINT
    // as its shell child (how `sh -c` ends after a Ctrl-C varies between shells).
    expect(exit.code === 130 || exit.signal === 'SIGINT', `${JSON.stringify(exit)}\n${run.stderr}`).toBe(
      true,
    );
    expect(run.stderr.match(/Stopping…/g)).toHaveLength(1);
    expect(run.stderr).toContain(
      'Interrupted: the items finished so far are written; continue with --resume.',
    );
    const summary = JSON.parse(await readFile(join(temp.path, 'run', 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.interrupted).toBe(true);
    expect((await readItemLines(join(temp.path, 'run', 'items.jsonl'))).length).toBeGreaterThan(0);
  });

  it('leaves a run that --resume completes, with one line per item', async () => {
    const resumed = await runBaton(
      [
        'eval',
        '--suite',
        e2eSuite,
        '--model',
        'openai:gpt-4.1-mini',
        '--strategies',
        'solo,route-llm',
        '--resamples',
        '200',
        '--no-progress',
        '--out',
        join(temp.path, 'run'),
        '--resume',
      ],
      { cwd: temp.path, env: { OPENAI_API_KEY: 'sk-test-interrupt', OPENAI_BASE_URL: server.url } },
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    const items = await readItemLines(join(temp.path, 'run', 'items.jsonl'));
    const keys = items.map((item) => `${item.strategy} ${item.itemId} ${item.repeat}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
