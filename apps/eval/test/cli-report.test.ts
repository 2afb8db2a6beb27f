import { appendFile, cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../src/run-summary.js';
import { qualityMeans, readRunFolder } from './read-run-folder.js';
import { fastFlags, makeTempFolder, runBaton } from './run-baton.js';

describe('baton report', () => {
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;
  let original: RunSummary;
  const baton = (argv: string[]) => runBaton(argv, { cwd: temp.path });
  const summaryOf = async (dir: string) => (await readRunFolder(join(temp.path, dir))).summary;

  beforeAll(async () => {
    temp = await makeTempFolder();
    const [plain, gated] = await Promise.all([
      baton(['eval', ...fastFlags, '--strategies', 'solo,route-lexical', '--out', 'plain']),
      baton([
        'eval',
        ...fastFlags,
        '--strategies',
        'solo,route-lexical',
        '--out',
        'gated',
        '--fail-under',
        'answerQuality=0.99',
      ]),
    ]);
    expect([plain.code, gated.code]).toEqual([0, 1]);
    original = await summaryOf('plain');
  }, 60_000);

  afterAll(async () => {
    await temp.remove();
  });

  it('re-renders a run with new gates and exits 0 when they pass', async () => {
    const outcome = await baton([
      'report',
      'plain',
      '--fail-under',
      'answerQuality=0',
      '--max',
      'escalationRate=1',
    ]);
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toContain('Gates passed (2).');
    const summary = await summaryOf('plain');
    expect(summary.gate.checks.map((check) => check.name)).toEqual([
      'answerQuality >= 0',
      'escalationRate <= 1',
    ]);
    expect(qualityMeans(summary)).toEqual(qualityMeans(original));
    const junit = await readFile(join(temp.path, 'plain', 'junit.xml'), 'utf8');
    expect(junit).toContain('tests="2" failures="0"');
  });

  it('exits 1 and rewrites the reports when the new gates fail', async () => {
    const outcome = await baton(['report', 'plain', '--fail-under', 'answerQuality=0.99']);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/Gate failed: route-lexical answerQuality [\d.]+ < 0\.99/);
    expect((await summaryOf('plain')).gate.passed).toBe(false);
    const junit = await readFile(join(temp.path, 'plain', 'junit.xml'), 'utf8');
    expect(junit).toContain('tests="1" failures="1"');
  });

  it('applies the gates the run was made with when none are given', async () => {
    expect((await baton(['report', 'gated'])).code).toBe(1);
    expect((await baton(['report', 'plain'])).code).toBe(0);
  });

  it('lets gate flags replace the gates the run was made with', async () => {
    const outcome = await baton(['report', 'gated', '--fail-under', 'answerQuality=0']);
    expect(outcome.code).toBe(0);
  });

  it('compares against another baseline and prints the summary with --json', async () => {
    const outcome = await baton(['report', 'plain', '--baseline', 'route-lexical', '--json']);
    expect(outcome.code).toBe(0);
    const printed = JSON.parse(outcome.stdout) as RunSummary;
    expect(printed.baseline).toBe('route-lexical');
    expect(new Set(printed.comparisons.map((comparison) => comparison.candidate))).toEqual(new Set(['solo']));
    expect(printed).toEqual(await summaryOf('plain'));
  });

  it('keeps what it does not recompute: duration, suite, split, scorers, run id and creation time', async () => {
    await baton(['report', 'plain']);
    const rerendered = await summaryOf('plain');
    expect(rerendered.durationMs).toBe(original.durationMs);
    expect(rerendered.suite).toEqual(original.suite);
    expect(rerendered.suite.name).toBe('e2e');
    expect(rerendered.suite.splitInfo).toBeDefined();
    expect(rerendered.scorer).toEqual(original.scorer);
    expect([rerendered.runId, rerendered.createdAt]).toEqual([original.runId, original.createdAt]);
    // report.md shows the dataset relative to the folder baton ran in, not the runner's path.
    const markdown = await readFile(join(temp.path, 'plain', 'report.md'), 'utf8');
    expect(markdown).not.toContain(temp.path);
  });

  it('keeps a shard a shard when it is re-rendered alone', async () => {
    const shard = await baton([
      'eval',
      ...fastFlags,
      '--strategies',
      'solo',
      '--shard',
      '1/2',
      '--out',
      'shard',
    ]);
    expect(shard.code).toBe(0);
    await baton(['report', 'shard']);
    expect((await summaryOf('shard')).shard).toEqual({ index: 1, count: 2 });
  });

  it('says so when it drops the cut-off last line of an interrupted write', async () => {
    await cp(join(temp.path, 'plain'), join(temp.path, 'cut'), { recursive: true });
    await appendFile(join(temp.path, 'cut', 'items.jsonl'), '{"itemId":"cut-off","strate');
    const outcome = await baton(['report', 'cut']);
    // An item was lost mid-write: the report stands, but as an incomplete run's (exit 1).
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/items\.jsonl:\d+: dropped a cut-off line \(an interrupted write\)\./);
    expect(outcome.stdout + outcome.stderr).toMatch(/Incomplete run/);
    const summary = JSON.parse(await readFile(join(temp.path, 'cut', 'summary.json'), 'utf8')) as RunSummary;
    expect(qualityMeans(summary)).toEqual(qualityMeans(original));
  });

  it('says so when the summary it replaces cannot be read', async () => {
    await cp(join(temp.path, 'plain'), join(temp.path, 'torn-summary'), { recursive: true });
    await writeFile(join(temp.path, 'torn-summary', 'summary.json'), '{"suite": {"name": "sup');
    const outcome = await baton(['report', 'torn-summary']);
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toMatch(
      /summary\.json cannot be read \(.*\): it is replaced, and the suite's name/,
    );
  });

  it('exits 2 for a folder that is not a run and for a baseline that is not in it', async () => {
    const missing = await baton(['report', 'nowhere']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('is not a run folder (no run.json)');
    const baseline = await baton(['report', 'plain', '--baseline', 'parallel']);
    expect(baseline.code).toBe(2);
    expect(baseline.stderr).toContain('the baseline "parallel" is not one of the strategies');
  });
});
