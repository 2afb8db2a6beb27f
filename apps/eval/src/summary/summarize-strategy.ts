import type { FallbackRung } from '@baton/core';
import { EvalError } from '../eval-error.js';
import type { ItemResult } from '../item-result.js';
import type { MetricEstimate, StrategyMetrics, StrategySummary } from '../run-summary.js';
import {
  inlineResampler,
  type Resampler,
  startClusterBootstrapOfSums,
  sumByCluster,
} from '../stats/cluster-bootstrap.js';
import { passHatK, type RepeatedOutcomes } from '../stats/pass-hat-k.js';
import { percentile } from '../stats/percentile.js';
import { purposeSeed } from '../stats/purpose-seed.js';
import {
  customScoreValue,
  fallbackRungs,
  isCustomScoreName,
  isDelegationAttempted,
  isDelegationFailed,
  itemMetricValue,
  itemNeedsCleanup,
  ranFallbackRung,
} from './item-metric-value.js';
import { scoreNamesOf } from './packed-items.js';
import { type SummaryMetricName, summaryMetricNames } from './summary-metrics.js';
import { compareText, singleRepeatClusterSums, turnUnits } from './turn-units.js';

/** Options of {@link summarizeStrategy}. */
export interface SummarizeStrategyOptions {
  /** Seed of the bootstrap, so intervals are reproducible. */
  seed: number;
  /** Bootstrap resamples (2000 is the usual choice). */
  resamples: number;
  /** Repeats the run was made with (`--repeat k`); pass^k is reported when it is above 1. */
  repeat: number;
  /** The strategy's name; defaults to the items' `strategy`, needed when there are no items. */
  name?: string;
  /** A one-line description for the reports. Default empty. */
  description?: string;
  /** What the row is: a strategy (default), a floor probe, or the recorded bot. */
  role?: StrategySummary['role'];
}

/**
 * Summarises one strategy's replayed turns into the metrics of METRICS.md: each rate's mean over
 * its own denominator (see {@link itemMetricValue}) with a 95% bootstrap interval resampled by
 * conversation (with repeats, every repeat of a turn stays in its conversation's cluster), the
 * share of attempted turns each fallback rung ran in, p50/p95 of latency, tokens and cost over all
 * turns, pass^k when the run was repeated, and the same estimate for every pluggable scorer's
 * numeric score under `metrics.custom`.
 *
 * @param items - One strategy's items (every repeat), in any order.
 * @param options - Bootstrap seed and resamples, the run's repeat count, name and description.
 * @returns The strategy's summary; means are `null` (never NaN) when a denominator is empty.
 * @throws EvalError `usage` when the items belong to several strategies or there is no name,
 *   `invalid-input` when a (turn, repeat) appears twice or a repeat number is out of range.
 *
 * @example
 * ```ts
 * const summary = summarizeStrategy(items.filter((item) => item.strategy === 'route-trained'), {
 *   seed: 42,
 *   resamples: 2000,
 *   repeat: 1,
 * });
 * summary.metrics.answerQuality; // { mean: 0.71, ci95: [0.66, 0.76], n: 480 }
 * ```
 */
export function summarizeStrategy(
  items: readonly ItemResult[],
  options: SummarizeStrategyOptions,
): StrategySummary {
  return summarizeStrategies([{ items, options }])[0]!;
}

/** One row of {@link summarizeStrategies}: a strategy's items and its options. */
export interface StrategyRowInput {
  items: readonly ItemResult[];
  options: SummarizeStrategyOptions;
}

/**
 * {@link summarizeStrategy} for several strategies at once: the same summaries, field for field
 * and bit for bit, computed metric by metric across the rows. A metric's interval seed is the
 * metric's, not the strategy's, and every row of a run answers the same turns, so the rows'
 * bootstraps of one metric share their draws (`clusterBootstrapTogether`): a run's summary
 * resamples once per metric instead of once per metric and row.
 *
 * Every metric's sums are taken before any interval is read, so a resampler that works elsewhere
 * (`createParallelResampler`) resamples some metrics while this thread does others.
 *
 * @param rows - Each strategy's items (every repeat, any order) and options.
 * @param resampler - Runs the bootstraps' resampling (default: here, metric by metric).
 * @returns One summary per row, in order.
 * @throws EvalError as {@link summarizeStrategy}, for the first row at fault.
 *
 * @example
 * ```ts
 * const [solo, echo] = summarizeStrategies([
 *   { items: soloItems, options: { seed: 42, resamples: 2000, repeat: 1 } },
 *   { items: echoItems, options: { seed: 42, resamples: 2000, repeat: 1, role: 'probe' } },
 * ]);
 * ```
 */
