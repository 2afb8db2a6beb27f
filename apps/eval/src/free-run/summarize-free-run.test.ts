import { describe, expect, it } from 'vitest';
import type { ItemResult } from '../item-result.js';
import { makeItem } from '../summary/example-items.fixture.js';
import type { FreeRunTurn } from './free-run-turn.js';
import { summarizeFreeRun } from './summarize-free-run.js';

/** An item of strategy `s` with its free-run record; simulated items get their `#simN` id. */
function item(
  conversationId: string,
  turnIndex: number,
  record: Partial<FreeRunTurn>,
  repeat = 0,
): ItemResult {
  const base = makeItem({ strategy: 's', conversationId, turnIndex, repeat, scores: { answerQuality: 0.5 } });
  const freeRun: FreeRunTurn = {
    user: 'recorded',
    step: 1,
    goalTurnIndex: turnIndex,
    goals: { reached: 0, total: 2, reachedNow: [] },
    next: 'end',
    ...record,
  };
  return freeRun.user === 'simulated'
    ? { ...base, itemId: `${conversationId}#sim${freeRun.step - 1}`, freeRun }
    : { ...base, freeRun };
}

const fits = { fits: true, method: 'rule' as const, reasons: [] };
const misses = {
  fits: false,
  method: 'rule' as const,
  reasons: [{ code: 'missing-nuggets' as const, detail: 'recall 0 < 0.5' }],
};

// c1 fits at step 1 and diverges at step 2, then two simulated turns resolve it (at step 4);
// c2 is a one-turn conversation, which cannot diverge; c3 diverges at step 1 and stops.
const items = [
  item('c1', 0, { step: 1, fit: fits, goals: { reached: 1, total: 2, reachedNow: [0] }, next: 'recorded' }),
  item('c1', 2, { step: 2, fit: misses, goals: { reached: 1, total: 2, reachedNow: [] }, next: 'simulated' }),
  item('c1', 6, {
    user: 'simulated',
    step: 3,
    goalTurnIndex: 2,
    goals: { reached: 1, total: 2, reachedNow: [] },
    next: 'simulated',
  }),
  item('c1', 7, {
    user: 'simulated',
    step: 4,
    goalTurnIndex: 2,
    goals: { reached: 2, total: 2, reachedNow: [2] },
    end: 'resolved',
  }),
  item('c2', 0, { step: 1, goals: { reached: 1, total: 1, reachedNow: [0] }, end: 'recording-complete' }),
  item('c3', 0, { step: 1, fit: misses, goals: { reached: 0, total: 2, reachedNow: [] }, end: 'diverged' }),
];
const options = { seed: 1, resamples: 200, repeat: 1, name: 's', role: 'strategy' as const };

describe('summarizeFreeRun', () => {
  it('counts divergence over conversations that could diverge, resolution over those with goals', () => {
    expect(summarizeFreeRun(items, options)).toMatchObject({
      conversations: 3,
      divergenceRate: { mean: 1, n: 2 },
      turnsUntilDivergence: { mean: 1.5, n: 2 },
      divergenceReasons: { 'missing-nuggets': 2, 'extra-question': 0 },
      resolutionRate: { mean: 2 / 3, n: 3 },
      turnsToResolution: { mean: 2.5, n: 2 },
      endings: { resolved: 1, 'recording-complete': 1, diverged: 1 },
      recordedTurns: 4,
      simulatedTurns: 2,
      simulated: { turns: 2, conversations: 1, metrics: { answerQuality: { mean: 0.5, n: 2 } } },
    });
  });

  it('ignores lines after the end of a conversation, left by an interrupted earlier attempt', () => {
    const stale = item('c3', 2, { step: 2, fit: fits, next: 'end', end: 'recording-complete' });
    expect(summarizeFreeRun([...items, stale], options)).toEqual(summarizeFreeRun(items, options));
  });

  it('gives the same numbers whatever the order of the items, and with a deterministic repeat', () => {
    const once = summarizeFreeRun(items, options)!;
    expect(summarizeFreeRun([...items].reverse(), options)).toEqual(once);
    const twice = summarizeFreeRun([...items, ...items.map((entry) => ({ ...entry, repeat: 1 }))], {
      ...options,
      repeat: 2,
    })!;
    expect(twice.divergenceRate.mean).toBe(once.divergenceRate.mean);
    expect(twice.divergenceRate.ci95).toEqual(once.divergenceRate.ci95);
    expect(twice.resolutionRate.mean).toBe(once.resolutionRate.mean);
  });

  it('has nothing to say about a teacher-forced run', () => {
    expect(summarizeFreeRun([makeItem({ strategy: 's', conversationId: 'c1', turnIndex: 0 })], options)).toBe(
      undefined,
    );
  });
});
