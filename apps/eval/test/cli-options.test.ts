import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunFolder } from './read-run-folder.js';
import { e2eSuite, fastFlags, makeTempFolder, runBaton } from './run-baton.js';

// The config imports the package by its source path: a temporary folder has no node_modules in
// which `@baton/eval` would resolve (a user's project has).
const packageEntry = fileURLToPath(new URL('../src/index.ts', import.meta.url));

/** A config with a custom scorer, `politeness`: 1 when the answer greets, thanks or apologises. */
const politenessConfig = `import { defineConfig, type Scorer } from ${JSON.stringify(packageEntry)};

const politeness: Scorer = {
  specificationVersion: 'v1',
  name: 'politeness',
  description: 'greets, thanks or apologises',
  score: ({ answer }) => ({ value: /\\b(hi|hello|thanks?|sorry|happy)\\b/i.test(answer) ? 1 : 0 }),
};

export default defineConfig({
  suite: ${JSON.stringify(e2eSuite)},
  resamples: 200,
  progress: false,
  strategies: ['solo', 'route-lexical'],
  scorers: [politeness],
});
`;

// Each test runs whole evaluations (a config loaded through tsx, several suites): a budget for a
// loaded 2-core machine, not a timing assertion.
describe('baton eval options a new user reaches for', { timeout: 180_000 }, () => {
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;
  const baton = (argv: string[], env: Record<string, string> = {}) => runBaton(argv, { cwd: temp.path, env });

  beforeAll(async () => {
    temp = await makeTempFolder();
    await writeFile(join(temp.path, 'package.json'), '{ "type": "module" }\n');
    await writeFile(join(temp.path, 'polite.config.ts'), politenessConfig);
  });

  afterAll(async () => {
    await temp.remove();
  });

  it('reads -c as --config and -o as --out, and gates a custom scorer by its name', async () => {
    const passing = await baton([
      'eval',
      '-c',
      'polite.config.ts',
      '-o',
      'polite',
      '--fail-under',
      'politeness=0',
    ]);
    expect(passing.stderr).toContain('Gates passed (1).');
    expect(passing.code).toBe(0);
    // The custom score has its row and its paired difference in the terminal table.
    expect(passing.stderr).toMatch(/^politeness ↑ \(answered only\)\s+\d\.\d{3} \[/m);
    const { summary } = await readRunFolder(join(temp.path, 'polite'));
    expect(summary.scorer.custom).toEqual({
      politeness: { description: 'greets, thanks or apologises', higherIsBetter: true, answeredOnly: true },
    });
    expect(summary.comparisons.find((comparison) => comparison.metric === 'politeness')).toMatchObject({
      candidate: 'route-lexical',
      method: 'paired-bootstrap',
      n: 7,
    });
    const markdown = await readFile(join(temp.path, 'polite', 'report.md'), 'utf8');
    expect(markdown).toContain('| route-lexical | politeness ↑ |');
    expect(markdown).toContain('| ✅ | route-lexical | politeness &gt;= 0 |');
    const junit = await readFile(join(temp.path, 'polite', 'junit.xml'), 'utf8');
    expect(junit).toContain('<testcase classname="route-lexical" name="politeness &gt;= 0" time="0">');
    const html = await readFile(join(temp.path, 'polite', 'report.html'), 'utf8');
    expect(html).toContain('data-metric="politeness"');

    const failing = await baton(['report', 'polite', '--fail-under', 'politeness=0.99']);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(/Gate failed: route-lexical politeness \d\.\d+ < 0\.99/);
  });

  it('exits 2 for a gate on a custom name no scorer has, naming the valid ones', async () => {
    const outcome = await baton([
      'eval',
      '-c',
      'polite.config.ts',
      '-o',
      'typo',
      '--fail-under',
      'politness=0.5',
    ]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/unknown metric "politness"; valid metrics: .*passRate, politeness\n$/);
    expect(existsSync(join(temp.path, 'typo', 'items.jsonl'))).toBe(false);
  });

  it('exits 2 for --max-regression in a run of the baseline alone, before anything is replayed', async () => {
    const outcome = await baton([
      'eval',
      ...fastFlags,
      '--strategies',
      'solo',
      '-o',
      'alone',
      '--max-regression',
      'answerQuality=0.1',
    ]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(
      /^baton: --max-regression compares strategies with the baseline, and this run has only the baseline \(solo\)/,
    );
    expect(existsSync(join(temp.path, 'alone', 'items.jsonl'))).toBe(false);
  });

  it('exits 2 for --map over data with no CSV file, and reads a CSV through it', async () => {
    const jsonl = await baton(['eval', ...fastFlags, '--map', 'text=question', '-o', 'mapped-jsonl']);
    expect(outcome(jsonl)).toEqual({ code: 2, written: false });
    expect(jsonl.stderr).toMatch(/^baton: --map names CSV columns, but .+ holds no \.csv file/);

    const faq = fileURLToPath(new URL('../../../datasets/examples/faq-export.csv', import.meta.url));
    const csv = await baton([
      'eval',
      ...fastFlags,
      '--strategies',
      'solo',
      '--dataset',
      faq,
      '--split',
      'all',
      '--map',
      'text=question,reference=answer,domain=category',
      '-o',
      'mapped-csv',
    ]);
    expect(csv.code, csv.stderr).toBe(0);
    const { summary } = await readRunFolder(join(temp.path, 'mapped-csv'));
    expect(summary.strategies.find((strategy) => strategy.name === 'solo')?.turns).toBe(6);

    function outcome(result: { code: number }) {
      return { code: result.code, written: existsSync(join(temp.path, 'mapped-jsonl', 'items.jsonl')) };
    }
  });

  it('replays only the conversations whose id matches --filter', async () => {
    const outcome = await baton([
      'eval',
      ...fastFlags,
      '--strategies',
      'solo',
      '--filter',
      '^e-t[12]$',
      '-o',
      'filtered',
    ]);
    expect(outcome.code).toBe(0);
    const { summary, items } = await readRunFolder(join(temp.path, 'filtered'));
    expect(summary.suite.conversations).toBe(2);
    expect(new Set(items.map((item) => item.conversationId))).toEqual(new Set(['e-t1', 'e-t2']));
    const none = await baton([
      'eval',
      ...fastFlags,
      '--strategies',
      'solo',
      '--filter',
      '^nope',
      '-o',
      'none',
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('matches --filter ^nope');
    const invalid = await baton(['eval', ...fastFlags, '--filter', '(', '-o', 'invalid']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/^baton: invalid options: .*not a valid regular expression/);
  });

  it('reads variables from --env-file, with those already set winning', async () => {
    const fromFile = join(temp.path, 'from-file.md');
    await writeFile(join(temp.path, '.env'), `GITHUB_STEP_SUMMARY=${fromFile}\n`);
    const outcome = await baton([
      'eval',
      ...fastFlags,
      '--strategies',
      'solo',
      '--env-file',
      '.env',
      '-o',
      'env',
    ]);
    expect(outcome.code).toBe(0);
    expect(await readFile(fromFile, 'utf8')).toContain('## Baton eval: no gates set');
    const missing = await baton(['eval', ...fastFlags, '--env-file', 'none.env', '-o', 'env-missing']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('baton: --env-file none.env: no such file.\n');
  });

  it('fits the table to COLUMNS and colours it only when asked', async () => {
    const narrow = await baton(['report', 'polite'], { COLUMNS: '80' });
    expect(narrow.code).toBe(0);
    const tableLines = narrow.stderr.split('\n').filter((line) => !line.startsWith('Results: '));
    expect(Math.max(...tableLines.map((line) => [...line].length))).toBeLessThanOrEqual(80);
    expect(narrow.stderr).not.toContain('\u001b[');
    const forced = await baton(['report', 'polite'], { FORCE_COLOR: '1' });
    expect(forced.stderr).toContain('\u001b[1msolo (baseline)');
  });

  it('merges shards with -o', async () => {
    const shards = await Promise.all(
      ['1/2', '2/2'].map((shard, index) =>
        baton(['eval', ...fastFlags, '--strategies', 'solo', '--shard', shard, '-o', `shard-${index + 1}`]),
      ),
    );
    expect(shards.map((outcome) => outcome.code)).toEqual([0, 0]);
    const merged = await baton(['merge', 'shard-1', 'shard-2', '-o', 'merged']);
    expect(merged.code).toBe(0);
    expect((await readRunFolder(join(temp.path, 'merged'))).summary.suite.conversations).toBe(7);
  });
});
