import { describe, expect, it } from 'vitest';
import { spearman } from './spearman.js';

describe('spearman', () => {
  it('is 1 for any increasing relation and -1 for any decreasing one', () => {
    expect(spearman([1, 2, 3, 4], [1, 10, 100, 1000])).toBe(1);
    expect(spearman([1, 2, 3, 4], [9, 7, 3, 1])).toBe(-1);
  });

  it('gives tied values their average rank (scipy.stats.spearmanr([1,2,2,3],[1,3,2,4]) = 0.9487)', () => {
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(0.9486833, 6);
  });

  it('matches a published value (scipy.stats.spearmanr([1,2,3,4,5],[5,6,7,8,7]) = 0.8208)', () => {
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(0.8207826, 6);
  });

  it('is null with fewer than two pairs or a constant side', () => {
    expect(spearman([1], [2])).toBeNull();
    expect(spearman([1, 2, 3], [5, 5, 5])).toBeNull();
  });

  it('refuses NaN instead of ranking it somewhere', () => {
    // Ranking NaN by a comparator that returns NaN gave 0.8 here; scipy gives NaN.
    expect(() => spearman([1, Number.NaN, 3, 2], [1, 2, 3, 4])).toThrow(RangeError);
    expect(() => spearman([1, 2, 3], [1, Number.NaN, 3])).toThrow(RangeError);
  });
});
