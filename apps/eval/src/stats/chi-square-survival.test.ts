import { describe, expect, it } from 'vitest';
import { EvalError } from '../eval-error.js';
import { chiSquareSurvival } from './chi-square-survival.js';

const relativeError = (actual: number, expected: number) => Math.abs(actual - expected) / expected;

describe('chiSquareSurvival', () => {
  it.each([
    // Critical values of χ²(1) and their tail areas (any table; digits from scipy.stats.chi2.sf,
    // cross-checked with Python's math.erfc(sqrt(x / 2))).
    [3.841458820694124, 0.05],
    [6.634896601021214, 0.01],
    [10.827566170662733, 0.001],
    [0.5, 0.47950012218695337],
    [1.5, 0.22067136191984324],
    [16.81779661016949, 4.114562281345944e-5],
    [100, 1.5239706048320995e-23],
  ])('P(χ²₁ > %s) = %s', (x, expected) => {
    expect(relativeError(chiSquareSurvival(x), expected)).toBeLessThan(1e-12);
  });

  it('is 1 at 0 and 0 at infinity', () => {
    expect(chiSquareSurvival(0)).toBe(1);
    expect(chiSquareSurvival(Number.POSITIVE_INFINITY)).toBe(0);
  });

  it('rejects negative and NaN statistics', () => {
    expect(() => chiSquareSurvival(-1)).toThrow(EvalError);
    expect(() => chiSquareSurvival(Number.NaN)).toThrow(EvalError);
  });
});
