import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRunFolder } from './read-run-folder.js';
import { e2eSuite, makeTempFolder, runBaton } from './run-baton.js';

// The config imports the package by its source path: a temporary folder has no node_modules in
// which `@baton/eval` would resolve (a user's project has).
const packageEntry = fileURLToPath(new URL('../src/index.ts', import.meta.url));

const cannedAnswer = 'Thanks for your message, our team will get back to you today.';

/** An eval.config.ts with a custom strategy, a custom scorer and options; `extra` is spliced in. */
function configSource(extra = ''): string {
  return `import { defineConfig } from ${JSON.stringify(packageEntry)};

export default defineConfig({
  suite: ${JSON.stringify(e2eSuite)},
  resamples: 200,
  progress: false,
  failUnder: { answerQuality: 0 },
  customStrategies: {
    canned: (context) => ({
      specificationVersion: 'v1',
      name: 'canned',
      description: \`a fixed reply (\${context.articles.length} articles known)\`,
      async respond() {
        return {
          answer: ${JSON.stringify(cannedAnswer)},
          outcome: 'answered',
          respondedBy: ['desk'],
          delegations: [],
        };
      },
    }),
  },
  scorers: [
    {
      specificationVersion: 'v1',
      name: 'shortAnswer',
      description: 'at most 30 words',
      score: ({ answer }) => ({ value: answer.split(/\\s+/).length <= 30 ? 1 : 0 }),
    },
  ],
  ${extra}
});
`;
}

/** A custom strategy (config source) that throws on the turn about Sunday (e-t3#0). */
const brokenStrategy = `broken: () => ({
      specificationVersion: 'v1',
      name: 'broken',
      description: 'throws on questions about Sunday',
      async respond(turn) {
        if (turn.message.includes('sunday')) throw new Error('the broken strategy gave up');
        return { answer: 'We can help with that.', outcome: 'answered', respondedBy: ['desk'], delegations: [] };
      },
    }),`;

