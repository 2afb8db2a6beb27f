import { EvalError } from '../eval-error.js';
import { chiSquareSurvival } from './chi-square-survival.js';

/** The 2×2 table of paired pass/fail outcomes. */
export interface PairedOutcomeTable {
  /** Both strategies passed. */
  bothPass: number;
  /** b: the baseline passed, the candidate failed. */
  baselineOnly: number;
  /** c: the baseline failed, the candidate passed. */
  candidateOnly: number;
  /** Both failed. */
  bothFail: number;
}

/** One conversation's share of a {@link PairedOutcomeTable}. */
export interface ClusterOutcomeCounts {
  /** Paired turns of the conversation. */
  pairs: number;
  /** Of them, baseline passed and candidate failed. */
  b: number;
  /** Of them, baseline failed and candidate passed. */
  c: number;
}

/** Options for {@link mcnemar}. */
export interface McNemarOptions {
  /**
   * `'auto'` (default): exact when b + c < 25, else chi-square with continuity correction;
   * `'exact'` or `'chi-square'` to force one. Ignored when `clusters` shows clustering.
   */
  method?: 'auto' | 'exact' | 'chi-square';
  /**
   * The table split by conversation, when the pairs are turns of conversations. When a
   * conversation holds more than one pair, the pairs are not independent: the statistic is divided
   * by the design effect and the interval widened by its square root (see {@link mcnemar}).
   */
  clusters?: readonly ClusterOutcomeCounts[];
}

/** McNemar's test with the difference in pass rates and its interval. */
export interface McNemarResult {
  /** Baseline passed, candidate failed. */
  b: number;
  /** Baseline failed, candidate passed. */
  c: number;
  /** Pairs. */
  n: number;
  /** The continuity-corrected statistic max(0, |b − c| − 1)² ÷ (b + c), reported for both methods; 0 when b + c = 0. */
  statistic: number;
  /** Two-sided p-value for "both strategies pass equally often". */
  p: number;
  /** How `p` was computed. */
  method: 'exact' | 'chi-square-corrected' | 'chi-square-clustered';
  /**
   * With `clusters`: the variance of the difference with conversations as the unit over its
   * variance with independent pairs (≥ 1), by which the statistic was divided; 1 without clustering.
   */
  designEffect: number;
  /** Candidate pass rate − baseline pass rate, (c − b) ÷ n; `undefined` with no pairs. */
  difference: number | undefined;
  /** 95% Newcombe interval of `difference` (see {@link mcnemar}); `undefined` with no pairs. */
  ci95: readonly [low: number, high: number] | undefined;
}

// Φ⁻¹(0.975).
const z95 = 1.959963984540054;

/**
 * McNemar's test for paired pass/fail outcomes of a baseline and a candidate on the same items:
 * only the discordant pairs b (baseline passed, candidate failed) and c (the reverse) carry
 * evidence. Under "no difference" b ~ Binomial(b + c, ½).
 *
 * - Exact (used when b + c < 25, the usual rule): p = min(1, 2·P(X ≤ min(b, c))),
 *   X ~ Binomial(b + c, ½); computed in log space, so it works for any size.
 * - Otherwise chi-square with Edwards' continuity correction, max(0, |b − c| − 1)² ÷ (b + c), on one
 *   degree of freedom (as R's `mcnemar.test`).
 * - With `clusters` in which a conversation holds several pairs: the same statistic divided by the
 *   design effect D (Rao & Scott's first-order correction; Obuchowski 1998's cluster variance of
 *   the difference, G/(G − 1)·Σ(d_g − m_g·d)² ÷ n², over McNemar's (b + c − (b − c)²/n) ÷ n²), on
 *   one degree of freedom, and Newcombe's limits moved √D further from the difference. With a
 *   single such conversation nothing is known of the variation between conversations: p = 1 and
 *   the interval is [−1, 1].
 *
 * The difference in pass rates comes with Newcombe's (1998) square-and-add interval for paired
 * proportions (his method 10: Wilson score limits of each pass rate combined with the estimated
 * correlation, continuity-adjusted as Newcombe and Fagerland et al. 2014 do). Unlike the Wald
 * interval it stays within [−1, 1] and keeps its coverage near 0 and ±1 and at small n.
 *
 * Each pair must be independent of the others unless `clusters` says how they group: turns of
 * one conversation are not independent, and without `clusters` p and the interval are too
 * optimistic for them.
 *
 * @param table - The 2×2 counts; see {@link pairOutcomes} to build it from matched items.
 * @param options - Method choice.
 * @returns Counts, statistic, p, method, the difference and its interval.
 * @throws EvalError when a count is not a non-negative integer.
 *
 * @example
 * ```ts
 * mcnemar({ bothPass: 50, baselineOnly: 10, candidateOnly: 2, bothFail: 38 }).p; // exact: 0.0386
 * ```
 */
