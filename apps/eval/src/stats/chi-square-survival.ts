import { EvalError } from '../eval-error.js';

// ln Γ(1/2) = ln √π.
const logGammaHalf = 0.5 * Math.log(Math.PI);
const epsilon = 1e-16;
const tiny = 1e-300;

/**
 * P(X > x) for a chi-square variable with one degree of freedom: the regularized upper incomplete
 * gamma function Q(1/2, x/2) (equivalently erfc(√(x/2))). Computed with the series for small x and
 * Lentz's continued fraction for large x (Numerical Recipes §6.2), to about 1e-15 relative error,
 * which keeps tiny p-values (1e-20 and below) meaningful instead of rounding them to 0.
 *
 * @param x - The statistic, ≥ 0.
 * @returns The upper-tail probability, in [0, 1].
 * @throws EvalError for a negative or `NaN` statistic.
 *
 * @example
 * ```ts
 * chiSquareSurvival(3.841458820694124); // 0.05
 * ```
 */
export function chiSquareSurvival(x: number): number {
  if (!(x >= 0)) throw new EvalError('usage', `chiSquareSurvival: x must be ≥ 0, got ${x}.`);
  if (x === 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  const a = 0.5;
  const half = x / 2;
  const prefactor = Math.exp(-half + a * Math.log(half) - logGammaHalf);
  if (half < a + 1) {
    // Series for the lower function P(a, x); Q = 1 − P loses nothing here because Q ≥ 0.2.
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 1000; n++) {
      term *= half / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * epsilon) break;
    }
    return 1 - sum * prefactor;
  }
  // Continued fraction for Q(a, x) directly, so small tails keep their relative precision.
  let b = half + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let fraction = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    fraction *= step;
    if (Math.abs(step - 1) < epsilon) break;
  }
  return prefactor * fraction;
}
