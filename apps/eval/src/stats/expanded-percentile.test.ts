import { describe, expect, it } from 'vitest';
import { EvalError } from '../eval-error.js';
import { expandedTailPercent, expandedTwoSidedP } from './expanded-percentile.js';

// Reference values from scipy 1.17.1:
//   100 · norm.cdf(−√(n/(n−1)) · t.ppf(0.975, n−1))   and   2 · t.sf(−norm.ppf(q) / √(n/(n−1)), n−1).
describe('expandedTailPercent', () => {
  it('matches scipy, widening the interval most for the fewest conversations', () => {
    const scipy: [number, number][] = [
      [2, 1.6952190726058738e-70],
      [3, 6.834137311941282e-6],
      [5, 0.09541005518824908],
      [10, 0.8550639024406367],
      [20, 1.5880829920347974],
      [30, 1.875390027822054],
      [50, 2.1179411211377572],
      [100, 2.3064387207087647],
      [1000, 2.48043059055643],
    ];
    for (const [clusters, tail] of scipy) {
      expect(Math.abs(expandedTailPercent(clusters) - tail) / tail).toBeLessThan(1e-9);
    }
  });

  it('leaves one conversation, whose resamples are all alike, at the plain 2.5', () => {
    expect(expandedTailPercent(1)).toBe(2.5);
    expect(expandedTailPercent(0)).toBe(2.5);
  });

  it('refuses a number of conversations that is not a whole number', () => {
    expect(() => expandedTailPercent(2.5)).toThrow(EvalError);
    expect(() => expandedTailPercent(-1)).toThrow(EvalError);
  });
});

describe('expandedTwoSidedP', () => {
  it('matches scipy, and tends to the plain 2q with many conversations', () => {
    const scipy: [number, number, number][] = [
      [0.01, 1000, 0.020261657133524343],
      [0.01, 10, 0.0547152583334932],
      [0.001, 10, 0.016712053620800065],
      [0.02, 30, 0.052791642451603],
      [0.2, 5, 0.4934665727524808],
      [1 / 2001, 5, 0.04225165109275689],
    ];
    for (const [share, clusters, p] of scipy) {
      expect(Math.abs(expandedTwoSidedP(share, clusters) - p) / p).toBeLessThan(1e-9);
    }
    expect(expandedTwoSidedP(0.5, 10)).toBe(1);
    expect(expandedTwoSidedP(0.7, 10)).toBe(1);
  });

  it('is below 0.05 exactly when the share is below the interval’s tail', () => {
    for (const clusters of [5, 8, 13, 40, 116]) {
      const tail = expandedTailPercent(clusters) / 100;
      expect(expandedTwoSidedP(tail * 0.999, clusters)).toBeLessThan(0.05);
      expect(expandedTwoSidedP(tail * 1.001, clusters)).toBeGreaterThan(0.05);
      expect(expandedTwoSidedP(tail, clusters)).toBeCloseTo(0.05, 9);
    }
  });

  it('refuses a share outside (0, 1] or fewer than two conversations', () => {
    expect(() => expandedTwoSidedP(0, 10)).toThrow(EvalError);
    expect(() => expandedTwoSidedP(0.1, 1)).toThrow(EvalError);
  });
});