export function mcnemar(table: PairedOutcomeTable, options: McNemarOptions = {}): McNemarResult {
  for (const name of ['bothPass', 'baselineOnly', 'candidateOnly', 'bothFail'] as const) {
    const count = table[name];
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new EvalError('invalid-input', `mcnemar: ${name} must be a non-negative integer, got ${count}.`);
    }
  }
  const { bothPass, baselineOnly: b, candidateOnly: c, bothFail } = table;
  const n = bothPass + b + c + bothFail;
  const discordant = b + c;
  const statistic = discordant === 0 ? 0 : Math.max(0, Math.abs(b - c) - 1) ** 2 / discordant;
  const difference = n === 0 ? undefined : (c - b) / n;
  const designEffect = clusterDesignEffect(options.clusters, { b, c, n });
  if (designEffect !== undefined) {
    const interval = newcombeInterval({ bothPass, b, c, bothFail, n });
    const widen = Math.sqrt(designEffect);
    const single = !Number.isFinite(designEffect);
    return {
      b,
      c,
      n,
      statistic,
      p: single ? 1 : chiSquareSurvival(statistic / designEffect),
      method: 'chi-square-clustered',
      designEffect,
      difference,
      ci95: single
        ? [-1, 1]
        : [
            Math.max(-1, difference! - (difference! - interval[0]) * widen),
            Math.min(1, difference! + (interval[1] - difference!) * widen),
          ],
    };
  }
  const requested = options.method ?? 'auto';
  const exact = requested === 'exact' || (requested === 'auto' && discordant < 25);
  const p = exact ? exactTwoSided(Math.min(b, c), discordant) : chiSquareSurvival(statistic);
  const interval = n === 0 ? undefined : newcombeInterval({ bothPass, b, c, bothFail, n });
  return {
    b,
    c,
    n,
    statistic,
    p,
    method: exact ? 'exact' : 'chi-square-corrected',
    designEffect: 1,
    difference,
    ci95: interval,
  };
}

/**
 * The design effect of the difference in pass rates, `undefined` when the pairs are independent
 * (no clusters given, none with more than one pair, or nothing discordant to vary); `Infinity`
 * for a single conversation of several pairs.
 *
 * @throws EvalError when the clusters' counts do not add up to the table's.
 */
function clusterDesignEffect(
  clusters: readonly ClusterOutcomeCounts[] | undefined,
  table: { b: number; c: number; n: number },
): number | undefined {
  if (clusters === undefined) return undefined;
  let pairs = 0;
  let b = 0;
  let c = 0;
  for (const cluster of clusters) {
    pairs += cluster.pairs;
    b += cluster.b;
    c += cluster.c;
  }
  if (pairs !== table.n || b !== table.b || c !== table.c) {
    throw new EvalError(
      'invalid-input',
      `mcnemar: the clusters hold ${pairs} pairs (b ${b}, c ${c}), the table ${table.n} (b ${table.b}, c ${table.c}).`,
    );
  }
  const { n } = table;
  if (n === 0 || b + c === 0 || clusters.every((cluster) => cluster.pairs <= 1)) return undefined;
  if (clusters.length < 2) return Number.POSITIVE_INFINITY;
  const difference = (c - b) / n;
  // Both variances without their common factor 1/n².
  const independent = b + c - ((b - c) * (b - c)) / n;
  if (!(independent > 0)) return undefined;
  let squares = 0;
  for (const cluster of clusters) {
    const deviation = cluster.c - cluster.b - cluster.pairs * difference;
    squares += deviation * deviation;
  }
  const clustered = (clusters.length / (clusters.length - 1)) * squares;
  return Math.max(1, clustered / independent);
}

/** One item's outcome under one strategy. */
export interface PassFailItem {
  /** The item's id, the same under both strategies. */
  id: string;
  passed: boolean;
}

/**
 * Matches two strategies' pass/fail outcomes by item id into a {@link PairedOutcomeTable}. Items
 * found under only one strategy are reported in `unmatched`, not silently dropped.
 *
 * (Matching by id also happens in {@link pairedBootstrap}; two uses, so not yet shared.)
 *
 * @param baseline - The baseline's outcomes.
 * @param candidate - The candidate's outcomes.
 * @returns The table and the unmatched ids.
 * @throws EvalError for an id that appears twice on one side.
 */
