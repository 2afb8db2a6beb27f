import { describe, expect, it } from 'vitest';
import { EvalError } from '../eval-error.js';
import { nonInferiority } from './non-inferiority.js';

describe('nonInferiority', () => {
  it('passes a higher-is-better metric only when the low bound stays above −δ', () => {
    expect(nonInferiority({ ci95: [-0.03, 0.02], margin: 0.05, higherIsBetter: true })).toEqual({
      passed: true,
      worseBound: -0.03,
      limit: -0.05,
      reason: 'within-margin',
    });
    // The point estimate is positive, but the interval allows a loss of 0.06 > δ.
    expect(nonInferiority({ ci95: [-0.06, 0.1], margin: 0.05, higherIsBetter: true })).toMatchObject({
      passed: false,
      reason: 'beyond-margin',
    });
  });

  it('passes a lower-is-better metric only when the high bound stays below +δ', () => {
    expect(nonInferiority({ ci95: [-0.01, 0.08], margin: 0.05, higherIsBetter: false })).toEqual({
      passed: false,
      worseBound: 0.08,
      limit: 0.05,
      reason: 'beyond-margin',
    });
    expect(nonInferiority({ ci95: [-0.2, 0.04], margin: 0.05, higherIsBetter: false }).passed).toBe(true);
  });

  it('passes a bound exactly at the margin, even when rounding put it a few ulps beyond', () => {
    expect(nonInferiority({ ci95: [-0.05, 0], margin: 0.05, higherIsBetter: true }).passed).toBe(true);
    const roundedLow = 0.25 - (0.1 + 0.2); // −0.05000000000000004 in floating point
    expect(roundedLow).toBeLessThan(-0.05);
    expect(nonInferiority({ ci95: [roundedLow, 0.1], margin: 0.05, higherIsBetter: true }).passed).toBe(true);
  });

  it('demands no loss at all with a zero margin', () => {
    expect(nonInferiority({ ci95: [0.001, 0.02], margin: 0, higherIsBetter: true }).passed).toBe(true);
    expect(nonInferiority({ ci95: [-0.001, 0.02], margin: 0, higherIsBetter: true }).passed).toBe(false);
  });

  it('fails without an interval', () => {
    expect(nonInferiority({ ci95: undefined, margin: 0.05, higherIsBetter: true })).toEqual({
      passed: false,
      worseBound: undefined,
      limit: -0.05,
      reason: 'no-data',
    });
  });

  it('rejects a negative or non-finite margin', () => {
    expect(() => nonInferiority({ ci95: [0, 0], margin: -0.01, higherIsBetter: true })).toThrow(EvalError);
    expect(() => nonInferiority({ ci95: [0, 0], margin: Number.NaN, higherIsBetter: true })).toThrow(
      EvalError,
    );
  });
});
