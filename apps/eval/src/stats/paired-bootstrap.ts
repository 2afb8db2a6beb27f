import { EvalError } from '../eval-error.js';
import {
  type ClusterSums,
  checkResamples,
  checkSeed,
  expandedInterval,
  resampleClusterMeansTogether,
  sumByCluster,
} from './cluster-bootstrap.js';
import { expandedTwoSidedP } from './expanded-percentile.js';

/** One turn's score under one strategy. */
export interface PairedItem {
  /** The turn's id, the same under both strategies. */
  id: string;
  /** The conversation it belongs to: the resampling unit. */
  cluster: string;
  /** The per-turn metric, a finite number. Failed and errored turns must carry a score too. */
  value: number;
}

/** Options for {@link pairedBootstrap}. */
export interface PairedBootstrapOptions {
  /** Bootstrap resamples. Default 2000. */
  resamples?: number;
  /** Seed, so the interval and p are reproducible. Default 0. */
  seed?: number;
}

/** A paired comparison of a candidate strategy with a baseline. */
export interface PairedBootstrapResult {
  /** Mean of candidate − baseline over matched turns (turn-weighted); `undefined` with none. */
  meanDifference: number | undefined;
  /** 95% expanded percentile interval of the mean difference, resampled by conversation. */
  ci95: readonly [low: number, high: number] | undefined;
  /**
   * Two-sided bootstrap p-value for "no difference" (see {@link pairedBootstrap});
   * `undefined` with fewer than two conversations, where resampling says nothing about variability.
   */
  p: number | undefined;
  /** Baseline and candidate means over the matched turns. */
  baselineMean: number | undefined;
  candidateMean: number | undefined;
  /** Matched turns. */
  n: number;
  /** Conversations among the matched turns. */
  clusters: number;
  /** Turn ids present under only one strategy, left out of every number above. */
  unmatched: { baselineOnly: string[]; candidateOnly: string[] };
}

/**
 * Compares two strategies on the same turns: per-turn differences (candidate − baseline), their
 * turn-weighted mean, a 95% bootstrap interval resampled by conversation (as in
 * {@link clusterBootstrap}; the two strategies' values stay paired inside each draw), and a
 * two-sided p-value.
 *
 * The interval is the expanded percentile interval ({@link expandedTailPercent}), and the p-value
 * inverts it: with q = min(share of resampled mean differences at or below 0, share at or above 0),
 * so that resampled means of exactly 0 (common with pass/fail and other discrete values) count on
 * both sides, with the usual +1 correction, (count + 1) ÷ (resamples + 1), so that it is never 0
 * (the resolution of B resamples is ~1/B), p is {@link expandedTwoSidedP} of q (2q for many
 * conversations, more for few), capped at 1. It was chosen over the shifted-null bootstrap because
 * it always agrees with the interval reported beside it: p < 0.05 exactly when 0 lies outside the
 * 95% interval (up to the interpolation between two resamples), so a report cannot show
 * "significant" next to an interval that contains 0.
 *
 * Turns are matched by `id`; turns found under only one strategy are listed in `unmatched` rather
 * than silently dropped — a strategy that errors must still yield a scored record.
 *
 * @param baseline - The baseline strategy's turns.
 * @param candidate - The candidate strategy's turns.
 * @param options - Resamples and seed.
 * @returns Difference, interval, p, means and counts.
 * @throws EvalError for a duplicate id, an id filed under two different
 *   conversations, a non-finite value or a bad option.
 *
 * @example
 * ```ts
 * const comparison = pairedBootstrap(baselineTurns, candidateTurns, { seed: 7 });
 * if (comparison.unmatched.candidateOnly.length > 0) warn('candidate scored turns the baseline lacks');
 * ```
 */
export function pairedBootstrap(
  baseline: readonly PairedItem[],
  candidate: readonly PairedItem[],
  options: PairedBootstrapOptions = {},
): PairedBootstrapResult {
  return pairedBootstrapTogether(baseline, [candidate], options)[0]!;
}

