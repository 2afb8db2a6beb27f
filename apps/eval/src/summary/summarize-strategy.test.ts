import { describe, expect, it } from 'vitest';
import { EvalError } from '../eval-error.js';
import { createParallelResampler } from '../stats/parallel-resampler.js';
import { SeededRandom } from '../stats/seeded-random.js';
import { lexicalItems, makeItem, trainedItems } from './example-items.fixture.js';
import { summarizeStrategies, summarizeStrategy } from './summarize-strategy.js';
import { summaryMetricNames } from './summary-metrics.js';

const options = { seed: 7, resamples: 500, repeat: 1 };

describe('summarizeStrategy', () => {
  it('takes each mean over its own denominator (baseline of the example items)', () => {
    const { metrics, ...counts } = summarizeStrategy(lexicalItems, options);
    expect(counts).toEqual({
      name: 'lexical',
      description: '',
      role: 'strategy',
      flags: [],
      turns: 5,
      conversations: 3,
      errors: 1,
      failed: 0,
      // The errored turn, by its error's code.
      failureKinds: { 'model-error': 1 },
    });
    // Headline quality over all 5: the escalation of c2#0 (a human was needed) counts 1, the
    // errored c3#0 counts 0: (.8 + .6 + 1 + 0 + .5) / 5 = .58.
    expect(metrics.answerQuality.n).toBe(5);
    expect(metrics.answerQuality.mean).toBeCloseTo(0.58, 12);
    // Answered-only quality: c1#0, c1#2, c3#2 → (.8 + .6 + .5) / 3.
    expect(metrics.answeredQuality.n).toBe(3);
    expect(metrics.answeredQuality.mean).toBeCloseTo(1.9 / 3, 12);
    // Fallback: attempted c1#0, c1#2, c2#0 and the errored c3#0, a failed delegation (c3#2 did
    // not delegate); fallbacks c1#2 (retry), c2#0 (human), c3#0 (failed): 3 / 4.
    expect(metrics.fallbackRate.n).toBe(4);
    expect(metrics.fallbackRate.mean).toBeCloseTo(0.75, 12);
    // Rungs over the same 4 attempted turns: retry 1, human 1; the error ran no rung but is the
    // one failed delegation.
    expect(metrics.fallbackRate.rungs).toEqual({
      retry: 0.25,
      alternative: 0,
      self: 0,
      human: 0.25,
      failed: 0.25,
    });
    // Escalation over all 5 turns: c2#0 only.
    expect(metrics.escalationRate).toMatchObject({ mean: 0.2, n: 5 });
    // Unnecessary escalations over the 3 labelled turns that needed no human (none escalated);
    // missed escalations over the 1 that needed one (c2#0, escalated).
    expect(metrics.unnecessaryEscalationRate).toEqual({ mean: 0, ci95: [0, 0], n: 3 });
    expect(metrics.missedEscalationRate).toEqual({ mean: 0, ci95: [0, 0], n: 1 });
    // Cleanup over all 5: (.2 + .4 + 1 + 1 + .5) / 5 = .62; needs cleanup (> .3): 4 of 5.
    expect(metrics.humanCleanup.n).toBe(5);
    expect(metrics.humanCleanup.mean).toBeCloseTo(0.62, 12);
    expect(metrics.humanCleanup.needsCleanupShare).toBeCloseTo(0.8, 12);
    // Routing over the 4 labelled turns (c3#0 is not): ✓ ✗ ✓ ✗ = 2 / 4.
    expect(metrics.routingAccuracy).toMatchObject({ mean: 0.5, n: 4 });
    // Pass: ✓ ✓ ✓ ✗ ✗ = 3 / 5.
    expect(metrics.passRate).toMatchObject({ mean: 0.6, n: 5 });
    // No token F1 and no recorded draft in the example items: empty denominators, null means.
    expect(metrics.tokenF1).toEqual({ mean: null, ci95: null, n: 0 });
    expect(metrics.recordedHter).toEqual({ mean: null, ci95: null, n: 0 });
    // Latency sorted 50 100 150 200 300: p50 = 150; p95 at h = 4 × .95 = 3.8 → 200 + .8 × 100 = 280.
    expect(metrics.latencyMs.p50).toBe(150);
    expect(metrics.latencyMs.p95).toBeCloseTo(280, 9);
    // Tokens 30 30 30 0 30; cost .001 × 4 + 0.
    expect(metrics.tokens).toEqual({ p50: 30, p95: 30, total: 120 });
    expect(metrics.costUsd.total).toBeCloseTo(0.004, 12);
    expect(metrics.costUsd.perTurn).toBeCloseTo(0.0008, 12);
    expect(metrics.passHatK).toBeUndefined();
  });

  it('counts a failed turn as 0 and as a failed delegation, with every rung it took (candidate of the example items)', () => {
    const { metrics, failed, errors } = summarizeStrategy(trainedItems, options);
    expect({ failed, errors }).toEqual({ failed: 1, errors: 0 });
    // (.9 + .7 + .4 + .6 + 0) / 5 = .52: the failed c3#2 stays in with 0.
    expect(metrics.answerQuality.n).toBe(5);
    expect(metrics.answerQuality.mean).toBeCloseTo(0.52, 12);
    // Answered only, without the failure: (.9 + .7 + .4 + .6) / 4 = .65.
    expect(metrics.answeredQuality).toMatchObject({ n: 4 });
    expect(metrics.answeredQuality.mean).toBeCloseTo(0.65, 12);
    // All 5 attempted; fallbacks c1#2, c2#0, c3#2 = 3 / 5. Rungs: retry c2#0 c3#2, alternative
    // c1#2 c3#2, self c2#0 — a turn may take several, so the shares add up to more than the rate —
    // and c3#2 failed after its rungs.
    expect(metrics.fallbackRate.mean).toBeCloseTo(0.6, 12);
    expect(metrics.fallbackRate.rungs).toEqual({
      retry: 0.4,
      alternative: 0.4,
      self: 0.2,
      human: 0,
      failed: 0.2,
    });
    // Nothing escalated: every resample is 0, so the interval collapses.
    expect(metrics.escalationRate).toEqual({ mean: 0, ci95: [0, 0], n: 5 });
    // c2#0 needed a human and was answered: the one turn that needed a human was missed.
    expect(metrics.missedEscalationRate).toEqual({ mean: 1, ci95: [1, 1], n: 1 });
    // (.1 + .3 + .6 + .4 + 1) / 5 = .48; needs cleanup .6, .4, 1 → 3 / 5.
    expect(metrics.humanCleanup.mean).toBeCloseTo(0.48, 12);
    expect(metrics.humanCleanup.needsCleanupShare).toBeCloseTo(0.6, 12);
    // Routing ✓ ✓ ✗ (c2#0 needed a human) ✗ over the 4 labelled turns.
    expect(metrics.routingAccuracy).toMatchObject({ mean: 0.5, n: 4 });
    // Latency sorted 80 90 120 400 600: p50 120, p95 400 + .8 × 200 = 560.
    expect(metrics.latencyMs.p50).toBe(120);
    expect(metrics.latencyMs.p95).toBeCloseTo(560, 9);
    // Cost .002 .004 .002 .001 .006: total .015, per turn .003, p95 .004 + .8 × .002 = .0056.
    expect(metrics.costUsd.total).toBeCloseTo(0.015, 12);
    expect(metrics.costUsd.perTurn).toBeCloseTo(0.003, 12);
    expect(metrics.costUsd.p50).toBeCloseTo(0.002, 12);
    expect(metrics.costUsd.p95).toBeCloseTo(0.0056, 12);
  });

  it('estimates numeric custom scores and skips categorical ones', () => {
    const { metrics } = summarizeStrategy(trainedItems, options);
    // politeness on c1#0 (1) and c1#2 (.5): one conversation, so the interval collapses to .75.
    expect(metrics.custom).toEqual({ politeness: { mean: 0.75, ci95: [0.75, 0.75], n: 2 } });
    expect(summarizeStrategy(lexicalItems, options).metrics.custom).toBeUndefined();
  });

  it('gives intervals that hold the mean and are reproducible with the seed', () => {
    const first = summarizeStrategy(lexicalItems, options).metrics.humanCleanup;
    const again = summarizeStrategy(lexicalItems, options).metrics.humanCleanup;
    expect(again).toEqual(first);
    const [low, high] = first.ci95!;
    expect(low).toBeLessThanOrEqual(first.mean!);
    expect(high).toBeGreaterThanOrEqual(first.mean!);
    expect(low).toBeLessThan(high);
  });

  it('reports pass^k by turn and by conversation, leaving out incomplete repeats', () => {
    const item = (conversationId: string, turnIndex: number, repeat: number, pass: boolean) =>
      makeItem({ strategy: 's', conversationId, turnIndex, repeat, scores: { pass } });
    const items = [
      item('a', 0, 0, true),
      item('a', 0, 1, true),
      item('a', 1, 0, true),
      item('a', 1, 1, false),
      item('b', 0, 0, true),
      item('b', 0, 1, true),
      // c#0 has only its first repeat (an interrupted run): out of pass^k, in the pass rate.
      item('c', 0, 0, true),
    ];
    const { metrics } = summarizeStrategy(items, { ...options, repeat: 2 });
    // Turns: a#0 ✓✓, a#1 ✓✗, b#0 ✓✓ → 2 / 3. Conversations: a fails run 1 (a#1), b passes → 1 / 2.
    expect(metrics.passHatK!.k).toBe(2);
    expect(metrics.passHatK!.turns).toBeCloseTo(2 / 3, 12);
    expect(metrics.passHatK!.conversations).toBe(0.5);
    // The pass rate counts turns, each one unit whatever its repeats: a#0 1, a#1 ½, b#0 1, c#0 1
    // → 3.5 / 4.
    expect(metrics.passRate).toMatchObject({ n: 4 });
    expect(metrics.passRate.mean).toBeCloseTo(3.5 / 4, 12);
  });

  it('keeps a conversation in pass^k when one of its turns has no pass/fail in any repeat', () => {
    const item = (conversationId: string, turnIndex: number, repeat: number, pass: boolean | null) =>
      makeItem({
        strategy: 's',
        conversationId,
        turnIndex,
        repeat,
        ...(pass === null ? { nuggets: [] } : {}),
        scores: { pass },
      });
    const items = [0, 1].flatMap((repeat) => [
      item('a', 0, repeat, true),
      item('a', 1, repeat, true),
      // a#2: a reply without nuggets, outside the pass rate in every repeat (not a missing repeat).
      item('a', 2, repeat, null),
      item('b', 0, repeat, repeat === 0),
    ]);
    const { metrics } = summarizeStrategy(items, { ...options, repeat: 2 });
    expect(metrics.passRate).toMatchObject({ n: 3 });
    // Turns: a#0 ✓✓, a#1 ✓✓, b#0 ✓✗ → 2 / 3. Conversations: a passes both runs, b fails run 1 → 1 / 2.
    expect(metrics.passHatK!.turns).toBeCloseTo(2 / 3, 12);
    expect(metrics.passHatK!.conversations).toBe(0.5);
  });

  it('counts a turn’s repeats as one unit, so repeating a deterministic strategy changes nothing', () => {
    const once = summarizeStrategy(trainedItems, options).metrics;
    const thrice = summarizeStrategy(
      [2, 0, 1].flatMap((repeat) => trainedItems.map((item) => ({ ...item, repeat }))),
      { ...options, repeat: 3 },
    ).metrics;
    expect(thrice.answerQuality).toEqual(once.answerQuality);
    expect(thrice.answerQuality.n).toBe(5);
    expect(thrice.humanCleanup).toEqual(once.humanCleanup);
    expect(thrice.custom).toEqual(once.custom);
  });

  it('takes the fallback rungs over the fallback rate’s units, so no rung exceeds the rate', () => {
    // a#0 delegated in both repeats and failed in one; b#0 delegated in one repeat only.
    const item = (conversationId: string, repeat: number, scores: Record<string, boolean | null>) =>
      makeItem({ strategy: 's', conversationId, turnIndex: 0, repeat, scores });
    const attempt = (failed: boolean) => ({
      delegationAttempted: true,
      fallback: failed,
      delegationFailed: failed,
    });
    const { fallbackRate } = summarizeStrategy(
      [
        item('a', 0, attempt(false)),
        item('a', 1, attempt(true)),
        item('b', 0, attempt(false)),
        item('b', 1, { delegationAttempted: false, fallback: null, delegationFailed: null }),
      ],
      { ...options, repeat: 2 },
    ).metrics;
    // a#0: 1/2, b#0: 0 → 0.25; the failed share is the same, since every fallback here is a failure.
    expect(fallbackRate.mean).toBeCloseTo(0.25, 12);
    expect(fallbackRate.rungs.failed).toBeCloseTo(0.25, 12);
    expect(fallbackRate.rungs.retry).toBe(0);
  });

  it('counts the answers the quality scorer left without a number, which quality leaves out', () => {
    // b#0 was answered, but the judge's verdict could not be read: no quality, no pass.
    const items = [
      makeItem({
        strategy: 's',
        conversationId: 'a',
        turnIndex: 0,
        scores: { answerQuality: 1, pass: true },
      }),
      makeItem({
        strategy: 's',
        conversationId: 'b',
        turnIndex: 0,
        scores: { answerQuality: null, pass: null },
      }),
    ];
    const summary = summarizeStrategy(items, options);
    expect(summary.metrics.answerQuality.n).toBe(1);
    expect(summary.unscored).toBe(1);
    expect(summarizeStrategy(items.slice(0, 1), options)).not.toHaveProperty('unscored');
  });

  it('gives the same summary whatever order the items come in', () => {
    const reordered = [
      lexicalItems[3]!,
      lexicalItems[0]!,
      lexicalItems[4]!,
      lexicalItems[2]!,
      lexicalItems[1]!,
    ];
    expect(summarizeStrategy(reordered, options)).toEqual(summarizeStrategy(lexicalItems, options));
  });

  it('records what the row is', () => {
    expect(summarizeStrategy(lexicalItems, { ...options, role: 'probe' })).toMatchObject({
      role: 'probe',
      flags: [],
    });
  });

  it('gives null means, never NaN, when a denominator is empty', () => {
    const noDelegation = makeItem({
      strategy: 'solo',
      conversationId: 'c1',
      turnIndex: 0,
      scores: { delegationAttempted: false, routingCorrect: null },
    });
    const { metrics } = summarizeStrategy([noDelegation], options);
    expect(metrics.fallbackRate).toEqual({
      mean: null,
      ci95: null,
      n: 0,
      rungs: { retry: null, alternative: null, self: null, human: null, failed: null },
    });
    expect(metrics.routingAccuracy).toEqual({ mean: null, ci95: null, n: 0 });

    const empty = summarizeStrategy([], { ...options, name: 'nothing' });
    expect(empty.turns).toBe(0);
    expect(empty.metrics.answerQuality).toEqual({ mean: null, ci95: null, n: 0 });
    expect(empty.metrics.latencyMs).toEqual({ p50: null, p95: null });
    expect(empty.metrics.costUsd).toEqual({ total: 0, perTurn: null, p50: null, p95: null });
  });

  it('refuses items it cannot summarise honestly', () => {
    const catchError = (run: () => unknown): EvalError => {
      try {
        run();
      } catch (error) {
        if (EvalError.isInstance(error)) return error;
        throw error;
      }
      throw new Error('expected an EvalError');
    };
    expect(catchError(() => summarizeStrategy([...lexicalItems, ...trainedItems], options))).toMatchObject({
      code: 'usage',
      message: 'summarizeStrategy: item c1#0 belongs to "trained", not "lexical".',
    });
    expect(catchError(() => summarizeStrategy([lexicalItems[0]!, lexicalItems[0]!], options))).toMatchObject({
      code: 'invalid-input',
      message: 'lexical: item c1#0 (repeat 0) appears twice; merge the items first.',
    });
    const secondRepeat = { ...lexicalItems[0]!, repeat: 1 };
    expect(catchError(() => summarizeStrategy([secondRepeat], options)).code).toBe('invalid-input');
    expect(catchError(() => summarizeStrategy([], options)).code).toBe('usage');
  });
});

