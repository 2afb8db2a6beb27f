import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../src/run-summary.js';
import { comparableSummary } from './comparable-summary.js';
import { qualityMeans, type RunFolder, readRunFolder, turnCounts } from './read-run-folder.js';
import { type BatonOutcome, fastFlags, makeTempFolder, runBaton } from './run-baton.js';

const strategies = ['--strategies', 'solo,route-lexical,verify-recover'];

function means(summary: RunSummary, metric: 'humanCleanup' | 'escalationRate' | 'routingAccuracy') {
  return Object.fromEntries(
    summary.strategies.map((strategy) => [strategy.name, strategy.metrics[metric].mean]),
  );
}

describe('baton eval --shard and baton merge', () => {
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;
  let full: RunFolder;
  let shards: RunFolder[];
  let merged: BatonOutcome;
  let mergedRun: RunFolder;
  const baton = (argv: string[]) => runBaton(argv, { cwd: temp.path });

  beforeAll(async () => {
    temp = await makeTempFolder();
    const outcomes = await Promise.all([
      baton(['eval', ...fastFlags, ...strategies, '--out', 'full']),
      baton(['eval', ...fastFlags, ...strategies, '--shard', '1/2', '--out', 'shard-1']),
      baton(['eval', ...fastFlags, ...strategies, '--shard', '2/2', '--out', 'shard-2']),
    ]);
    expect(outcomes.map((outcome) => outcome.code)).toEqual([0, 0, 0]);
    full = await readRunFolder(join(temp.path, 'full'));
    shards = await Promise.all(['shard-1', 'shard-2'].map((dir) => readRunFolder(join(temp.path, dir))));
    merged = await baton(['merge', 'shard-1', 'shard-2', '--out', 'merged']);
    mergedRun = await readRunFolder(join(temp.path, 'merged'));
  }, 60_000);

  afterAll(async () => {
    await temp.remove();
  });

  it('splits the conversations into disjoint shards that together cover the run', () => {
    const [first, second] = shards.map((shard) => new Set(shard.items.map((item) => item.conversationId)));
    expect(first!.size).toBeGreaterThan(0);
    expect(second!.size).toBeGreaterThan(0);
    expect([...first!].filter((id) => second!.has(id))).toEqual([]);
    expect(new Set([...first!, ...second!])).toEqual(new Set(full.items.map((item) => item.conversationId)));
    expect(shards.map((shard) => shard.summary.shard)).toEqual([
      { index: 1, count: 2 },
      { index: 2, count: 2 },
    ]);
  });

  it('merges the shards into the summary of the unsharded run', () => {
    expect(merged.code).toBe(0);
    expect(mergedRun.summary.suite).toMatchObject({ conversations: 7, turns: 12 });
    expect(mergedRun.summary).not.toHaveProperty('shard');
    expect(turnCounts(mergedRun.summary)).toEqual(turnCounts(full.summary));
    for (const [name, mean] of Object.entries(qualityMeans(full.summary)))
      expect(qualityMeans(mergedRun.summary)[name], name).toBeCloseTo(mean!, 12);
    for (const metric of ['humanCleanup', 'escalationRate', 'routingAccuracy'] as const) {
      for (const [name, mean] of Object.entries(means(full.summary, metric)))
        expect(means(mergedRun.summary, metric)[name], `${name} ${metric}`).toBeCloseTo(mean!, 12);
    }
    expect(mergedRun.items).toHaveLength(full.items.length);
  });

  it('gives the merged run the unsharded run’s summary.json, but for the run’s id, times and folder', () => {
    // Statistics are order-free (canonical order, a seeded stream per metric): which shard an item
    // came from, and in what order the shards were read, cannot change a number.
    expect(comparableSummary(mergedRun.summary, join(temp.path, 'merged'))).toEqual(
      comparableSummary(full.summary, join(temp.path, 'full')),
    );
  });

  it('writes a complete run folder that records where it came from', async () => {
    const runFile = JSON.parse(await readFile(join(temp.path, 'merged', 'run.json'), 'utf8')) as {
      mergedFrom: string[];
    };
    expect(runFile.mergedFrom).toEqual([join(temp.path, 'shard-1'), join(temp.path, 'shard-2')]);
    for (const name of ['report.md', 'junit.xml', 'report.html']) {
      expect((await readFile(join(temp.path, 'merged', name), 'utf8')).length, name).toBeGreaterThan(0);
    }
  });

  it('gates the merged run with the flags given to merge', async () => {
    const outcome = await baton([
      'merge',
      'shard-1',
      'shard-2',
      '--out',
      'gated',
      '--fail-under',
      'answerQuality=0.99',
    ]);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('Gate failed: route-lexical answerQuality');
  });

  it('exits 2 when the same shard is merged twice', async () => {
    const outcome = await baton(['merge', 'shard-1', 'shard-1', '--out', 'twice']);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(outcome.stderr).toMatch(/^baton: .*shard-1 is given twice/);
  });

  it('exits 2 when a shard overlaps the full run', async () => {
    const outcome = await baton(['merge', 'full', 'shard-2', '--out', 'overlap']);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/full is a whole run, not a shard of 2/);
  });

  it('exits 2 for folders run with other strategies', async () => {
    const other = await baton([
      'eval',
      ...fastFlags,
      '--strategies',
      'solo',
      '--shard',
      '2/2',
      '--out',
      'other',
    ]);
    expect(other.code).toBe(0);
    const outcome = await baton(['merge', 'shard-1', 'other', '--out', 'mixed']);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('cannot be merged');
  });

  it('exits 2 for a folder that is not a run', async () => {
    const outcome = await baton(['merge', 'shard-1', 'nowhere', '--out', 'lost']);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('is not a run folder (no run.json)');
  });
});