/**
 * {@link pairedBootstrap} of several candidates against one baseline, with one seed and one
 * number of resamples: the same results, field for field and bit for bit, as one call per
 * candidate. Candidates with as many matched conversations (the usual case: every strategy of a
 * run answers the same turns) are resampled from one stream of draws
 * (`resampleClusterMeansTogether`).
 *
 * @param baseline - The baseline strategy's turns.
 * @param candidates - Each candidate strategy's turns.
 * @param options - Resamples and seed, shared by all.
 * @returns One result per candidate, in order.
 * @throws EvalError as {@link pairedBootstrap}, for the first candidate at fault.
 *
 * @example
 * ```ts
 * const [lexical, trained] = pairedBootstrapTogether(baselineTurns, [lexicalTurns, trainedTurns], { seed: 7 });
 * ```
 */
export function pairedBootstrapTogether(
  baseline: readonly PairedItem[],
  candidates: readonly (readonly PairedItem[])[],
  options: PairedBootstrapOptions = {},
): PairedBootstrapResult[] {
  const resamples = checkResamples(options.resamples ?? 2000);
  const seed = checkSeed(options.seed ?? 0);
  return pairedBootstrapOfTurns(
    pairedTurnsOf(baseline, 'baseline'),
    candidates.map((candidate) => () => pairedTurnsOf(candidate, 'candidate')),
    { resamples, seed },
  );
}

/**
 * One strategy's turns for a paired comparison, in columns sorted by turn id (code-point order),
 * each id once: what {@link pairedBootstrapTogether} matches by. A caller with many turns builds it
 * without an object per turn (`compare-strategies` does, from a run's items).
 */
export interface PairedTurns {
  /** Turn ids, ascending, distinct. */
  ids: readonly string[];
  /** Each turn's conversation, at its id's index. */
  clusters: readonly string[];
  /** Each turn's value, at its id's index. */
  values: Float64Array;
}

/**
 * {@link pairedBootstrapTogether} from turns already in {@link PairedTurns} columns: the same
 * results, bit for bit.
 *
 * @param baseline - The baseline's turns.
 * @param candidates - Each candidate's turns, or a function giving them when that candidate's turn
 *   comes (so only one candidate's columns need exist at a time, and errors come candidate by
 *   candidate).
 * @param options - Resamples and seed.
 * @returns One result per candidate, in order.
 * @throws EvalError `invalid-input` for a turn filed under two different conversations or a
 *   non-finite value; `usage` for a bad option or columns whose ids are not ascending and distinct
 *   (they would pair nothing, silently).
 */
export function pairedBootstrapOfTurns(
  baseline: PairedTurns,
  candidates: readonly (PairedTurns | (() => PairedTurns))[],
  options: PairedBootstrapOptions = {},
): PairedBootstrapResult[] {
  const resamples = checkResamples(options.resamples ?? 2000);
  const seed = checkSeed(options.seed ?? 0);
  checkIdOrder(baseline, 'baseline');
  const pairs = candidates.map((candidate) => {
    const turns = typeof candidate === 'function' ? candidate() : candidate;
    checkIdOrder(turns, 'candidate');
    return pairUp(baseline, turns);
  });
  const resampled = pairs.filter((pair) => pair.n > 0);
  const means = resampleClusterMeansTogether(
    resampled.map((pair) => pair.clusters),
    { resamples, seed },
  );
  let next = 0;
  return pairs.map(({ clusters, n, baselineTotal, candidateTotal, unmatched }) => {
    if (n === 0) {
      return {
        meanDifference: undefined,
        ci95: undefined,
        p: undefined,
        baselineMean: undefined,
        candidateMean: undefined,
        n: 0,
        clusters: 0,
        unmatched,
      };
    }
    const sorted = means[next++]!;
    return {
      meanDifference: clusters.mean,
      ci95: expandedInterval(sorted, clusters.sums.length),
      p: clusters.sums.length < 2 ? undefined : twoSidedP(sorted, clusters.sums.length),
      baselineMean: baselineTotal / n,
      candidateMean: candidateTotal / n,
      n,
      clusters: clusters.sums.length,
      unmatched,
    };
  });
}