export function summarizeStrategies(
  rows: readonly StrategyRowInput[],
  resampler: Resampler = inlineResampler,
): StrategySummary[] {
  const prepared = rows.map(({ items, options }) => {
    const name = options.name ?? items[0]?.strategy;
    if (name === undefined) {
      throw new EvalError('usage', 'summarizeStrategy: no items and no strategy name to summarise.');
    }
    checkItems(items, name, options.repeat);
    // Canonical order first (conversation, turn, repeat): every number below is then the same
    // whatever order items.jsonl was written in.
    const sorted = [...items].sort(
      (a, b) =>
        compareText(a.conversationId, b.conversationId) || a.turnIndex - b.turnIndex || a.repeat - b.repeat,
    );
    return { name, items: sorted, options };
  });
  // Metric by metric across the rows: one metric's units are alive at a time, and its sums until
  // its resampling is done (at once, with the inline resampler).
  const estimates = (metric: SummaryMetricName): (() => MetricEstimate[]) =>
    startEstimateMeans(
      prepared.map((row) => ({
        items: row.items,
        value: (item: ItemResult) => itemMetricValue(item, metric),
        seed: purposeSeed(row.options.seed, `interval:${metric}`),
        resamples: row.options.resamples,
        singleRepeat: row.options.repeat === 1,
      })),
      resampler,
    );
  const started = summaryMetricNames.map((metric) => [metric, estimates(metric)] as const);
  const startedCustom = startCustomEstimates(prepared, resampler);
  const byMetric = new Map(started.map(([metric, results]) => [metric, results()]));
  const custom = startedCustom();

  return prepared.map(({ name, items, options }, row) => {
    const estimate = (metric: SummaryMetricName): MetricEstimate => byMetric.get(metric)![row]!;
    // Over the fallback rate's own units (a turn's repeats folded into one), so that no rung's share
    // can exceed the rate it is a part of. With one repeat each turn is one item: the share of the
    // attempted items is that mean, without a unit object per item and per rung (as for the sums).
    const attempted = options.repeat === 1 ? items.filter(isDelegationAttempted) : undefined;
    const rungShare = (ran: (item: ItemResult) => boolean): number | null =>
      attempted
        ? shareOf(attempted, ran)
        : meanOfUnits(turnUnits(items, (item) => (isDelegationAttempted(item) ? (ran(item) ? 1 : 0) : null)));
    const rungs = {
      ...Object.fromEntries(
        fallbackRungs.map((rung) => [rung, rungShare((item) => ranFallbackRung(item, rung))]),
      ),
      failed: rungShare(isDelegationFailed),
    } as Record<FallbackRung | 'failed', number | null>;
    const needsCleanup = items.map(itemNeedsCleanup).filter((flag) => flag !== null);

    const costs = items.map((item) => item.costUsd);
    const totalCost = sum(costs);
    const tokens = items.map((item) => item.usage.inputTokens + item.usage.outputTokens);
    const latency = percentiles(items.map((item) => item.latencyMs));
    const cost = percentiles(costs);

    const metrics: StrategyMetrics = {
      answerQuality: estimate('answerQuality'),
      answeredQuality: estimate('answeredQuality'),
      tokenF1: estimate('tokenF1'),
      fallbackRate: { ...estimate('fallbackRate'), rungs },
      escalationRate: estimate('escalationRate'),
      unnecessaryEscalationRate: estimate('unnecessaryEscalationRate'),
      missedEscalationRate: estimate('missedEscalationRate'),
      humanCleanup: {
        ...estimate('humanCleanup'),
        needsCleanupShare: needsCleanup.length === 0 ? null : shareOf(needsCleanup, (flag) => flag),
      },
      recordedHter: estimate('recordedHter'),
      routingAccuracy: estimate('routingAccuracy'),
      passRate: estimate('passRate'),
      latencyMs: latency,
      tokens: { ...percentiles(tokens), total: sum(tokens) },
      costUsd: {
        total: totalCost,
        perTurn: items.length === 0 ? null : totalCost / items.length,
        p50: cost.p50,
        p95: cost.p95,
      },
    };
    if (options.repeat > 1) metrics.passHatK = passHatKOf(items, options.repeat);
    if (custom[row] !== undefined) metrics.custom = custom[row];

    return {
      name,
      description: options.description ?? '',
      role: options.role ?? 'strategy',
      flags: [],
      turns: items.length,
      conversations: new Set(items.map((item) => item.conversationId)).size,
      errors: items.filter((item) => item.outcome === 'error').length,
      failed: items.filter((item) => item.outcome === 'failed').length,
      ...failureKindsOf(items),
      ...unscoredOf(items),
      metrics,
    };
  });
}