describe('baton eval with eval.config.ts', () => {
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;
  const baton = (argv: string[]) => runBaton(argv, { cwd: temp.path });

  beforeEach(async () => {
    temp = await makeTempFolder();
    // An ESM project, as the config's `import`/`export default` assume (see the it.fails below).
    await writeFile(join(temp.path, 'package.json'), '{ "type": "module" }\n');
  });

  afterEach(async () => {
    await temp.remove();
  });

  it('runs a custom strategy and a custom scorer from the config in the working directory', async () => {
    await writeFile(join(temp.path, 'eval.config.ts'), configSource("strategies: ['solo', 'canned'],"));
    const outcome = await baton(['eval', '--out', 'run']);
    expect(outcome.stderr).toContain('Gates passed (1).');
    expect(outcome.code).toBe(0);

    const { summary, items } = await readRunFolder(join(temp.path, 'run'));
    expect(summary.strategies.map((strategy) => strategy.name)).toEqual([
      'solo',
      'canned',
      'echo',
      'generic',
    ]);
    const canned = summary.strategies[1]!;
    expect(canned).toMatchObject({ description: 'a fixed reply (6 articles known)', turns: 12, errors: 0 });
    expect(canned.metrics.custom?.shortAnswer).toMatchObject({ mean: 1, n: 12 });
    expect(summary.strategies[0]!.metrics.custom?.shortAnswer?.n).toBe(12);
    expect(summary.gate.checks).toEqual([
      expect.objectContaining({ strategy: 'canned', name: 'answerQuality >= 0', passed: true }),
    ]);

    // solo, canned and the two floor probes, 12 turns each; every answered item has the custom score.
    expect(items).toHaveLength(48);
    for (const item of items) expect(item.scores.shortAnswer).toEqual(expect.any(Number));
    for (const item of items.filter((item) => item.strategy === 'canned')) {
      expect(item).toMatchObject({ answer: cannedAnswer, outcome: 'answered', scores: { shortAnswer: 1 } });
    }
  });

  it('adds the custom strategies to the default ones when the config names none', async () => {
    await writeFile(join(temp.path, 'eval.config.ts'), configSource());
    const outcome = await baton(['eval', '--out', 'run']);
    expect(outcome.code).toBe(0);
    const { summary } = await readRunFolder(join(temp.path, 'run'));
    expect(summary.strategies.map((strategy) => strategy.name)).toEqual([
      'solo',
      'route-lexical',
      'route-trained',
      'route-measured',
      'handoff',
      'verify-recover',
      'parallel',
      'canned',
      'recorded',
      'echo',
      'generic',
    ]);
  });

  it('keeps a turn whose strategy throws as a failed item that scores 0', async () => {
    await writeFile(
      join(temp.path, 'eval.config.ts'),
      configSource("strategies: ['solo', 'broken'],").replace(
        'customStrategies: {',
        `customStrategies: {\n    ${brokenStrategy}`,
      ),
    );
    const outcome = await baton(['eval', '--out', 'run']);
    expect(outcome.code).toBe(0);
    const { summary, items } = await readRunFolder(join(temp.path, 'run'));
    const broken = items.filter((item) => item.strategy === 'broken' && item.itemId === 'e-t3#0');
    expect(broken).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        answer: null,
        error: { code: 'delegation-failed', message: 'the broken strategy gave up' },
      }),
    ]);
    expect(broken[0]!.scores).toMatchObject({ answerQuality: 0, humanCleanup: 1, pass: false });
    expect(summary.strategies[1]).toMatchObject({ name: 'broken', turns: 12, failed: 1 });
    // Every turn with something to check, the failed one included: all but the closing "You're
    // welcome, happy baking!", a courtesy with no nugget.
    expect(summary.strategies[1]!.metrics.answerQuality.n).toBe(11);
  });

  // `errors` counts turns the harness got nothing back for; the core catches a strategy that throws
  // and reports it as failed, with the error on the item (run-summary.ts documents both).
  it('counts a turn whose strategy threw under failed, with its error, as summary.json documents', async () => {
    await writeFile(
      join(temp.path, 'eval.config.ts'),
      configSource("strategies: ['solo', 'broken'],").replace(
        'customStrategies: {',
        `customStrategies: {\n    ${brokenStrategy}`,
      ),
    );
    const outcome = await baton(['eval', '--out', 'run']);
    expect(outcome.code).toBe(0);
    const { summary } = await readRunFolder(join(temp.path, 'run'));
    expect(summary.strategies[1]).toMatchObject({ name: 'broken', errors: 0 });
    expect(summary.strategies[1]!.failed).toBeGreaterThan(0);
  });

  it('lets flags override the config and reads a config named with --config', async () => {
    await writeFile(join(temp.path, 'team.config.ts'), configSource("strategies: ['solo', 'canned'],"));
    const outcome = await baton([
      'eval',
      '--config',
      'team.config.ts',
      '--strategies',
      'canned',
      '--fail-under',
      'answerQuality=0.99',
      '--out',
      'run',
    ]);
    expect(outcome.code).toBe(1);
    const { summary } = await readRunFolder(join(temp.path, 'run'));
    expect(summary.strategies.map((strategy) => strategy.name)).toEqual(['canned', 'echo', 'generic']);
    expect(summary.gate.checks.map((check) => check.name)).toEqual(['answerQuality >= 0.99']);
  });

  it('exits 2 with a one-line reason naming the config file for invalid options in it', async () => {
    await writeFile(join(temp.path, 'eval.config.ts'), configSource('concurrency: 0,'));
    const outcome = await baton(['eval', '--out', 'run']);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(outcome.stderr).toMatch(/^baton: eval\.config\.ts: invalid options: .*concurrency/);
    // A bad flag beside a good config is the flag's: no file named.
    await writeFile(join(temp.path, 'eval.config.ts'), configSource(''));
    const flag = await baton(['eval', '--filter', '(', '--out', 'run-flag']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^baton: invalid options: /);
  });

  it('exits 2 for a config without a default export and for a missing --config file', async () => {
    await writeFile(join(temp.path, 'eval.config.ts'), 'export const strategies = ["solo"];\n');
    const empty = await baton(['eval', '--out', 'run']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('export default defineConfig');
    const missing = await baton(['eval', '--config', 'nope.config.ts', '--out', 'run']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--config nope.config.ts: no such file.');
  });

  it('reads eval.config.ts in a project that is not an ES module package', async () => {
    // tsx compiles this config to CommonJS, and its default export comes back wrapped once more.
    // The config imports nothing: under CommonJS, `@baton/*` resolve to their builds, which a test
    // run has not made (the pack-and-install test runs an installed baton in a CommonJS project).
    await writeFile(join(temp.path, 'package.json'), '{ "name": "support-bot" }\n');
    await writeFile(
      join(temp.path, 'eval.config.ts'),
      `const config: { suite: string; strategies: string[]; resamples: number; progress: boolean } = {
  suite: ${JSON.stringify(e2eSuite)},
  strategies: ['solo'],
  resamples: 200,
  progress: false,
};
export default config;
`,
    );
    const outcome = await baton(['eval', '--out', 'run']);
    expect(outcome.stderr).not.toContain('Unrecognized key');
    expect(outcome.code).toBe(0);
    const { summary } = await readRunFolder(join(temp.path, 'run'));
    expect(summary.strategies.map((strategy) => strategy.name)).toContain('solo');
  });
});
