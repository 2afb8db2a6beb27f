import { EvalError } from '../eval-error.js';
import { ClusterSumsBuilder, clamp } from './cluster-sums-builder.js';
import { expandedTailPercent } from './expanded-percentile.js';
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
  /**
   * The expanded percentile interval of the resampled means ({@link expandedTailPercent}: the 2.5th
   * and 97.5th percentiles widened for the number of conversations); `undefined` with no turns.
   */
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
 * the expanded percentile interval (type-7 percentiles of the resampled means at a and 100 − a,
 * where a tends to 2.5 as conversations grow: {@link expandedTailPercent}), which keeps its 95%
 * coverage with few conversations, where the plain percentile interval is too narrow.
 *
 * Edge cases: no turns → `mean` and `ci95` are `undefined` (never `NaN`); one conversation → every
 * resample is that conversation, so the interval collapses to the mean — a sign of too little data,
 * not of certainty.
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
  // A group of one takes resampleClusterMeans's single pass: the same work as before it was shared.
  return clusterBootstrapTogether([items], options)[0]!;
}

/**
 * {@link clusterBootstrap} of several sets of turns at once (one metric's rows across a run's
 * strategies), with one seed and one number of resamples: the same results, field for field and
 * bit for bit, as one call per input, for less work. Inputs with the same number of conversations
 * are resampled from a single stream of draws (see {@link resampleClusterMeansTogether}), as the
 * rows of one run's summary are: every strategy answers the same turns, and the seed is the
 * metric's, not the strategy's.
 *
 * @param inputs - Each set's turns, in any order. Read one input at a time and kept only as
 *   per-conversation sums, so a generator can hand over large inputs one by one.
 * @param options - Resamples and seed, shared by all.
 * @returns One result per input, in order.
 * @throws EvalError for a non-finite value or a bad option.
 *
 * @example
 * ```ts
 * const [solo, echo] = clusterBootstrapTogether([soloTurns, echoTurns], { seed: 42 });
 * ```
 */
export function clusterBootstrapTogether(
  inputs: Iterable<readonly ClusteredValue[]>,
  options: ClusterBootstrapOptions = {},
): ClusterBootstrapResult[] {
  return startClusterBootstrapTogether(inputs, options, inlineResampler)();
}

/**
 * {@link clusterBootstrapTogether} in two steps, so several bootstraps can resample at once: the
 * sums are taken now and their resampling handed to `resampler`; the returned function gives the
 * results (waiting for the resampling if it runs elsewhere). The results are the same, bit for bit,
 * whatever the resampler, since each job's draws depend only on its seed.
 *
 * @param inputs - As {@link clusterBootstrapTogether}'s; read now, and not kept.
 * @param options - Resamples and seed, shared by all.
 * @param resampler - Runs the resampling ({@link inlineResampler}: here and now).
 * @returns A function giving one result per input, in order.
 * @throws EvalError for a non-finite value or a bad option (now, not from the returned function).
 *
 * @example
 * ```ts
 * const pending = metrics.map((metric) => startClusterBootstrapTogether(rowsOf(metric), { seed }, resampler));
 * const results = pending.map((results) => results());
 * ```
 */
export function startClusterBootstrapTogether(
  inputs: Iterable<readonly ClusteredValue[]>,
  options: ClusterBootstrapOptions,
  resampler: Resampler,
): () => ClusterBootstrapResult[] {
  return startClusterBootstrapOfSums(clusterSumsOf(inputs), options, resampler);
}

function* clusterSumsOf(inputs: Iterable<readonly ClusteredValue[]>): Generator<ClusterSums> {
  for (const items of inputs) yield sumByCluster(items);
}

/**
 * {@link startClusterBootstrapTogether} from each input's sums ({@link sumByCluster}'s, or
 * {@link ClusterSumsBuilder}'s over turns in canonical order), for a caller that has its turns in
 * that order already and need not make a {@link ClusteredValue} of each.
 *
 * @param inputs - Each input's sums; read now, one at a time, and not kept but in the job.
 * @param options - Resamples and seed, shared by all.
 * @param resampler - Runs the resampling.
 * @returns A function giving one result per input, in order.
 * @throws EvalError for a bad option.
 */