describe('summarizeStrategies', () => {
  it('gives every row exactly the summary summarizeStrategy gives it alone', () => {
    const { rows, rowItems, bootstrap } = sharedRows();
    const together = summarizeStrategies(rows);
    expect(together).toEqual(rows.map((row) => summarizeStrategy(row.items, row.options)));
    expect(together[1]!.metrics.custom?.politeness?.n).toBe(45);
    expect(together[0]!.metrics.answerQuality.ci95).not.toEqual(together[1]!.metrics.answerQuality.ci95);
    const repeated = { items: rowItems('d', { repeats: 2 }), options: { ...bootstrap, repeat: 2 } };
    expect(summarizeStrategies([rows[0]!, repeated])[1]).toEqual(
      summarizeStrategy(repeated.items, repeated.options),
    );
  });

  it('gives the same summaries, bit for bit, when a helper thread does part of the resampling', async () => {
    const { rows } = sharedRows();
    const resampler = createParallelResampler({ minDraws: 0 });
    try {
      expect(summarizeStrategies(rows, resampler)).toEqual(summarizeStrategies(rows));
      expect(resampler.computed.here + resampler.computed.helper).toBeGreaterThan(summaryMetricNames.length);
    } finally {
      await resampler.close();
    }
  });
});

/**
 * Three rows over the same 30 conversations (one or two turns each), and an empty one.
 */
