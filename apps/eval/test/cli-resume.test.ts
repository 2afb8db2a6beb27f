import { existsSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemResult } from '../src/item-result.js';
import type { RunSummary } from '../src/run-summary.js';
import { qualityMeans, type RunFolder, readItemLines, readRunFolder, turnCounts } from './read-run-folder.js';
import { type BatonOutcome, fastFlags, makeTempFolder, runBaton, suiteFlags } from './run-baton.js';

const keyOf = (item: ItemResult) => `${item.strategy} ${item.itemId} ${item.repeat}`;

/** The last line of each (strategy, turn, repeat): what a resumed run's summary is built from. */
function latestByKey(items: readonly ItemResult[]): Map<string, ItemResult> {
  const latest = new Map<string, ItemResult>();
  for (const item of items) latest.set(keyOf(item), item);
  return latest;
}

describe('baton eval interrupted and resumed', () => {
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;
  let full: RunFolder;
  let interrupted: BatonOutcome;
  let partialItems: ItemResult[];
  let interruptedSummary: RunSummary;
  let resumed: BatonOutcome;
  let resumedRun: RunFolder;

  beforeAll(async () => {
    temp = await makeTempFolder();
    const fullOutcome = await runBaton(['eval', ...fastFlags, '--out', 'full'], { cwd: temp.path });
    expect(fullOutcome.code).toBe(0);
    full = await readRunFolder(join(temp.path, 'full'));

    // Progress is on (plain lines, not a TTY): the first progress line comes with the first finished
    // item, and aborting there is Ctrl-C after the first item, with other units still in flight.
    const controller = new AbortController();
    interrupted = await runBaton(['eval', ...suiteFlags, '--out', 'part'], {
      cwd: temp.path,
      signal: controller.signal,
      onStderr: (text) => {
        if (text.startsWith('progress:')) controller.abort();
      },
    });
    partialItems = await readItemLines(join(temp.path, 'part', 'items.jsonl'));
    interruptedSummary = (await readRunFolder(join(temp.path, 'part'))).summary;
    await cp(join(temp.path, 'part'), join(temp.path, 'part-copy'), { recursive: true });

    resumed = await runBaton(['eval', ...fastFlags, '--out', 'part', '--resume'], { cwd: temp.path });
    resumedRun = await readRunFolder(join(temp.path, 'part'));
  }, 60_000);

  afterAll(async () => {
    await temp.remove();
  });

  it('exits 130 on abort, says how to continue, and keeps the items finished so far', async () => {
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toContain('continue with --resume');
    expect(partialItems.length).toBeGreaterThan(0);
    expect(partialItems.length).toBeLessThan(full.items.length);
    // At least one strategy × conversation unit was cut off between its turns, so the resume has a
    // unit to redo whose first items are already on file (and must not count twice).
    const partialKeys = new Set(partialItems.map(keyOf));
    const cutOff = partialItems.filter((item) =>
      full.items.some(
        (other) =>
          other.strategy === item.strategy &&
          other.conversationId === item.conversationId &&
          !partialKeys.has(keyOf(other)),
      ),
    );
    expect(cutOff.length).toBeGreaterThan(0);
  });

  it('summarises what it has and marks the summary as interrupted', () => {
    expect(interruptedSummary.interrupted).toBe(true);
    const turns = interruptedSummary.strategies.reduce((total, strategy) => total + strategy.turns, 0);
    expect(turns).toBe(latestByKey(partialItems).size);
  });

  it('keeps the interrupted mark when an interrupted run is re-rendered with baton report', async () => {
    const outcome = await runBaton(['report', 'part-copy'], { cwd: temp.path });
    const { summary } = await readRunFolder(join(temp.path, 'part-copy'));
    expect(summary.interrupted).toBe(true);
    expect(outcome.code).not.toBe(0);
  });

  it('completes the run with --resume: one item per strategy and turn, as many as an uninterrupted run', () => {
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('Resuming');
    const latest = latestByKey(resumedRun.items);
    expect([...latest.keys()].sort()).toEqual(full.items.map(keyOf).sort());
    expect(turnCounts(resumedRun.summary)).toEqual(turnCounts(full.summary));
    expect(resumedRun.summary).not.toHaveProperty('interrupted');
  });

  it('gives the same answers and answer-quality means as the uninterrupted run', () => {
    const latest = latestByKey(resumedRun.items);
    for (const item of full.items) {
      expect(latest.get(keyOf(item))?.answer, keyOf(item)).toBe(item.answer);
    }
    const expected = qualityMeans(full.summary);
    const actual = qualityMeans(resumedRun.summary);
    for (const [strategy, mean] of Object.entries(expected)) {
      expect(actual[strategy], strategy).toBeCloseTo(mean!, 12);
    }
  });

  it('ends with exactly one line per item: lines of cut-off units are dropped before they are replayed', () => {
    expect(resumedRun.items.map(keyOf).sort()).toEqual(full.items.map(keyOf).sort());
    expect(resumed.stderr).toMatch(/items\.jsonl: dropped \d+ lines? \(\d+ of unfinished units/);
  });

  it('replays nothing when a complete run is resumed', async () => {
    const again = await runBaton(['eval', ...fastFlags, '--out', 'full', '--resume'], { cwd: temp.path });
    expect(again.code).toBe(0);
    const rerun = await readRunFolder(join(temp.path, 'full'));
    expect(rerun.items).toHaveLength(full.items.length);
    expect(qualityMeans(rerun.summary)).toEqual(qualityMeans(full.summary));
  });

  it('refuses --resume with other strategies than the run was made with, before replaying', async () => {
    await cp(join(temp.path, 'full'), join(temp.path, 'other'), { recursive: true });
    const outcome = await runBaton(
      ['eval', ...fastFlags, '--strategies', 'solo,verify-recover', '--out', 'other', '--resume'],
      { cwd: temp.path },
    );
    expect(outcome.code).toBe(2);
    expect(await readItemLines(join(temp.path, 'other', 'items.jsonl'))).toHaveLength(full.items.length);
    expect((await runBaton(['report', 'other'], { cwd: temp.path })).code).toBe(0);
  });

  it('refuses an --out that already holds a run unless --resume is given', async () => {
    const outcome = await runBaton(['eval', ...fastFlags, '--out', 'full'], { cwd: temp.path });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(outcome.stderr).toContain('already holds a run: pass --resume');
    expect(existsSync(join(temp.path, 'full', 'items.jsonl'))).toBe(true);
  });
});
