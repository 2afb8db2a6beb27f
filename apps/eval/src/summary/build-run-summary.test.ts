import { describe, expect, it } from 'vitest';
import { EvalError } from '../eval-error.js';
import { buildRunSummary } from './build-run-summary.js';
import { lexicalItems, trainedItems } from './example-items.fixture.js';
import { exampleRunInput, exampleRunSummary } from './example-run.fixture.js';

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
    expect(summary.comparisons).toHaveLength(6);
    expect(summary.comparisons.every((comparison) => comparison.candidate === 'trained')).toBe(true);
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
