import { describe, expect, it } from 'vitest';
import { EvalError } from '../eval-error.js';
import type { ItemResult } from '../item-result.js';
import { SeededRandom } from '../stats/seeded-random.js';
import { buildRunSummary } from './build-run-summary.js';
import { lexicalItems, makeItem, trainedItems } from './example-items.fixture.js';
import { exampleRunInput, exampleRunSummary } from './example-run.fixture.js';
import { parseGateRules } from './gate.js';

function errorOf(run: () => unknown): EvalError {
  try {
    run();
  } catch (error) {
    if (EvalError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an EvalError');
}

describe('buildRunSummary', () => {
  it('summarises strategies in the given order, compares them with the baseline and gates', () => {
    const summary = exampleRunSummary();
    expect(summary.version).toBe(1);
    expect(summary.strategies.map((strategy) => [strategy.name, strategy.description])).toEqual([
      ['lexical', 'Keyword match on capability cards'],
      ['trained', 'Classifier trained on labelled turns'],
    ]);
    // 3 conversations, 5 distinct turns (each replayed by both strategies).
    expect(summary.suite).toEqual({
      name: 'support',
      dataset: 'datasets/support/suite.json',
      split: 'test',
      conversations: 3,
      turns: 5,
    });
    // Every compared metric (all but the recorded bot's own HTER) of the one candidate, and the
    // custom score (politeness) after them.
    expect(summary.comparisons).toHaveLength(11);
    expect(summary.comparisons.every((comparison) => comparison.candidate === 'trained')).toBe(true);
    // Each of the 5 turns carries one annotated nugget.
    expect(summary.scorer.nuggets).toEqual({ annotated: 5, extracted: 0, none: 0 });
    // No floor probes ran: no floor, no flags.
    expect(summary).not.toHaveProperty('floor');
    expect(summary.strategies.map((strategy) => strategy.flags)).toEqual([[], []]);
    // trained: quality .52 ≥ .5 passes, fallback .6 > .5 fails.
    expect(summary.gate.passed).toBe(false);
    expect(summary.gate.checks.map((check) => check.passed)).toEqual([true, false]);
    expect(summary).not.toHaveProperty('interrupted');
  });

  it('keeps the order of strategies when the items come in another order', () => {
    const summary = buildRunSummary({
      ...exampleRunInput,
      strategies: [{ name: 'trained' }, { name: 'lexical' }],
      items: [...lexicalItems, ...trainedItems],
      suite: { ...exampleRunInput.suite, conversations: 60, turns: 240 },
      interrupted: true,
    });
    expect(summary.strategies.map((strategy) => strategy.name)).toEqual(['trained', 'lexical']);
    expect(summary.suite).toMatchObject({ conversations: 60, turns: 240 });
    expect(summary.interrupted).toBe(true);
    expect(summary.gate).toEqual({ passed: true, checks: [] });
  });

  it('lists a strategy without items with null means', () => {
    const summary = buildRunSummary({
      ...exampleRunInput,
      strategies: [...exampleRunInput.strategies, { name: 'pending' }],
      items: [...lexicalItems, ...trainedItems],
    });
    expect(summary.strategies[2]).toMatchObject({ name: 'pending', turns: 0 });
    expect(summary.strategies[2]!.metrics.answerQuality.mean).toBeNull();
  });

  it('rejects a baseline that is not a strategy and items of unlisted strategies', () => {
    const items = [...lexicalItems, ...trainedItems];
    expect(errorOf(() => buildRunSummary({ ...exampleRunInput, items, baseline: 'nope' }))).toMatchObject({
      code: 'usage',
      message: 'the baseline "nope" is not one of the strategies: lexical, trained.',
    });
    expect(
      errorOf(() => buildRunSummary({ ...exampleRunInput, items, strategies: [{ name: 'lexical' }] })),
    ).toMatchObject({
      code: 'invalid-input',
      message: 'item c1#0 belongs to strategy "trained", which is not one of: lexical.',
    });
    expect(
      errorOf(() =>
        buildRunSummary({
          ...exampleRunInput,
          items,
          strategies: [{ name: 'lexical' }, { name: 'lexical' }],
        }),
      ).code,
    ).toBe('usage');
  });
});

/** The items in another order: a seeded Fisher–Yates shuffle. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = new SeededRandom(seed);
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = random.nextInt(index + 1);
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

/**
 * A content-free probe's items on the example turns, with the same quality and cleanup on every
 * turn: every resample is then that value, and so is each bound of its intervals.
 */
function probeItems(name: string, quality = 0.28, cleanup = 1): ItemResult[] {
  return [...lexicalItems].map((item) =>
    makeItem({
      strategy: name,
      conversationId: item.conversationId,
      turnIndex: item.turnIndex,
      domains: item.gold.domains,
      scores: {
        answerQuality: quality,
        answeredQuality: quality,
        humanCleanup: cleanup,
        needsCleanup: cleanup > 0.3,
        delegationAttempted: false,
        fallback: null,
        escalated: false,
        routingCorrect: null,
        pass: quality >= 0.5,
      },
    }),
  );
}

describe('buildRunSummary statistics', () => {
  it('gives a bit-identical summary whatever order the items come in', () => {
    const items = [...lexicalItems, ...trainedItems, ...probeItems('generic')];
    const input = {
      ...exampleRunInput,
      strategies: [...exampleRunInput.strategies, { name: 'generic', role: 'probe' as const }],
      gate: {
        rules: parseGateRules({ failUnder: ['answerQuality=0.5'], maxRegression: ['humanCleanup=0.1'] }),
      },
    };
    const inOrder = JSON.stringify(buildRunSummary({ ...input, items }));
    for (const seed of [1, 2, 3]) {
      expect(JSON.stringify(buildRunSummary({ ...input, items: shuffled(items, seed) }))).toBe(inOrder);
    }
  });

  it('gives a strategy the same intervals and comparisons whichever other strategies ran', () => {
    const twoStrategies = buildRunSummary({ ...exampleRunInput, items: [...lexicalItems, ...trainedItems] });
    // A third strategy, listed first and with other scores, and a probe.
    const other = trainedItems.map((item, index) => ({
      ...item,
      strategy: 'other',
      scores: { ...item.scores, answerQuality: index / 10, humanCleanup: 1 - index / 10 },
    }));
    const withOthers = buildRunSummary({
      ...exampleRunInput,
      strategies: [
        { name: 'other' },
        ...exampleRunInput.strategies,
        { name: 'echo', description: '', role: 'probe' },
      ],
      items: [...other, ...lexicalItems, ...probeItems('echo'), ...trainedItems],
    });
    const byName = (summary: typeof twoStrategies, name: string) =>
      summary.strategies.find((strategy) => strategy.name === name)!.metrics;
    for (const name of ['lexical', 'trained']) {
      expect(byName(withOthers, name)).toEqual(byName(twoStrategies, name));
    }
    const ofTrained = (summary: typeof twoStrategies) =>
      summary.comparisons.filter((comparison) => comparison.candidate === 'trained');
    expect(ofTrained(withOthers)).toEqual(ofTrained(twoStrategies));
  });

  it('gives a deterministic strategy the same numbers with any repeat count', () => {
    const repeated = (items: readonly ItemResult[]) =>
      [0, 1, 2].flatMap((repeat) => items.map((item) => ({ ...item, repeat })));
    const once = buildRunSummary({ ...exampleRunInput, items: [...lexicalItems, ...trainedItems] });
    const thrice = buildRunSummary({
      ...exampleRunInput,
      repeat: 3,
      items: [...repeated(lexicalItems), ...repeated(trainedItems)],
    });
    for (const index of [0, 1]) {
      const { answerQuality, humanCleanup, passRate } = thrice.strategies[index]!.metrics;
      const expected = once.strategies[index]!.metrics;
      // n counts turns, not turns × repeats: repeats are one unit, so no false precision.
      expect(answerQuality).toEqual(expected.answerQuality);
      expect(humanCleanup).toEqual(expected.humanCleanup);
      expect(passRate).toEqual(expected.passRate);
    }
    // Every pass repeated thrice: pass^3 is the pass rate, by turn (3 / 5) and by conversation
    // (c1 and c2 pass, c3 does not).
    expect(thrice.strategies[0]!.metrics.passHatK).toEqual({ k: 3, turns: 0.6, conversations: 2 / 3 });
    const numbers = (summary: typeof once) =>
      summary.comparisons.map(({ metric, diff, ci95, p, n, counts }) => ({
        metric,
        diff,
        ci95,
        p,
        n,
        counts,
      }));
    expect(numbers(thrice)).toEqual(numbers(once));
  });
});

describe('buildRunSummary floor probes', () => {
  const input = {
    ...exampleRunInput,
    strategies: [
      ...exampleRunInput.strategies,
      { name: 'generic', description: 'floor', role: 'probe' as const },
    ],
    items: [...lexicalItems, ...trainedItems, ...probeItems('generic')],
  };

  it('sets the floor from the probes’ intervals and flags the rows that do not clear it', () => {
    const summary = buildRunSummary(input);
    // The probe scores .28 quality and 1 cleanup on every turn: both intervals collapse there.
    expect(summary.floor).toEqual({ probes: ['generic'], answerQuality: 0.28, humanCleanup: 1 });
    const [lexical, trained] = summary.strategies.map((strategy) => strategy.metrics);
    // lexical: quality CI low .25 ≤ .28 and cleanup CI high 1 ≥ 1 — both at the floor. trained:
    // quality CI low .3 and cleanup CI high .7 clear it (with three conversations the expanded
    // interval reaches the resamples' extremes).
    expect(lexical!.answerQuality.ci95![0]).toBeCloseTo(0.25, 12);
    expect(lexical!.humanCleanup.ci95![1]).toBe(1);
    expect(trained!.answerQuality.ci95![0]).toBeCloseTo(0.3, 12);
    expect(trained!.humanCleanup.ci95![1]).toBeCloseTo(0.7, 12);
    const flags = Object.fromEntries(summary.strategies.map((strategy) => [strategy.name, strategy.flags]));
    expect(flags).toEqual({
      lexical: ['answerQuality-at-floor', 'humanCleanup-at-floor'],
      trained: [],
      generic: [],
    });
    expect(summary.strategies[2]).toMatchObject({ name: 'generic', role: 'probe' });
  });

  it('takes the most demanding bound over several probes', () => {
    const summary = buildRunSummary({
      ...input,
      strategies: [...input.strategies, { name: 'echo', description: 'floor', role: 'probe' }],
      items: [...input.items, ...probeItems('echo', 0.1, 0.9)],
    });
    // Highest quality bound (.28, generic), lowest cleanup bound (.9, echo).
    expect(summary.floor).toEqual({ probes: ['generic', 'echo'], answerQuality: 0.28, humanCleanup: 0.9 });
  });

  it('never compares a probe, gates it or takes it as the baseline', () => {
    const summary = buildRunSummary({
      ...input,
      gate: { rules: parseGateRules({ failUnder: ['answerQuality=0.5'] }) },
    });
    expect(new Set(summary.comparisons.map((comparison) => comparison.candidate))).toEqual(
      new Set(['trained']),
    );
    expect(summary.gate.checks.map((check) => check.strategy)).toEqual(['trained']);
    expect(errorOf(() => buildRunSummary({ ...input, baseline: 'generic' }))).toMatchObject({
      code: 'usage',
      message: 'the baseline "generic" is a floor probe; choose a strategy.',
    });
  });
});
