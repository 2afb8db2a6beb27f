import type { ItemResult } from '../item-result.js';
import type { Comparison } from '../run-summary.js';
import { type ClusterOutcomeCounts, mcnemar, type PassFailItem, pairOutcomes } from '../stats/mcnemar.js';
import {
  type PairedBootstrapResult,
  type PairedTurns,
  pairedBootstrapOfTurns,
  pairedBootstrapTogether,
} from '../stats/paired-bootstrap.js';
import { purposeSeed } from '../stats/purpose-seed.js';
import { customScoreValue, isCustomScoreName, itemMetricValue } from './item-metric-value.js';
import { scoreNamesOf } from './packed-items.js';
import { type SummaryMetricName, summaryMetricNames, summaryMetrics } from './summary-metrics.js';
import { compareText, turnUnits } from './turn-units.js';

/** Options of {@link compareStrategies}. */
export interface CompareStrategiesOptions {
  /** The strategy every other one is compared with. */
  baseline: string;
  /** Seed of the paired bootstrap, so intervals and p are reproducible. */
  seed: number;
  /** Bootstrap resamples. */
  resamples: number;
  /** Candidates in report order; default every other strategy in the items, in order of appearance. */
  candidates?: readonly string[];
  /**
   * Whether higher is better, per pluggable scorer (default true). Every numeric custom score in
   * the items is compared like a built-in metric, after them, by name.
   */
  customDirections?: Readonly<Record<string, boolean>>;
}

/**
 * Compares each candidate with the baseline on the same turns. A turn is paired by `itemId` (its
 * repeats folded into one unit), and only when both strategies have it in the metric's
 * denominator. Items are put in canonical order and each metric draws its own seeded stream, so
 * the result does not depend on the items' order or on which other strategies ran. Then:
 *
 * - answer quality, fallback, escalation, cleanup and routing: the paired bootstrap of the mean
 *   difference (candidate − baseline), resampled by conversation; `n` counts conversations. The
 *   difference is turn-weighted, like the strategies' own means, so that with the same turns it
 *   equals the difference of the means shown beside it.
 * - pass rate: McNemar's test on the paired turns with Newcombe's interval; `n` counts turns. The
 *   conversation stays the unit: when one holds several paired turns, the statistic is divided by
 *   the design effect of the conversations and the interval widened by its square root (see
 *   {@link mcnemar}); with one turn per conversation it is the exact test below 25 discordant pairs.
 * - every pluggable scorer's numeric score (`metrics.custom`): the paired bootstrap, after the
 *   built-in metrics, by name; higher is better unless `customDirections` says otherwise.
 *
 * @param items - Every strategy's items (all repeats).
 * @param options - Baseline, candidates, seed and resamples.
 * @returns One comparison per candidate and metric, candidates in order, metrics in
 *   {@link summaryMetricNames} order, then the custom scores by name; difference, interval and p are `null` with nothing paired.
 *
 * @example
 * ```ts
 * const comparisons = compareStrategies(items, { baseline: 'route-lexical', seed: 42, resamples: 2000 });
 * comparisons.find((comparison) => comparison.metric === 'answerQuality'); // { diff: 0.031, ci95: […], p: 0.04, … }
 * ```
 */
export function compareStrategies(
  items: readonly ItemResult[],
  options: CompareStrategiesOptions,
): Comparison[] {
  const byStrategy = new Map<string, ItemResult[]>();
  for (const item of items) {
    const list = byStrategy.get(item.strategy);
    if (list === undefined) byStrategy.set(item.strategy, [item]);
    else list.push(item);
  }
  const baselineItems = byStrategy.get(options.baseline) ?? [];
  const candidates = options.candidates ?? [...byStrategy.keys()].filter((name) => name !== options.baseline);
  const customNames = customMetricNames(items);
  const compared = candidates.filter((candidate) => candidate !== options.baseline);
  const candidateItems = compared.map((candidate) => byStrategy.get(candidate) ?? []);
  // Each side's items in id order once, for every metric's pairing (see pairedTurnsOf).
  const sides: Sides = { baseline: byTurnId(baselineItems), candidates: candidateItems.map(byTurnId) };
  // Metric by metric across the candidates, so one metric's paired bootstraps share their draws
  // (the seed is the metric's); then listed candidate by candidate, as before.
  const byCandidate = compared.map(() => [] as Comparison[]);
  const add = (metric: string, results: readonly ComparisonResult[]) =>
    results.forEach((result, index) => {
      byCandidate[index]!.push({
        baseline: options.baseline,
        candidate: compared[index]!,
        metric,
        ...result,
      });
    });
  for (const metric of summaryMetricNames) {
    if (!summaryMetrics[metric].compared) continue;
    add(
      metric,
      metric === 'passRate'
        ? candidateItems.map((list) => compareWithMcNemar(baselineItems, list))
        : compareWithBootstrap(metric, sides, options),
    );
  }
  for (const metric of customNames) {
    add(
      metric,
      compareCustom(metric, sides, {
        ...options,
        higherIsBetter: options.customDirections?.[metric] ?? true,
      }),
    );
  }
  return byCandidate.flat();
}

/** The pluggable scorers' names with a numeric value on some item, sorted. */
export function customMetricNames(items: readonly ItemResult[]): string[] {
  const names = new Set<string>();
  for (const item of items) {
    for (const name of scoreNamesOf(item)) {
      if (isCustomScoreName(name) && customScoreValue(item, name) !== null) names.add(name);
    }
  }
  return [...names].sort();
}

