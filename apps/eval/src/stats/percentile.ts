import { EvalError } from '../eval-error.js';

/**
 * The `p`-th percentile of `values` with linear interpolation between order statistics — Hyndman &
 * Fan's type 7, the default of numpy (`np.percentile`), R (`quantile`) and Excel (`PERCENTILE.INC`).
 * With the values sorted as x₀ ≤ … ≤ xₙ₋₁ and h = (n − 1)·p/100, it is x⌊h⌋ + (h − ⌊h⌋)·(x⌊h⌋₊₁ − x⌊h⌋).
 *
 * @param values - Finite numbers, in any order (not modified).
 * @param p - The percentile, in [0, 100]: 50 for the median, 95 for p95.
 * @returns The percentile, or `undefined` for no values (never `NaN`).
 * @throws EvalError when `p` is outside [0, 100] or a value is not finite.
 *
 * @example
 * ```ts
 * percentile([10, 7, 4, 3, 2, 1], 50); // 3.5
 * percentile([], 95); // undefined
 * ```
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  checkPercent(p);
  for (const value of values) {
    if (!Number.isFinite(value)) {
      throw new EvalError('invalid-input', `percentile: values must be finite numbers, got ${value}.`);
    }
  }
  return percentileOfSorted(Float64Array.from(values).sort(), p);
}

/**
 * {@link percentile} for values already sorted ascending, so one sort serves several percentiles
 * (p50 and p95, or both ends of a bootstrap interval). The order is trusted, not checked.
 *
 * @param sorted - Finite numbers in ascending order.
 * @param p - The percentile, in [0, 100].
 * @returns The percentile, or `undefined` for no values.
 * @throws EvalError when `p` is outside [0, 100].
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number | undefined {
  checkPercent(p);
  if (sorted.length === 0) return undefined;
  const position = ((sorted.length - 1) * p) / 100;
  const below = Math.floor(position);
  const lower = sorted[below]!;
  if (below === sorted.length - 1) return lower;
  const fraction = position - below;
  return fraction === 0 ? lower : lower + fraction * (sorted[below + 1]! - lower);
}

function checkPercent(p: number): void {
  if (!(p >= 0 && p <= 100)) {
    throw new EvalError('usage', `percentile: p must be in [0, 100], got ${p}.`);
  }
}
