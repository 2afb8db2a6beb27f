import { describe, expect, it } from 'vitest';
import type { Comparison } from '../run-summary.js';
import { compareStrategies } from './compare-strategies.js';
import { lexicalItems, makeItem, trainedItems } from './example-items.fixture.js';

const options = { baseline: 'lexical', seed: 7, resamples: 500 };
const items = [...lexicalItems, ...trainedItems];

function find(comparisons: Comparison[], metric: string): Comparison {
  const comparison = comparisons.find((candidate) => candidate.metric === metric);
  if (comparison === undefined) throw new Error(`no ${metric} comparison`);
  return comparison;
}

describe('compareStrategies', () => {
  it('pairs quality only on turns both strategies scored', () => {
    const quality = find(compareStrategies(items, options), 'answerQuality');
    // c2#0 is out (the baseline escalated it). Differences trained − lexical:
    // c1#0 .9 − .8 = +.1, c1#2 .7 − .6 = +.1, c3#0 .6 − 0 (error) = +.6, c3#2 0 (failed) − .5 = −.5
    // → mean .3 / 4 = .075 over 2 conversations.
    expect(quality).toMatchObject({
      baseline: 'lexical',
      candidate: 'trained',
      method: 'paired-bootstrap',
      n: 2,
      higherIsBetter: true,
    });
    expect(quality.diff).toBeCloseTo(0.075, 12);
    // Resampling two conversations gives {c1, c1} → .4 / 4 = .1, {c3, c3} → .2 / 4 = .05, or a mix
    // → .075; each extreme has probability 1/4, so the 2.5th and 97.5th percentiles land on them.
    expect(quality.ci95![0]).toBeCloseTo(0.05, 12);
    expect(quality.ci95![1]).toBeCloseTo(0.1, 12);
    // No resample is ≤ 0: p = 2 × (0 + 1) / (500 + 1).
    expect(quality.p).toBeCloseTo(2 / 501, 12);
  });

  it('uses each metric’s own denominator and direction', () => {
    const comparisons = compareStrategies(items, options);
    // Fallback over turns both attempted (c3#2: the baseline did not delegate): 0, 0, 0 and
    // c3#0 0 − 1 (error) → −1 / 4, in conversations c1, c2, c3.
    expect(find(comparisons, 'fallbackRate')).toMatchObject({ diff: -0.25, n: 3, higherIsBetter: false });
    // Escalation over all 5: only c2#0, 0 − 1 → −1 / 5.
    expect(find(comparisons, 'escalationRate')).toMatchObject({ diff: -0.2, n: 3, higherIsBetter: false });
    // Cleanup: −.1 −.1 −.4 −.6 +.5 = −.7 / 5.
    expect(find(comparisons, 'humanCleanup').diff).toBeCloseTo(-0.14, 12);
    // Routing over turns labelled for both (c3#0 is not): 0, +1 (c1#2), 0, 0 → 1 / 4.
    expect(find(comparisons, 'routingAccuracy')).toMatchObject({ diff: 0.25, n: 3, higherIsBetter: true });
  });

  it('tests pass/fail with McNemar on paired turns', () => {
    const pass = find(compareStrategies(items, options), 'passRate');
    // c1#0 and c1#2 both pass; c2#0 only the baseline; c3#0 only the candidate; c3#2 neither.
    expect(pass.counts).toEqual({ bothPass: 2, baselineOnly: 1, candidateOnly: 1, bothFail: 1 });
    // b = c = 1: exact p = min(1, 2 × P(X ≤ 1), X ~ Bin(2, ½)) = min(1, 2 × .75) = 1; diff (c − b) / 5 = 0.
    expect(pass).toMatchObject({ method: 'mcnemar', n: 5, diff: 0, p: 1, higherIsBetter: true });
    expect(pass.ci95![0]).toBeLessThan(0);
    expect(pass.ci95![1]).toBeGreaterThan(0);
  });

  it('pairs repeats with the same repeat of the baseline', () => {
    const item = (strategy: string, repeat: number, pass: boolean) =>
      makeItem({ strategy, conversationId: 'a', turnIndex: 0, repeat, scores: { pass } });
    const repeated = [item('b', 0, true), item('b', 1, false), item('c', 0, true), item('c', 1, true)];
    const pass = find(compareStrategies(repeated, { ...options, baseline: 'b' }), 'passRate');
    expect(pass.counts).toEqual({ bothPass: 1, baselineOnly: 0, candidateOnly: 1, bothFail: 0 });
  });

  it('is deterministic with the seed and lists candidates in the order given', () => {
    const third = trainedItems.map((item) => ({ ...item, strategy: 'third' }));
    const all = [...items, ...third];
    const first = compareStrategies(all, { ...options, candidates: ['third', 'trained'] });
    expect(compareStrategies(all, { ...options, candidates: ['third', 'trained'] })).toEqual(first);
    expect(first.map((comparison) => `${comparison.candidate} ${comparison.metric}`)).toEqual([
      'third answerQuality',
      'third fallbackRate',
      'third escalationRate',
      'third humanCleanup',
      'third routingAccuracy',
      'third passRate',
      'trained answerQuality',
      'trained fallbackRate',
      'trained escalationRate',
      'trained humanCleanup',
      'trained routingAccuracy',
      'trained passRate',
    ]);
  });

  it('reports nothing paired as nulls rather than numbers', () => {
    const comparisons = compareStrategies(trainedItems, options);
    expect(find(comparisons, 'answerQuality')).toMatchObject({ diff: null, ci95: null, p: null, n: 0 });
    expect(find(comparisons, 'passRate')).toMatchObject({ diff: null, ci95: null, p: null, n: 0 });
  });

  it('gives no p from a single conversation', () => {
    const one = compareStrategies([...lexicalItems.slice(0, 2), ...trainedItems.slice(0, 2)], options);
    const quality = find(one, 'answerQuality');
    expect(quality.n).toBe(1);
    expect(quality.p).toBeNull();
  });
});
