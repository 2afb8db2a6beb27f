import { describe, expect, it } from 'vitest';
import type { Comparison } from '../run-summary.js';
import { pairedBootstrapTogether } from '../stats/paired-bootstrap.js';
import { purposeSeed } from '../stats/purpose-seed.js';
import { SeededRandom } from '../stats/seeded-random.js';
import { compareStrategies } from './compare-strategies.js';
import { lexicalItems, makeItem, trainedItems } from './example-items.fixture.js';
import { turnUnits } from './turn-units.js';

const options = { baseline: 'lexical', seed: 7, resamples: 500 };
const items = [...lexicalItems, ...trainedItems];

function find(comparisons: Comparison[], metric: string): Comparison {
  const comparison = comparisons.find((candidate) => candidate.metric === metric);
  if (comparison === undefined) throw new Error(`no ${metric} comparison`);
  return comparison;
}

describe('compareStrategies', () => {
  it('keeps escalations and failures in the headline quality it pairs', () => {
    const quality = find(compareStrategies(items, options), 'answerQuality');
    // Every turn is paired. Differences trained − lexical: c1#0 .9 − .8 = +.1, c1#2 .7 − .6 = +.1,
    // c2#0 .4 − 1 (a needed escalation) = −.6, c3#0 .6 − 0 (error) = +.6, c3#2 0 (failed) − .5 = −.5
    // → −.3 / 5 = −.06 over 3 conversations.
    expect(quality).toMatchObject({
      baseline: 'lexical',
      candidate: 'trained',
      method: 'paired-bootstrap',
      n: 3,
      higherIsBetter: true,
    });
    expect(quality.diff).toBeCloseTo(-0.06, 12);
    // Conversation sums: c1 +.2 over 2 turns, c2 −.6 over 1, c3 +.1 over 2. Drawing one of them
    // three times has probability 1/27 ≈ 3.7% > 2.5%, so the percentiles land on the extremes:
    // c2 c2 c2 → −.6 and c1 c1 c1 → .6 / 6 = .1.
    expect(quality.ci95![0]).toBeCloseTo(-0.6, 12);
    expect(quality.ci95![1]).toBeCloseTo(0.1, 12);
  });

  it('pairs answered-only quality only on turns both strategies answered', () => {
    const answered = find(compareStrategies(items, options), 'answeredQuality');
    // Only c1#0 (+.1) and c1#2 (+.1): the baseline escalated c2#0 and errored on c3#0, the
    // candidate failed c3#2. One conversation: no p.
    expect(answered).toMatchObject({ n: 1, p: null, higherIsBetter: true });
    expect(answered.diff).toBeCloseTo(0.1, 12);
  });

  it('uses each metric’s own denominator and direction', () => {
    const comparisons = compareStrategies(items, options);
    // Fallback over turns both attempted (c3#2: the baseline did not delegate): 0, 0, 0 and
    // c3#0 0 − 1 (the baseline's failed delegation) → −1 / 4, in conversations c1, c2, c3.
    expect(find(comparisons, 'fallbackRate')).toMatchObject({ diff: -0.25, n: 3, higherIsBetter: false });
    // Escalation over all 5: only c2#0, 0 − 1 → −1 / 5.
    expect(find(comparisons, 'escalationRate')).toMatchObject({ diff: -0.2, n: 3, higherIsBetter: false });
    // Unnecessary escalations over the turns that needed no human (c1#0, c1#2, c3#2): none.
    expect(find(comparisons, 'unnecessaryEscalationRate')).toMatchObject({ diff: 0, n: 2 });
    // Missed escalations over c2#0, the one turn that needed a human: the candidate missed it.
    expect(find(comparisons, 'missedEscalationRate')).toMatchObject({ diff: 1, n: 1, higherIsBetter: false });
    // Cleanup: −.1 −.1 −.4 −.6 +.5 = −.7 / 5.
    expect(find(comparisons, 'humanCleanup').diff).toBeCloseTo(-0.14, 12);
    // Routing over turns labelled for both (c3#0 is not): 0, +1 (c1#2), −1 (c2#0), 0 → 0 / 4.
    expect(find(comparisons, 'routingAccuracy')).toMatchObject({ diff: 0, n: 3, higherIsBetter: true });
    // No token F1 in the example items: nothing paired.
    expect(find(comparisons, 'tokenF1')).toMatchObject({ diff: null, ci95: null, p: null, n: 0 });
  });

  it('does not compare the recorded bot’s own true HTER', () => {
    const metrics = compareStrategies(items, options).map((comparison) => comparison.metric);
    expect(metrics).not.toContain('recordedHter');
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

  it('keeps the conversation the unit of the pass-rate test when it holds several turns', () => {
    // Ten conversations of six turns: in c0–c2 only the candidate passes, in c3 only the baseline,
    // in c4–c9 both pass. As 60 independent turns McNemar gives p = 0.023 and an interval without
    // 0; four conversations carry every discordant turn, so the evidence is four conversations'.
    const clustered = Array.from({ length: 10 }, (_, conversation) =>
      Array.from({ length: 6 }, (_, turnIndex) => {
        const conversationId = `c${conversation}`;
        const baseline = conversation >= 3;
        const candidate = conversation !== 3;
        return [
          makeItem({ strategy: 'b', conversationId, turnIndex, scores: { pass: baseline } }),
          makeItem({ strategy: 'c', conversationId, turnIndex, scores: { pass: candidate } }),
        ];
      }),
    ).flat(2);
    const pass = find(compareStrategies(clustered, { ...options, baseline: 'b' }), 'passRate');
    expect(pass.counts).toEqual({ bothPass: 36, baselineOnly: 6, candidateOnly: 18, bothFail: 0 });
    expect(pass.diff).toBeCloseTo(0.2, 12);
    expect(pass.p!).toBeGreaterThan(0.05);
    expect(pass.ci95![0]).toBeLessThan(0);
  });

  it('pairs each turn once, a turn passing when it passed in most of its repeats', () => {
    const item = (strategy: string, turnIndex: number, repeat: number, pass: boolean) =>
      makeItem({ strategy, conversationId: 'a', turnIndex, repeat, scores: { pass } });
    const repeated = [
      // a#0: the baseline passes 1 of 2 (no majority: fails), the candidate 2 of 2.
      item('b', 0, 0, true),
      item('b', 0, 1, false),
      item('c', 0, 0, true),
      item('c', 0, 1, true),
      // a#1: the baseline passes 2 of 3, the candidate 1 of 3.
      item('b', 1, 0, true),
      item('b', 1, 1, true),
      item('b', 1, 2, false),
      item('c', 1, 0, false),
      item('c', 1, 1, true),
      item('c', 1, 2, false),
    ];
    const pass = find(compareStrategies(repeated, { ...options, baseline: 'b' }), 'passRate');
    expect(pass.counts).toEqual({ bothPass: 0, baselineOnly: 1, candidateOnly: 1, bothFail: 0 });
    expect(pass.n).toBe(2);
  });

  it('is deterministic with the seed and lists candidates in the order given', () => {
    const third = trainedItems.map((item) => ({ ...item, strategy: 'third' }));
    const all = [...items, ...third];
    const first = compareStrategies(all, { ...options, candidates: ['third', 'trained'] });
    expect(compareStrategies(all, { ...options, candidates: ['third', 'trained'] })).toEqual(first);
    const compared = [
      'answerQuality',
      'answeredQuality',
      'tokenF1',
      'fallbackRate',
      'escalationRate',
      'unnecessaryEscalationRate',
      'missedEscalationRate',
      'humanCleanup',
      'routingAccuracy',
      'passRate',
      // The custom score the example items carry, after the built-in metrics.
      'politeness',
    ];
    expect(first.map((comparison) => `${comparison.candidate} ${comparison.metric}`)).toEqual([
      ...compared.map((metric) => `third ${metric}`),
      ...compared.map((metric) => `trained ${metric}`),
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

describe('compareStrategies on custom scores', () => {
  it('pairs a custom score like a built-in metric, in the direction the scorer gives', () => {
    const politeness = (strategy: string, values: number[]) =>
      values.map((value, index) =>
        makeItem({ strategy, conversationId: `c${index}`, turnIndex: 0, scores: { politeness: value } }),
      );
    const both = [...politeness('base', [0, 0, 1, 0]), ...politeness('cand', [1, 1, 1, 0])];
    const [higher] = compareStrategies(both, { ...options, baseline: 'base' }).filter(
      (comparison) => comparison.metric === 'politeness',
    );
    expect(higher).toMatchObject({ candidate: 'cand', diff: 0.5, n: 4, higherIsBetter: true });
    const [lower] = compareStrategies(both, {
      ...options,
      baseline: 'base',
      customDirections: { politeness: false },
    }).filter((comparison) => comparison.metric === 'politeness');
    expect(lower).toMatchObject({ diff: 0.5, higherIsBetter: false });
  });
});

describe('compareStrategies without repeats', () => {
  it('gives the comparisons of pairing turn units, whatever the ids and their order', () => {
    // Conversation ids whose turn ids sort otherwise ("a!#0" < "a#0" though "a" < "a!"), turns past
    // 9, turns only one side has, and turns outside a metric's denominator (no score).
    const random = new SeededRandom(11);
    const scores = [0, 0.1, 0.2, 0.30000000000000004, 1 / 3, 1, null];
    for (let round = 0; round < 20; round++) {
      const runItems = ['base', 'one', 'two'].flatMap((strategy) =>
        ['a', 'a!', 'B', 'c'].flatMap((conversationId) =>
          Array.from({ length: 12 }, (_, turnIndex) => turnIndex)
            .filter(() => random.nextInt(6) > 0)
            .map((turnIndex) =>
              makeItem({
                strategy,
                conversationId,
                turnIndex,
                scores: { answerQuality: scores[random.nextInt(scores.length)]! },
              }),
            ),
        ),
      );
      runItems.reverse();
      const comparisons = compareStrategies(runItems, {
        baseline: 'base',
        candidates: ['one', 'two'],
        seed: 3,
        resamples: 200,
      });
      const quality = (item: (typeof runItems)[number]) =>
        typeof item.scores.answerQuality === 'number' ? item.scores.answerQuality : null;
      const units = (strategy: string) =>
        turnUnits(
          runItems.filter((item) => item.strategy === strategy),
          quality,
        );
      const expected = pairedBootstrapTogether(units('base'), [units('one'), units('two')], {
        seed: purposeSeed(3, 'paired:answerQuality'),
        resamples: 200,
      });
      const actual = comparisons.filter((comparison) => comparison.metric === 'answerQuality');
      expect(actual.map(({ diff, ci95, p, n }) => ({ diff, ci95, p, n }))).toEqual(
        expected.map((result) => ({
          diff: result.meanDifference ?? null,
          ci95: result.ci95 === undefined ? null : [...result.ci95],
          p: result.p ?? null,
          n: result.clusters,
        })),
      );
    }
  });
});