export function startClusterBootstrapOfSums(
  inputs: Iterable<ClusterSums>,
  options: ClusterBootstrapOptions,
  resampler: Resampler,
): () => ClusterBootstrapResult[] {
  const resamples = checkResamples(options.resamples ?? 2000);
  const seed = checkSeed(options.seed ?? 0);
  // Only these scalars wait for the resampling: the sums themselves go with the job.
  const shapes: { mean: number | undefined; clusters: number; n: number }[] = [];
  const drawn: ClusterSums[] = [];
  for (const clusters of inputs) {
    let n = 0;
    for (const count of clusters.counts) n += count;
    shapes.push({ mean: clusters.mean, clusters: clusters.sums.length, n });
    if (n > 0) drawn.push(clusters);
  }
  const resampled = resampler.submit({ inputs: drawn, resamples, seed });
  return () => {
    const means = resampled();
    let next = 0;
    return shapes.map(({ mean, clusters, n }) => {
      if (n === 0) return { mean: undefined, ci95: undefined, n: 0, clusters: 0 };
      const sorted = means[next++]!;
      return {
        mean,
        ci95: expandedInterval(sorted, clusters),
        n,
        clusters,
      };
    });
  };
}

/** One resampling of {@link resampleClusterMeansTogether}: its inputs, resamples and seed. */
export interface ResampleJob {
  /** Cluster sums, each with at least one cluster. */
  inputs: readonly ClusterSums[];
  resamples: number;
  seed: number;
}

/**
 * Runs resampling jobs: each job's result is {@link resampleClusterMeansTogether}'s for it, wherever
 * and whenever it is computed. `submit` may compute the job at once or start it elsewhere; the
 * function it returns gives the result, waiting for it if need be.
 */
export interface Resampler {
  /**
   * Takes a job; the job's inputs are not changed afterwards.
   *
   * @returns A function giving each input's resampled means, sorted ascending, in input order.
   */
  submit(job: ResampleJob): () => Float64Array[];
}

/**
 * The resampler that computes each job here, when it is submitted.
 *
 * @example
 * ```ts
 * const means = inlineResampler.submit({ inputs: [sums], resamples: 2000, seed: 42 })();
 * ```
 */
export const inlineResampler: Resampler = {
  submit(job) {
    const means = resampleClusterMeansTogether(job.inputs, job);
    return () => means;
  },
};

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
  // Canonical order (cluster id, then value) before summing: the clusters' indexes, which the
  // resampling draws, and every floating-point sum are then the same whatever order the items came
  // in, so the same items and seed give bit-identical intervals.
  const ordered = [...items].sort((a, b) =>
    a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : a.value - b.value,
  );
  const builder = new ClusterSumsBuilder();
  for (const { cluster, value } of ordered) builder.add(cluster, value);
  return builder.finish();
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
 * {@link resampleClusterMeans} for several inputs with one seed and one number of resamples:
 * exactly its results, input by input. The draws depend only on the seed and the number of
 * clusters, so inputs with as many clusters share one stream: each draw picks a cluster for all of
 * them, and each input's sums are added in the same order as alone. Their sums (and counts, where
 * a cluster holds several turns) sit side by side in one matrix, one row per cluster, so a draw
 * reads one cache line instead of one per input.
 *
 * @param inputs - Cluster sums, each with at least one cluster.
 * @param options - Resamples and seed, shared by all.
 * @returns Each input's resampled means, sorted ascending, in input order.
 */
