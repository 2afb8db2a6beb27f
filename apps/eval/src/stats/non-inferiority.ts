import { EvalError } from '../eval-error.js';

/** Input of {@link nonInferiority}. */
export interface NonInferiorityInput {
  /**
   * 95% interval of the difference candidate − baseline (from {@link pairedBootstrap} or
   * {@link mcnemar}); `undefined` when there was nothing to compare.
   */
  ci95: readonly [low: number, high: number] | undefined;
  /** δ: how much worse than the baseline the candidate may be, in the metric's unit; ≥ 0. */
  margin: number;
  /** Whether a higher metric is better (quality) or worse (escalation rate, cleanup, latency). */
  higherIsBetter: boolean;
}

/** The verdict of a non-inferiority gate. */
export interface NonInferiorityResult {
  passed: boolean;
  /** The interval bound on the candidate's worse side: the low one when higher is better. */
  worseBound: number | undefined;
  /** The value the worse bound must not cross: −δ when higher is better, +δ otherwise. */
  limit: number;
  /** Why: within the margin, beyond it, or no interval to judge. */
  reason: 'within-margin' | 'beyond-margin' | 'no-data';
}

// Differences are means of floats; a bound that equals the limit mathematically (e.g. −0.05 vs a
// 0.05 margin) can land a few ulps beyond it. A gate must not flip on rounding.
const tolerance = 1e-12;

/**
 * The gate "not worse than the baseline by more than δ" of METRICS.md: it passes only when the
 * confidence interval's worse bound stays within δ. With the difference taken as candidate −
 * baseline, that is `low ≥ −δ` when higher is better and `high ≤ +δ` when lower is better; a bound
 * exactly at the limit passes ("not more than δ"), with a 1e-12 allowance for rounding.
 *
 * A point estimate inside the margin is not enough: a wide interval (little data) fails, which is
 * the point. No interval (nothing compared) fails too.
 *
 * @param input - The difference's interval, the margin δ and the metric's direction.
 * @returns Whether the gate passed, the bound and limit compared, and why.
 * @throws EvalError when δ is negative or not finite.
 *
 * @example
 * ```ts
 * nonInferiority({ ci95: [-0.03, 0.02], margin: 0.05, higherIsBetter: true }).passed; // true: −0.03 ≥ −0.05
 * nonInferiority({ ci95: [-0.01, 0.08], margin: 0.05, higherIsBetter: false }).passed; // false: 0.08 > 0.05
 * ```
 */
export function nonInferiority(input: NonInferiorityInput): NonInferiorityResult {
  const { ci95, margin, higherIsBetter } = input;
  if (!(margin >= 0) || !Number.isFinite(margin)) {
    throw new EvalError(
      'invalid-config',
      `nonInferiority: the margin must be a finite number ≥ 0, got ${margin}.`,
    );
  }
  const limit = higherIsBetter ? -margin : margin;
  if (ci95 === undefined) return { passed: false, worseBound: undefined, limit, reason: 'no-data' };
  const worseBound = higherIsBetter ? ci95[0] : ci95[1];
  const passed = higherIsBetter ? worseBound >= limit - tolerance : worseBound <= limit + tolerance;
  return { passed, worseBound, limit, reason: passed ? 'within-margin' : 'beyond-margin' };
}
