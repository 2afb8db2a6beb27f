import { describe, expect, it } from 'vitest';
import { EvalError } from '../eval-error.js';
import { percentile, percentileOfSorted } from './percentile.js';

describe('percentile', () => {
  it('matches the numpy.percentile documentation examples', () => {
    // numpy docs: a = [[10, 7, 4], [3, 2, 1]]; np.percentile(a, 50) → 3.5;
    // np.percentile(a, 50, axis=0) → [6.5, 4.5, 2.5].
    expect(percentile([10, 7, 4, 3, 2, 1], 50)).toBe(3.5);
    expect([percentile([10, 3], 50), percentile([7, 2], 50), percentile([4, 1], 50)]).toEqual([
      6.5, 4.5, 2.5,
    ]);
  });

  it('interpolates linearly between order statistics (type 7)', () => {
    // [1…10], p95: h = 9·0.95 = 8.55 → x₈ + 0.55·(x₉ − x₈) = 9 + 0.55 = 9.55 (numpy: 9.55).
    expect(percentile([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 95)).toBeCloseTo(9.55, 12);
    // [1, 2, 3, 4], p25: h = 3·0.25 = 0.75 → 1 + 0.75·1 = 1.75 (numpy: 1.75).
    expect(percentile([4, 3, 2, 1], 25)).toBe(1.75);
  });

  it('gives the minimum at 0, the maximum at 100 and the value itself for one value', () => {
    expect(percentile([3, 1, 2], 0)).toBe(1);
    expect(percentile([3, 1, 2], 100)).toBe(3);
    expect(percentile([42], 95)).toBe(42);
  });

  it('returns undefined, never NaN, for no values', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(percentileOfSorted(new Float64Array(0), 95)).toBeUndefined();
  });

  it('leaves its input unsorted', () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });

  it('rejects a percent outside [0, 100] and non-finite values', () => {
    expect(() => percentile([1], 101)).toThrow(EvalError);
    expect(() => percentile([1], Number.NaN)).toThrow(EvalError);
    expect(() => percentile([1, Number.NaN], 50)).toThrow(/finite/);
  });
});