/** Answered turns with nuggets left without quality by the scorer: lost data the summary must show. */
function unscoredOf(items: readonly ItemResult[]): { unscored?: number } {
  const count = items.filter(
    (item) =>
      item.outcome === 'answered' &&
      item.reference !== null &&
      (item.nuggets === undefined || item.nuggets.length > 0) &&
      itemMetricValue(item, 'answerQuality') === null,
  ).length;
  return count === 0 ? {} : { unscored: count };
}

/** The failed and errored turns by error code, most frequent first (ties by code). */
function failureKindsOf(items: readonly ItemResult[]): { failureKinds?: Record<string, number> } {
  const counts = new Map<string, number>();
  for (const item of items) {
    if (item.outcome !== 'failed' && item.outcome !== 'error') continue;
    const code = item.error?.code ?? 'unknown';
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  if (counts.size === 0) return {};
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]));
  return { failureKinds: Object.fromEntries(sorted) };
}

function checkItems(items: readonly ItemResult[], name: string, repeat: number): void {
  if (!Number.isInteger(repeat) || repeat < 1) {
    throw new EvalError('usage', `summarizeStrategy: repeat must be a positive integer, got ${repeat}.`);
  }
  const seen = new Set<string>();
  for (const item of items) {
    if (item.strategy !== name) {
      throw new EvalError(
        'usage',
        `summarizeStrategy: item ${item.itemId} belongs to "${item.strategy}", not "${name}".`,
      );
    }
    if (!Number.isInteger(item.repeat) || item.repeat < 0 || item.repeat >= repeat) {
      throw new EvalError(
        'invalid-input',
        `${name}: item ${item.itemId} has repeat ${item.repeat}, outside 0…${repeat - 1} for --repeat ${repeat}.`,
      );
    }
    // Without repeats every repeat is 0 (checked above): the id alone is the key, no new string.
    const key = repeat === 1 ? item.itemId : `${item.itemId}\u0000${item.repeat}`;
    if (seen.has(key)) {
      throw new EvalError(
        'invalid-input',
        `${name}: item ${item.itemId} (repeat ${item.repeat}) appears twice; merge the items first.`,
      );
    }
    seen.add(key);
  }
}

/**
 * The mean over turns with its conversation-resampled interval, for several rows at once (jobs
 * with one seed and number of resamples are resampled together). With repeats, a turn's repeats
 * are one unit (their mean), so repeating a deterministic strategy adds no false precision; `n`
 * counts turns, not turns × repeats. The sums are taken now and the resampling handed to
 * `resampler`; the returned function gives the estimates.
 */
