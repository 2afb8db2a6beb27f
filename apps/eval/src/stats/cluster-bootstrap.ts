import { EvalError } from '../eval-error.js';
import { percentileOfSorted } from './percentile.js';
import { SeededRandom } from './seeded-random.js';

/** One turn's score and the conversation it belongs to. */
export interface ClusteredValue {
  /** The resampling unit: the conversation id. */
  cluster: string;
  /** The per-turn metric, a finite number. */
  value: number;
}

/** Options for {@link clusterBootstrap}. */
export interface ClusterBootstrapOptions {
  /** Bootstrap resamples. Default 2000. */
  resamples?: number;
  /** Seed of the {@link SeededRandom} stream, so the interval is reproducible. Default 0. */
  seed?: number;
}

/** A mean with its 95% cluster-bootstrap interval. */
export interface ClusterBootstrapResult {
  /** Turn-weighted mean over all turns; `undefined` when there are none. */
  mean: number | undefined;
  /** 2.5th and 97.5th percentiles of the resampled means; `undefined` when there are no turns. */
  ci95: readonly [low: number, high: number] | undefined;
  /** Turns. */
  n: number;
  /** Conversations. */
  clusters: number;
}

/**
 * The mean of a per-turn metric with a 95% bootstrap confidence interval resampled **by
 * conversation**, because turns of one conversation are not independent: resampling turns would
 * pretend to more evidence than there is and give intervals that are too narrow.
 *
 * Each of the `resamples` draws picks as many conversations as there are, with replacement, and
 * computes the turn-weighted mean of the turns they hold (Σ values ÷ Σ turns, a ratio estimator,
 * so long conversations weigh by their turns, exactly like the point estimate). The interval is
 * the percentile interval (type-7 2.5th and 97.5th percentiles of the resampled means).
 *
 * Edge cases: no turns → `mean` and `ci95` are `undefined` (never `NaN`); one conversation → every
 * resample is that conversation, so the interval collapses to the mean — a sign of too little data,
 * not of certainty. With few conversations (say under 10–20) percentile intervals are too narrow.
 *
 * @param items - The turns, in any order.
 * @param options - Resamples and seed.
 * @returns Mean, interval, and the counts of turns and conversations.
 * @throws EvalError for a non-finite value or a bad option.
 *
 * @example
 * ```ts
 * const { mean, ci95 } = clusterBootstrap(turns.map((turn) => ({ cluster: turn.conversationId, value: turn.quality })), {
 *   seed: 42,
 * });
 * ```
 */
export function clusterBootstrap(
  items: readonly ClusteredValue[],
  options: ClusterBootstrapOptions = {},
): ClusterBootstrapResult {
  const resamples = checkResamples(options.resamples ?? 2000);
  const seed = checkSeed(options.seed ?? 0);
  const clusters = sumByCluster(items);
  if (items.length === 0) return { mean: undefined, ci95: undefined, n: 0, clusters: 0 };
  const means = resampleClusterMeans({ ...clusters, resamples, seed });
  return {
    mean: clusters.mean,
    ci95: [percentileOfSorted(means, 2.5)!, percentileOfSorted(means, 97.5)!],
    n: items.length,
    clusters: clusters.sums.length,
  };
}

/** Per-conversation sums and counts, and the range of the values. */
export interface ClusterSums {
  sums: Float64Array;
  counts: Float64Array;
  /** Turn-weighted mean of everything, `undefined` for no turns. */
  mean: number | undefined;
  minimum: number;
  maximum: number;
}

/**
 * Groups turns by conversation into sums and counts, the sufficient statistics of the ratio
 * estimator. Shared with the paired bootstrap.
 *
 * @throws EvalError for a non-finite value.
 */
export function sumByCluster(items: readonly ClusteredValue[]): ClusterSums {
  const index = new Map<string, number>();
  const sums: number[] = [];
  const counts: number[] = [];
  let total = 0;
  let minimum = Number.POSITIVE_INFINITY;
  let maximum = Number.NEGATIVE_INFINITY;
  // Canonical order (cluster id, then value) before summing: the clusters' indexes, which the
  // resampling draws, and every floating-point sum are then the same whatever order the items came
  // in, so the same items and seed give bit-identical intervals.
  const ordered = [...items].sort((a, b) =>
    a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : a.value - b.value,
  );
  for (const { cluster, value } of ordered) {
    if (!Number.isFinite(value)) {
      throw new EvalError(
        'invalid-input',
        `bootstrap: values must be finite numbers, got ${value} in "${cluster}".`,
      );
    }
    let at = index.get(cluster);
    if (at === undefined) {
      at = sums.length;
      index.set(cluster, at);
      sums.push(0);
      counts.push(0);
    }
    sums[at]! += value;
    counts[at]! += 1;
    total += value;
    if (value < minimum) minimum = value;
    if (value > maximum) maximum = value;
  }
  return {
    sums: Float64Array.from(sums),
    counts: Float64Array.from(counts),
    mean: items.length === 0 ? undefined : clamp(total / items.length, minimum, maximum),
    minimum,
    maximum,
  };
}

/**
 * The bootstrap distribution of the turn-weighted mean, resampling whole clusters: `resamples`
 * means, sorted ascending. Shared with the paired bootstrap.
 *
 * Each mean is clamped to the range of the values: a weighted mean cannot leave it, but rounding
 * can push it one ulp out, and then "all values equal v" would not give exactly [v, v].
 *
 * @param input - Cluster sums (at least one cluster), resamples and seed.
 */
export function resampleClusterMeans(input: ClusterSums & { resamples: number; seed: number }): Float64Array {
  const { sums, counts, minimum, maximum, resamples, seed } = input;
  const means = new Float64Array(resamples);
  // All values equal: every resampled mean is clamped to that value, so no draw can change it.
  if (minimum === maximum) return means.fill(minimum);
  const random = new SeededRandom(seed);
  const clusters = sums.length;
  // Every cluster one turn (the usual case): a resample's count is the number of clusters, exactly,
  // so only the sums are drawn for. This runs resamples × clusters times: the draws are fused with
  // the sums (see sumAtDrawn), never stored.
  const unitCounts = counts.every((count) => count === 1);
  const drawn = new Float64Array(2);
  for (let draw = 0; draw < resamples; draw++) {
    if (unitCounts) random.sumAtDrawn(sums, clusters, drawn);
    else random.sumAtDrawn(sums, clusters, drawn, counts);
    means[draw] = clamp(drawn[0]! / (unitCounts ? clusters : drawn[1]!), minimum, maximum);
  }
  return means.sort();
}

/**
 * @throws EvalError unless `resamples` is a positive integer.
 */
export function checkResamples(resamples: number): number {
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new EvalError('usage', `bootstrap: resamples must be a positive integer, got ${resamples}.`);
  }
  return resamples;
}

/**
 * @throws EvalError unless `seed` is a safe integer.
 */
export function checkSeed(seed: number): number {
  if (!Number.isSafeInteger(seed)) {
    throw new EvalError('usage', `bootstrap: seed must be a safe integer, got ${seed}.`);
  }
  return seed;
}

function clamp(value: number, minimum: number, maximum: number): number {
  return Math.min(Math.max(value, minimum), maximum);
}