export function resampleClusterMeansTogether(
  inputs: readonly ClusterSums[],
  options: { resamples: number; seed: number },
): Float64Array[] {
  const { resamples, seed } = options;
  const results: Float64Array[] = new Array(inputs.length);
  const byClusters = new Map<number, number[]>();
  inputs.forEach((input, index) => {
    // All values equal: nothing to draw (as resampleClusterMeans).
    if (input.minimum === input.maximum) {
      results[index] = new Float64Array(resamples).fill(input.minimum);
      return;
    }
    const group = byClusters.get(input.sums.length);
    if (group === undefined) byClusters.set(input.sums.length, [index]);
    else group.push(index);
  });
  for (const [clusters, group] of byClusters) {
    if (group.length === 1) {
      results[group[0]!] = resampleClusterMeans({ ...inputs[group[0]!]!, resamples, seed });
      continue;
    }
    // Columns: each input's sums, and its counts unless every cluster holds one turn; inputs with
    // the same counts (one metric's rows over the same turns) share one counts column.
    const countColumns: { counts: Float64Array; column: number }[] = [];
    let width = 0;
    const members = group.map((index) => {
      const input = inputs[index]!;
      const sumColumn = width++;
      if (input.counts.every((count) => count === 1)) {
        return { index, input, sumColumn, countColumn: -1 };
      }
      let shared = countColumns.find(({ counts }) => sameValues(counts, input.counts));
      if (shared === undefined) {
        shared = { counts: input.counts, column: width++ };
        countColumns.push(shared);
      }
      return { index, input, sumColumn, countColumn: shared.column };
    });
    const rows = new Float64Array(clusters * width);
    for (let cluster = 0; cluster < clusters; cluster++) {
      for (const member of members) rows[cluster * width + member.sumColumn] = member.input.sums[cluster]!;
      for (const { counts, column } of countColumns) rows[cluster * width + column] = counts[cluster]!;
    }
    const means = members.map(() => new Float64Array(resamples));
    drawMeans(
      { rows, width, clusters, seed },
      {
        sumColumns: Int32Array.from(members, (member) => member.sumColumn),
        countColumns: Int32Array.from(members, (member) => member.countColumn),
        minima: Float64Array.from(members, (member) => member.input.minimum),
        maxima: Float64Array.from(members, (member) => member.input.maximum),
      },
      means,
    );
    members.forEach((member, at) => {
      results[member.index] = means[at]!.sort();
    });
  }
  return results;
}

/**
 * The draws of {@link resampleClusterMeansTogether} for one group of inputs: `means[k][draw]` is
 * input k's clamped mean in resample `draw`. Kept apart, over typed arrays and numbers only, because
 * this loop is the summary's hottest: inside the caller, V8 optimised it with the shapes of the
 * first inputs it saw (their objects, their options), dropped the code when inputs built elsewhere
 * came, and compiled it again, seven times in the default offline run (`node --trace-opt`); here
 * it sees one shape of everything.
 */
function drawMeans(
  matrix: { rows: Float64Array; width: number; clusters: number; seed: number },
  columns: { sumColumns: Int32Array; countColumns: Int32Array; minima: Float64Array; maxima: Float64Array },
  means: readonly Float64Array[],
): void {
  const { rows, width, clusters, seed } = matrix;
  const { sumColumns, countColumns, minima, maxima } = columns;
  const random = new SeededRandom(seed);
  const drawn = new Float64Array(width);
  const resamples = means[0]!.length;
  for (let draw = 0; draw < resamples; draw++) {
    random.sumRowsAtDrawn(rows, width, clusters, drawn);
    for (let member = 0; member < means.length; member++) {
      const countColumn = countColumns[member]!;
      const count = countColumn < 0 ? clusters : drawn[countColumn]!;
      means[member]![draw] = clamp(drawn[sumColumns[member]!]! / count, minima[member]!, maxima[member]!);
    }
  }
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

function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}

/**
 * The 95% interval of sorted resampled means over `clusters` conversations: their percentiles at
 * {@link expandedTailPercent}'s a and 100 − a.
 */
export function expandedInterval(
  sorted: Float64Array,
  clusters: number,
): readonly [low: number, high: number] {
  const tail = expandedTailPercent(clusters);
  return [percentileOfSorted(sorted, tail)!, percentileOfSorted(sorted, 100 - tail)!];
}