function startEstimateMeans(
  jobs: readonly {
    items: readonly ItemResult[];
    value: (item: ItemResult) => number | null;
    seed: number;
    resamples: number;
    /** The run has no repeats: each item is its own turn (and the items are in canonical order). */
    singleRepeat: boolean;
  }[],
  resampler: Resampler,
): () => MetricEstimate[] {
  const groups = new Map<string, number[]>();
  jobs.forEach((job, index) => {
    const key = `${job.seed}:${job.resamples}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [index]);
    else group.push(index);
  });
  const started = [...groups.values()].map((group) => {
    const { seed, resamples } = jobs[group[0]!]!;
    // One row at a time: only its per-conversation sums wait for the others. Without repeats they
    // are summed straight from the sorted items, without a unit object, a map entry and a list of
    // repeats per item and metric on the way.
    const sums = function* () {
      for (const index of group) {
        const { items, value, singleRepeat } = jobs[index]!;
        yield singleRepeat ? singleRepeatClusterSums(items, value) : sumByCluster(turnUnits(items, value));
      }
    };
    return { group, results: startClusterBootstrapOfSums(sums(), { seed, resamples }, resampler) };
  });
  return () => {
    const estimates: MetricEstimate[] = new Array(jobs.length);
    for (const { group, results } of started) {
      const resampled = results();
      group.forEach((index, at) => {
        const result = resampled[at]!;
        estimates[index] = {
          mean: result.mean ?? null,
          ci95: result.ci95 === undefined ? null : [result.ci95[0], result.ci95[1]],
          n: result.n,
        };
      });
    }
    return estimates;
  };
}

/**
 * Each row's estimates of the pluggable scorers' numeric scores, by name; `undefined` without any.
 * Started now, given by the returned function (as {@link startEstimateMeans}).
 */
function startCustomEstimates(
  rows: readonly {
    items: readonly ItemResult[];
    options: { seed: number; resamples: number; repeat: number };
  }[],
  resampler: Resampler,
): () => (Record<string, MetricEstimate> | undefined)[] {
  const namesOf = rows.map(({ items }) => {
    const names = new Set<string>();
    for (const item of items) {
      for (const name of scoreNamesOf(item)) {
        if (isCustomScoreName(name) && customScoreValue(item, name) !== null) names.add(name);
      }
    }
    return names;
  });
  const allNames = [...new Set(namesOf.flatMap((names) => [...names]))].sort();
  const started = allNames.map((name) => {
    const holders = rows.flatMap((row, index) => (namesOf[index]!.has(name) ? [{ row, index }] : []));
    const results = startEstimateMeans(
      holders.map(({ row }) => ({
        items: row.items,
        value: (item: ItemResult) => customScoreValue(item, name),
        seed: purposeSeed(row.options.seed, `interval:custom:${name}`),
        resamples: row.options.resamples,
        singleRepeat: row.options.repeat === 1,
      })),
      resampler,
    );
    return { name, holders, results };
  });
  return () => {
    const custom: (Record<string, MetricEstimate> | undefined)[] = rows.map(() => undefined);
    for (const { name, holders, results } of started) {
      const resampled = results();
      holders.forEach(({ index }, at) => {
        custom[index] = { ...custom[index], [name]: resampled[at]! };
      });
    }
    return custom;
  };
}

/**
 * pass^k with k = the run's repeats, by turn and by conversation. A turn counts only when all k
 * of its repeats carry a pass/fail (an interrupted run leaves some incomplete); a conversation
 * counts only when all its turns do, since one missing repeat could hide a failure. A turn with no
 * pass/fail in any repeat (a routing-only turn, a reply without nuggets) is outside the pass rate's
 * denominator, as in the pass rate: it is left out without leaving its conversation out.
 */
function passHatKOf(items: readonly ItemResult[], k: number): NonNullable<StrategyMetrics['passHatK']> {
  const byTurn = new Map<
    string,
    { cluster: string; outcomes: (boolean | undefined)[]; applicable: boolean }
  >();
  for (const item of items) {
    let turn = byTurn.get(item.itemId);
    if (turn === undefined) {
      turn = {
        cluster: item.conversationId,
        outcomes: new Array<boolean | undefined>(k).fill(undefined),
        applicable: false,
      };
      byTurn.set(item.itemId, turn);
    }
    const value = itemMetricValue(item, 'passRate');
    turn.outcomes[item.repeat] = value === null ? undefined : value === 1;
    if (value !== null) turn.applicable = true;
  }
  const complete: RepeatedOutcomes[] = [];
  const incompleteConversations = new Set<string>();
  for (const [id, turn] of byTurn) {
    if (!turn.applicable) continue;
    if (turn.outcomes.every((outcome) => outcome !== undefined)) {
      complete.push({ id, cluster: turn.cluster, outcomes: turn.outcomes as boolean[] });
    } else {
      incompleteConversations.add(turn.cluster);
    }
  }
  const turns = passHatK(complete, { k, by: 'item' });
  const conversations = passHatK(
    complete.filter((turn) => !incompleteConversations.has(turn.cluster!)),
    { k, by: 'cluster' },
  );
  return { k, turns: turns.value ?? null, conversations: conversations.value ?? null };
}

function meanOfUnits(units: readonly { value: number }[]): number | null {
  if (units.length === 0) return null;
  let total = 0;
  for (const unit of units) total += unit.value;
  return total / units.length;
}

function shareOf<T>(values: readonly T[], predicate: (value: T) => boolean): number | null {
  if (values.length === 0) return null;
  return values.filter(predicate).length / values.length;
}

function percentiles(values: readonly number[]): { p50: number | null; p95: number | null } {
  // percentile() checks every value is finite, so a NaN latency fails loudly instead of spreading.
  return { p50: percentile(values, 50) ?? null, p95: percentile(values, 95) ?? null };
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