function compareCustom(
  metric: string,
  sides: Sides,
  options: { seed: number; resamples: number; higherIsBetter: boolean },
): ComparisonResult[] {
  return pairedComparisons(sides, (item) => customScoreValue(item, metric), {
    seed: purposeSeed(options.seed, `paired:custom:${metric}`),
    resamples: options.resamples,
  }).map((result) => bootstrapComparison(result, options.higherIsBetter));
}

type ComparisonResult = Omit<Comparison, 'baseline' | 'candidate' | 'metric'>;

function compareWithBootstrap(
  metric: SummaryMetricName,
  sides: Sides,
  options: { seed: number; resamples: number },
): ComparisonResult[] {
  return pairedComparisons(sides, (item) => itemMetricValue(item, metric), {
    seed: purposeSeed(options.seed, `paired:${metric}`),
    resamples: options.resamples,
  }).map((result) => bootstrapComparison(result, summaryMetrics[metric].higherIsBetter));
}

/**
 * The baseline's and the candidates' items, each with its items sorted by turn id when no id
 * appears twice (`byId`; a run without repeats), which every metric's pairing reads.
 */
interface Sides {
  baseline: Side;
  candidates: readonly Side[];
}

interface Side {
  items: readonly ItemResult[];
  /** The items in turn-id order, when each id appears once. */
  byId?: readonly ItemResult[];
}

function byTurnId(items: readonly ItemResult[]): Side {
  const byId = [...items].sort((a, b) => compareText(a.itemId, b.itemId));
  for (let index = 1; index < byId.length; index++) {
    if (byId[index]!.itemId === byId[index - 1]!.itemId) return { items };
  }
  return { items, byId };
}

/**
 * The paired bootstrap of each candidate against the baseline for one metric. One unit per turn
 * (repeats folded into their mean, by {@link turnUnits}), so repeats never pass for extra
 * evidence; without repeats a turn is its item, and its columns are read straight from the items in
 * id order: the same turns and the same results, without an object per turn and metric.
 */
function pairedComparisons(
  sides: Sides,
  value: (item: ItemResult) => number | null,
  options: { seed: number; resamples: number },
): PairedBootstrapResult[] {
  const { baseline, candidates } = sides;
  if (baseline.byId === undefined || candidates.some((side) => side.byId === undefined)) {
    const units = (side: Side) => turnUnits(side.items, value);
    return pairedBootstrapTogether(units(baseline), candidates.map(units), options);
  }
  return pairedBootstrapOfTurns(
    pairedTurnsOf(baseline.byId, value),
    candidates.map((side) => () => pairedTurnsOf(side.byId!, value)),
    options,
  );
}

/** The turns with a value, from items in turn-id order, each id once. */
function pairedTurnsOf(byId: readonly ItemResult[], value: (item: ItemResult) => number | null): PairedTurns {
  const ids: string[] = [];
  const clusters: string[] = [];
  const values: number[] = [];
  for (const item of byId) {
    const itemValue = value(item);
    if (itemValue === null) continue;
    ids.push(item.itemId);
    clusters.push(item.conversationId);
    values.push(itemValue);
  }
  return { ids, clusters, values: Float64Array.from(values) };
}

function bootstrapComparison(result: PairedBootstrapResult, higherIsBetter: boolean): ComparisonResult {
  return {
    diff: result.meanDifference ?? null,
    ci95: result.ci95 === undefined ? null : [result.ci95[0], result.ci95[1]],
    p: result.p ?? null,
    method: 'paired-bootstrap',
    n: result.clusters,
    higherIsBetter,
  };
}

function compareWithMcNemar(
  baselineItems: readonly ItemResult[],
  candidateItems: readonly ItemResult[],
): ComparisonResult {
  // One pass/fail per turn: with repeats, a turn passes when it passed in more than half of them.
  const outcomes = (list: readonly ItemResult[]): (PassFailItem & { cluster: string })[] =>
    turnUnits(list, (item) => itemMetricValue(item, 'passRate')).map((unit) => ({
      id: unit.id,
      cluster: unit.cluster,
      passed: unit.value > 0.5,
    }));
  const baselineOutcomes = outcomes(baselineItems);
  const candidateOutcomes = outcomes(candidateItems);
  const { table } = pairOutcomes(baselineOutcomes, candidateOutcomes);
  const result = mcnemar(table, { clusters: clusterCounts(baselineOutcomes, candidateOutcomes) });
  const paired = result.n > 0;
  return {
    diff: result.difference ?? null,
    ci95: result.ci95 === undefined ? null : [result.ci95[0], result.ci95[1]],
    // With no pairs there is no test, whatever p the formula gives for an empty table.
    p: paired ? result.p : null,
    method: 'mcnemar',
    n: result.n,
    higherIsBetter: summaryMetrics.passRate.higherIsBetter,
    counts: { ...table },
  };
}

/** The paired turns' discordant counts by conversation (the baseline's), in conversation order. */
function clusterCounts(
  baseline: readonly (PassFailItem & { cluster: string })[],
  candidate: readonly PassFailItem[],
): ClusterOutcomeCounts[] {
  const baselineById = new Map(baseline.map((outcome) => [outcome.id, outcome]));
  const byCluster = new Map<string, ClusterOutcomeCounts>();
  for (const outcome of candidate) {
    const paired = baselineById.get(outcome.id);
    if (paired === undefined) continue;
    let counts = byCluster.get(paired.cluster);
    if (counts === undefined) {
      counts = { pairs: 0, b: 0, c: 0 };
      byCluster.set(paired.cluster, counts);
    }
    counts.pairs += 1;
    if (paired.passed && !outcome.passed) counts.b += 1;
    else if (!paired.passed && outcome.passed) counts.c += 1;
  }
  return [...byCluster.keys()].sort(compareText).map((cluster) => byCluster.get(cluster)!);
}