/**
 * A candidate's turns matched with the baseline's: the differences' cluster sums and the totals.
 * Both sides are sorted by id, so this is one merge of the two, and the totals are summed in id
 * order: the means do not depend on the items' order.
 */
function pairUp(
  baseline: PairedTurns,
  candidate: PairedTurns,
): {
  clusters: ClusterSums;
  n: number;
  baselineTotal: number;
  candidateTotal: number;
  unmatched: PairedBootstrapResult['unmatched'];
} {
  const differences: { cluster: string; value: number }[] = [];
  const baselineOnly: string[] = [];
  const candidateOnly: string[] = [];
  let baselineTotal = 0;
  let candidateTotal = 0;
  let at = 0;
  for (let index = 0; index < candidate.ids.length; index++) {
    const id = candidate.ids[index]!;
    while (at < baseline.ids.length && baseline.ids[at]! < id) baselineOnly.push(baseline.ids[at++]!);
    if (at === baseline.ids.length || baseline.ids[at] !== id) {
      candidateOnly.push(id);
      continue;
    }
    const cluster = candidate.clusters[index]!;
    if (baseline.clusters[at] !== cluster) {
      throw new EvalError(
        'invalid-input',
        `pairedBootstrap: turn "${id}" belongs to "${baseline.clusters[at]}" in the baseline but to "${cluster}" in the candidate.`,
      );
    }
    const baselineValue = baseline.values[at++]!;
    const candidateValue = candidate.values[index]!;
    differences.push({ cluster, value: candidateValue - baselineValue });
    baselineTotal += baselineValue;
    candidateTotal += candidateValue;
  }
  while (at < baseline.ids.length) baselineOnly.push(baseline.ids[at++]!);
  return {
    clusters: sumByCluster(differences),
    n: differences.length,
    baselineTotal,
    candidateTotal,
    unmatched: { baselineOnly, candidateOnly },
  };
}

function checkIdOrder(turns: PairedTurns, side: string): void {
  for (let index = 1; index < turns.ids.length; index++) {
    if (!(turns.ids[index - 1]! < turns.ids[index]!)) {
      throw new EvalError(
        'usage',
        `pairedBootstrap: the ${side}'s turn ids must be ascending and distinct ("${turns.ids[index - 1]}" before "${turns.ids[index]}").`,
      );
    }
  }
}

/**
 * Turns as {@link PairedTurns}.
 *
 * @throws EvalError for an id that appears twice.
 */
function pairedTurnsOf(items: readonly PairedItem[], side: string): PairedTurns {
  const ordered = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let index = 1; index < ordered.length; index++) {
    if (ordered[index]!.id === ordered[index - 1]!.id) {
      throw new EvalError(
        'invalid-input',
        `pairedBootstrap: turn "${ordered[index]!.id}" appears twice in the ${side}.`,
      );
    }
  }
  return {
    ids: ordered.map((item) => item.id),
    clusters: ordered.map((item) => item.cluster),
    values: Float64Array.from(ordered, (item) => item.value),
  };
}

/** p from the sorted bootstrap distribution of the mean difference (see {@link pairedBootstrap}). */
function twoSidedP(sortedMeans: Float64Array, clusters: number): number {
  let below = 0;
  let zeros = 0;
  for (const mean of sortedMeans) {
    if (mean < 0) below += 1;
    else if (mean === 0) zeros += 1;
    else break;
  }
  const above = sortedMeans.length - below - zeros;
  // A mean of exactly 0 is on either side: with them on the smaller side, p < 0.05 only when
  // fewer than the interval's tail share of the means are at or beyond 0, which is when the
  // interval leaves 0 out.
  const smaller = Math.min(below, above) + zeros;
  return expandedTwoSidedP(Math.min(1, (smaller + 1) / (sortedMeans.length + 1)), clusters);
}
