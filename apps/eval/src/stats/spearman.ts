/**
 * Spearman's rank correlation ρ of paired values: Pearson's correlation of their ranks, ties
 * given their average rank. `null` with fewer than two pairs or when either side is constant.
 * Throws a RangeError for a NaN value (scipy.stats.spearmanr gives NaN), rather than ranking it.
 *
 * @example
 * ```ts
 * spearman([1, 2, 3], [10, 30, 20]); // 0.5
 * ```
 */
export function spearman(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length !== ys.length) throw new RangeError('spearman: the two series differ in length');
  // NaN has no rank: the sort would place it arbitrarily and return a plausible-looking ρ.
  if (xs.some(Number.isNaN) || ys.some(Number.isNaN)) throw new RangeError('spearman: a value is NaN');
  if (xs.length < 2) return null;
  return pearson(ranks(xs), ranks(ys));
}

function ranks(values: readonly number[]): number[] {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const result = new Array<number>(values.length);
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.value === order[start]!.value) end += 1;
    const rank = (start + end) / 2 + 1;
    for (let position = start; position <= end; position += 1) result[order[position]!.index] = rank;
    start = end + 1;
  }
  return result;
}

function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  let meanX = 0;
  let meanY = 0;
  for (let index = 0; index < n; index += 1) {
    meanX += xs[index]!;
    meanY += ys[index]!;
  }
  meanX /= n;
  meanY /= n;
  let covariance = 0;
  let varianceX = 0;
  let varianceY = 0;
  for (let index = 0; index < n; index += 1) {
    const dx = xs[index]! - meanX;
    const dy = ys[index]! - meanY;
    covariance += dx * dy;
    varianceX += dx * dx;
    varianceY += dy * dy;
  }
  if (varianceX === 0 || varianceY === 0) return null;
  return covariance / Math.sqrt(varianceX * varianceY);
}
