import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricEstimate, RunSummary } from '../src/run-summary.js';
import { type RunFolder, readRunFolder } from './read-run-folder.js';
import { type BatonOutcome, e2eSuite, fastFlags, makeTempFolder, runBaton } from './run-baton.js';

const offlineStrategies = [
  'solo',
  'route-lexical',
  'route-trained',
  'route-measured',
  'handoff',
  'verify-recover',
  'parallel',
];
/** Every default run also has the recorded bot and the two content-free floor probes. */
const rows = ['recorded', 'echo', 'generic'];
const everyRow = [...offlineStrategies, ...rows];
const gateFlags = [
  '--fail-under',
  'answerQuality=0',
  '--max',
  'escalationRate=1',
  '--max-regression',
  'answerQuality=1',
  // The fixture's seven test conversations: 200 resamples bound an interval from eight on, 1,000
  // from six (`fewestBoundedConversations`), so the regression gate has an interval to read.
  '--resamples',
  '1000',
];

/**
 * The replayable turns of the fixture's test part, worked out from its files by hand-rolled rules
 * (a user turn directly followed by an agent turn), not by the harness's own reader.
 */
async function fixtureTestTurns(): Promise<string[]> {
  const folder = join(e2eSuite, '..');
  const split = JSON.parse(await readFile(join(folder, 'split.json'), 'utf8')) as { test: string[] };
  const lines = (await readFile(join(folder, 'conversations', 'conversations.jsonl'), 'utf8'))
    .split('\n')
    .filter((line) => line.trim() !== '');
  const turns: string[] = [];
  for (const line of lines) {
    const conversation = JSON.parse(line) as { id: string; turns: { role: string }[] };
    if (!split.test.includes(conversation.id)) continue;
    conversation.turns.forEach((turn, index) => {
      if (turn.role === 'user' && conversation.turns[index + 1]?.role === 'agent')
        turns.push(`${conversation.id}#${index}`);
    });
  }
  return turns;
}

function expectEstimate(estimate: MetricEstimate): void {
  expect(estimate).toEqual({
    mean: estimate.mean === null ? null : expect.any(Number),
    ci95: estimate.mean === null ? null : [expect.any(Number), expect.any(Number)],
    n: expect.any(Number),
  });
  if (estimate.mean !== null && estimate.ci95 !== null) {
    expect(estimate.ci95[0]).toBeLessThanOrEqual(estimate.mean);
    expect(estimate.ci95[1]).toBeGreaterThanOrEqual(estimate.mean);
  }
}

function unescapeXml(text: string): string {
  const entities: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
  return text.replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => entities[name]!);
}