export function pairOutcomes(
  baseline: readonly PassFailItem[],
  candidate: readonly PassFailItem[],
): { table: PairedOutcomeTable; unmatched: { baselineOnly: string[]; candidateOnly: string[] } } {
  const baselineById = new Map<string, boolean>();
  for (const item of baseline) {
    if (baselineById.has(item.id)) {
      throw new EvalError('invalid-input', `pairOutcomes: item "${item.id}" appears twice in the baseline.`);
    }
    baselineById.set(item.id, item.passed);
  }
  const table: PairedOutcomeTable = { bothPass: 0, baselineOnly: 0, candidateOnly: 0, bothFail: 0 };
  const seen = new Set<string>();
  const candidateOnly: string[] = [];
  for (const item of candidate) {
    if (seen.has(item.id)) {
      throw new EvalError('invalid-input', `pairOutcomes: item "${item.id}" appears twice in the candidate.`);
    }
    seen.add(item.id);
    const baselinePassed = baselineById.get(item.id);
    if (baselinePassed === undefined) candidateOnly.push(item.id);
    else if (baselinePassed && item.passed) table.bothPass += 1;
    else if (baselinePassed) table.baselineOnly += 1;
    else if (item.passed) table.candidateOnly += 1;
    else table.bothFail += 1;
  }
  const baselineOnly = baseline.filter((item) => !seen.has(item.id)).map((item) => item.id);
  return { table, unmatched: { baselineOnly, candidateOnly } };
}

/** 2·P(X ≤ k) for X ~ Binomial(n, ½), capped at 1. Terms are summed in log space to avoid underflow. */
function exactTwoSided(k: number, n: number): number {
  if (n === 0) return 1;
  // log C(n, 0)·2⁻ⁿ, then C(n, i) = C(n, i − 1)·(n − i + 1)/i.
  let logTerm = -n * Math.LN2;
  let logSum = logTerm;
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log((n - i + 1) / i);
    const larger = Math.max(logSum, logTerm);
    logSum = larger + Math.log(Math.exp(logSum - larger) + Math.exp(logTerm - larger));
  }
  return Math.min(1, 2 * Math.exp(logSum));
}

function wilson(successes: number, n: number): [number, number] {
  const proportion = successes / n;
  const zSquared = z95 * z95;
  const denominator = 1 + zSquared / n;
  const centre = (proportion + zSquared / (2 * n)) / denominator;
  const halfWidth =
    (z95 * Math.sqrt((proportion * (1 - proportion)) / n + zSquared / (4 * n * n))) / denominator;
  return [Math.max(0, centre - halfWidth), Math.min(1, centre + halfWidth)];
}

/** Newcombe's square-and-add interval for p_candidate − p_baseline from paired data. */
function newcombeInterval(counts: {
  bothPass: number;
  b: number;
  c: number;
  bothFail: number;
  n: number;
}): [number, number] {
  const { bothPass, b, c, bothFail, n } = counts;
  const candidatePasses = bothPass + c;
  const baselinePasses = bothPass + b;
  const candidateRate = candidatePasses / n;
  const baselineRate = baselinePasses / n;
  const difference = candidateRate - baselineRate;
  const [candidateLow, candidateHigh] = wilson(candidatePasses, n);
  const [baselineLow, baselineHigh] = wilson(baselinePasses, n);

  // Correlation between the two rates, with Newcombe's continuity adjustment of a·d − b·c.
  let phi = 0;
  const marginProduct = candidatePasses * (n - candidatePasses) * baselinePasses * (n - baselinePasses);
  if (marginProduct > 0) {
    const crossDifference = bothPass * bothFail - b * c;
    const adjusted = crossDifference > n / 2 ? crossDifference - n / 2 : Math.min(0, crossDifference);
    phi = adjusted / Math.sqrt(marginProduct);
  }
  const lowerCandidate = candidateRate - candidateLow;
  const upperBaseline = baselineHigh - baselineRate;
  const upperCandidate = candidateHigh - candidateRate;
  const lowerBaseline = baselineRate - baselineLow;
  const low =
    difference -
    Math.sqrt(
      Math.max(0, lowerCandidate ** 2 - 2 * phi * lowerCandidate * upperBaseline + upperBaseline ** 2),
    );
  const high =
    difference +
    Math.sqrt(
      Math.max(0, upperCandidate ** 2 - 2 * phi * upperCandidate * lowerBaseline + lowerBaseline ** 2),
    );
  return [Math.max(-1, low), Math.min(1, high)];
}