function sharedRows() {
  // Three rows over the same 30 conversations (one or two turns each), so most metrics' rows
  // share their bootstrap draws; one row has a turn fewer (another cluster count), one a custom
  // score the others lack, one repeats.
  const random = new SeededRandom(17);
  const rowItems = (strategy: string, options: { skip?: boolean; custom?: boolean; repeats?: number }) =>
    Array.from({ length: 30 }, (_, conversation) =>
      Array.from({ length: 1 + (conversation % 2) }, (_, turnIndex) =>
        Array.from({ length: options.repeats ?? 1 }, (_, repeat) =>
          makeItem({
            strategy,
            conversationId: `c${String(conversation).padStart(2, '0')}`,
            turnIndex,
            repeat,
            latencyMs: random.nextInt(500),
            scores: {
              answerQuality: random.nextFloat(),
              humanCleanup: random.nextInt(3) / 2,
              needsCleanup: random.nextInt(2) === 1,
              escalated: random.nextInt(4) === 0,
              pass: random.nextInt(2) === 1,
              ...(options.custom ? { politeness: random.nextFloat() } : {}),
            },
          }),
        ),
      ).flat(),
    )
      .flat()
      .filter((item) => !(options.skip && item.conversationId === 'c00'));
  const bootstrap = { seed: 3, resamples: 400 };
  const rows = [
    { items: rowItems('a', {}), options: { ...bootstrap, repeat: 1 } },
    {
      items: rowItems('b', { custom: true }),
      options: { ...bootstrap, repeat: 1, role: 'probe' as const },
    },
    { items: rowItems('c', { skip: true }), options: { ...bootstrap, repeat: 1 } },
    { items: [], options: { ...bootstrap, repeat: 1, name: 'empty' } },
  ];
  return { rows, rowItems, bootstrap };
}