describe('baton eval (offline, fixture suite)', () => {
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;
  let outcome: BatonOutcome;
  let run: RunFolder;
  let out: string;

  beforeAll(async () => {
    temp = await makeTempFolder();
    out = join(temp.path, 'run');
    outcome = await runBaton(['eval', ...fastFlags, '--out', 'run', '--json', ...gateFlags], {
      cwd: temp.path,
    });
    run = await readRunFolder(out);
  }, 60_000);

  afterAll(async () => {
    await temp.remove();
  });

  it('exits 0 with passing gates and names the verdict and the run folder on stderr', () => {
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toContain('Gates passed (18).');
    expect(outcome.stderr).toContain(`Results: ${out}`);
  });

  it('writes every output file into the run folder, resolved against the working directory', async () => {
    for (const name of [
      'items.jsonl',
      'summary.json',
      'report.md',
      'junit.xml',
      'report.html',
      'run.json',
      'traces.jsonl',
    ]) {
      expect(existsSync(join(out, name)), name).toBe(true);
      expect((await stat(join(out, name))).size, name).toBeGreaterThan(0);
    }
  });

  it('prints exactly summary.json to stdout with --json', async () => {
    const written = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(JSON.parse(outcome.stdout)).toEqual(written);
  });

  it('writes a summary with per-strategy metrics as mean and 95% interval', () => {
    const { summary } = run;
    expect(summary).toMatchObject({
      version: 1,
      baseline: 'solo',
      repeat: 1,
      seed: 1,
      resamples: 1000,
      model: null,
      suite: { name: 'e2e', split: 'test', conversations: 7, turns: 12 },
      scorer: { answerQuality: expect.stringContaining('nugget recall'), humanCleanup: expect.any(String) },
      floor: { probes: ['echo', 'generic'] },
    });
    expect(summary.strategies.map((strategy) => strategy.name)).toEqual(everyRow);
    expect(summary.strategies.map((strategy) => strategy.role)).toEqual([
      ...offlineStrategies.map(() => 'strategy'),
      'recorded',
      'probe',
      'probe',
    ]);
    for (const strategy of summary.strategies) {
      expect(strategy).toMatchObject({ turns: 12, conversations: 7, errors: 0 });
      for (const metric of [
        'answerQuality',
        'fallbackRate',
        'escalationRate',
        'humanCleanup',
        'routingAccuracy',
      ] as const) {
        const { mean, ci95, n } = strategy.metrics[metric];
        expectEstimate({ mean, ci95, n });
      }
      expect(strategy.metrics.answerQuality.mean).not.toBeNull();
    }
    // Solo never delegates: its fallback rate has no denominator, so no number rather than 0.
    expect(summary.strategies[0]!.metrics.fallbackRate).toMatchObject({ mean: null, ci95: null, n: 0 });
  });

  it('compares every other strategy with the baseline, metric by metric', () => {
    const comparisons = run.summary.comparisons.filter((comparison) => comparison.baseline === 'solo');
    // Every strategy and the recorded bot are compared with the baseline; the floor probes are not.
    const candidates = [...offlineStrategies.slice(1), 'recorded'];
    expect(new Set(comparisons.map((comparison) => comparison.candidate))).toEqual(new Set(candidates));
    for (const comparison of comparisons) {
      expect(comparison).toMatchObject({
        baseline: 'solo',
        candidate: expect.any(String),
        metric: expect.any(String),
      });
      expect(comparison).toHaveProperty('diff');
      expect(comparison).toHaveProperty('ci95');
      expect(comparison).toHaveProperty('p');
    }
    const quality = comparisons.filter((comparison) => comparison.metric === 'answerQuality');
    expect(quality).toHaveLength(candidates.length);
    for (const comparison of quality) {
      expect(comparison.diff).toEqual(expect.any(Number));
      expect(comparison.ci95).toEqual([expect.any(Number), expect.any(Number)]);
      expect(comparison.p).toBeGreaterThanOrEqual(0);
      expect(comparison.p).toBeLessThanOrEqual(1);
    }
  });

  it('compares route-measured with route-trained too, and measured its profile on the train side only', async () => {
    const pair = run.summary.comparisons.filter((comparison) => comparison.baseline === 'route-trained');
    expect(new Set(pair.map((comparison) => comparison.candidate))).toEqual(new Set(['route-measured']));
    expect(pair.find((comparison) => comparison.metric === 'answerQuality')?.diff).toEqual(
      expect.any(Number),
    );
    expect(run.summary.suite.splitInfo?.profile).toMatchObject({ source: 'train-split', conversations: 5 });
    const profile = JSON.parse(await readFile(join(out, 'profile', 'profile.json'), 'utf8')) as {
      source: { conversations: string[]; split: string };
    };
    const split = JSON.parse(await readFile(join(e2eSuite, '..', 'split.json'), 'utf8')) as {
      train: string[];
    };
    expect(profile.source).toMatchObject({ split: 'train', conversations: [...split.train].sort() });
    const markdown = await readFile(join(out, 'report.md'), 'utf8');
    expect(markdown).toContain('### Compared with route-trained (paired)');
    expect(outcome.stderr).toMatch(/route-measured vs route-trained \(paired\): answer quality/);
  });

  it('records the gate: one check per non-baseline strategy and rule, all passed (never the recorded bot or a probe)', () => {
    const { gate } = run.summary;
    expect(gate.passed).toBe(true);
    expect(gate.checks).toHaveLength(6 * 3);
    expect(new Set(gate.checks.map((check) => check.kind))).toEqual(
      new Set(['fail-under', 'max', 'max-regression']),
    );
    expect(gate.checks.some((check) => ['solo', ...rows].includes(check.strategy))).toBe(false);
  });

  it('holds exactly one item per strategy and replayed turn', async () => {
    const turns = await fixtureTestTurns();
    expect(turns).toHaveLength(12);
    const keys = run.items.map((item) => `${item.strategy} ${item.itemId} ${item.repeat}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(
      everyRow.flatMap((strategy) => turns.map((turn) => `${strategy} ${turn} 0`)).sort(),
    );
    for (const item of run.items) {
      expect(item.outcome).not.toBe('error');
      expect(item.scores).toHaveProperty('answerQuality');
      expect(item.reference?.length).toBeGreaterThan(0);
    }
  });

  it('writes one JUnit test case per gate check', async () => {
    const junit = await readFile(join(out, 'junit.xml'), 'utf8');
    const testcases = [...junit.matchAll(/<testcase classname="([^"]*)" name="([^"]*)"/g)].map((match) =>
      unescapeXml(`${match[1]} ${match[2]}`),
    );
    expect(testcases).toEqual(run.summary.gate.checks.map((check) => `${check.strategy} ${check.name}`));
    expect(junit).toContain('tests="18" failures="0"');
    expect(junit).not.toContain('<failure');
  });

  it('writes run.json with what report and merge need, and human-readable reports', async () => {
    const runFile = JSON.parse(await readFile(join(out, 'run.json'), 'utf8')) as Record<string, unknown>;
    expect(runFile).toMatchObject({
      version: 1,
      suite: e2eSuite,
      strategies: everyRow,
      baseline: 'solo',
      options: { resamples: 1000, failUnder: { answerQuality: 0 } },
    });
    const markdown = await readFile(join(out, 'report.md'), 'utf8');
    for (const name of everyRow) expect(markdown).toContain(name);
    expect(markdown).toContain('nugget recall');
    expect(markdown).toContain('**Floor:**');
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html.trimStart().toLowerCase()).toMatch(/^<!doctype html>/);
    const traces = (await readFile(join(out, 'traces.jsonl'), 'utf8')).split('\n').filter(Boolean);
    expect(traces.length).toBeGreaterThan(0);
    for (const line of traces) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('baton eval run options', () => {
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;

  beforeAll(async () => {
    temp = await makeTempFolder();
  });

  afterAll(async () => {
    await temp.remove();
  });

  it('replays every turn k times with --repeat k and reports pass^k', async () => {
    const outcome = await runBaton(
      ['eval', ...fastFlags, '--strategies', 'solo', '--repeat', '2', '--out', 'repeat'],
      {
        cwd: temp.path,
      },
    );
    expect(outcome.code).toBe(0);
    const { summary, items } = await readRunFolder(join(temp.path, 'repeat'));
    // solo and the two floor probes, 12 turns, 2 repeats.
    expect(items).toHaveLength(3 * 24);
    expect(new Set(items.map((item) => item.repeat))).toEqual(new Set([0, 1]));
    expect(summary.repeat).toBe(2);
    expect(summary.strategies[0]).toMatchObject({ turns: 24, metrics: { passHatK: { k: 2 } } });
  });

  it('replays the train part with --split train', async () => {
    const outcome = await runBaton(
      ['eval', ...fastFlags, '--strategies', 'solo', '--split', 'train', '--out', 'train'],
      {
        cwd: temp.path,
      },
    );
    expect(outcome.code).toBe(0);
    const { summary } = await readRunFolder(join(temp.path, 'train'));
    expect(summary.suite).toMatchObject({ split: 'train', conversations: 5, turns: 5 });
  });

  it('appends the Markdown report to the GitHub step summary when GITHUB_STEP_SUMMARY is set', async () => {
    const stepSummary = join(temp.path, 'step-summary.md');
    const outcome = await runBaton(['eval', ...fastFlags, '--strategies', 'solo', '--out', 'ci'], {
      cwd: temp.path,
      env: { GITHUB_STEP_SUMMARY: stepSummary },
    });
    expect(outcome.code).toBe(0);
    const markdown = await readFile(join(temp.path, 'ci', 'report.md'), 'utf8');
    expect(await readFile(stepSummary, 'utf8')).toBe(`${markdown}\n`);
  });

  it('shows progress against the total number of items', async () => {
    const outcome = await runBaton(
      ['eval', '--suite', e2eSuite, '--resamples', '200', '--strategies', 'solo', '--out', 'progress'],
      { cwd: temp.path },
    );
    expect(outcome.code).toBe(0);
    // solo and the two floor probes.
    expect(outcome.stderr).toMatch(/^progress: 36\/36 items/m);
  });
});
