import { EvalError } from '../eval-error.js';
import { isSimulatedItem, summarizeFreeRun } from '../free-run/summarize-free-run.js';
import type { ItemResult } from '../item-result.js';
import type { FloorSummary, ReplaySummary, RunSummary, SplitInfo, StrategySummary } from '../run-summary.js';
import type { Resampler } from '../stats/cluster-bootstrap.js';
import { compareStrategies } from './compare-strategies.js';
import { evaluateGate, type GateRule } from './gate.js';
import { summarizeStrategies } from './summarize-strategy.js';

/** Input of {@link buildRunSummary}: the items and everything about the run that they do not hold. */
export interface BuildRunSummaryInput {
  /** Every strategy's items (all repeats), deduplicated (see `mergeItems`). */
  items: readonly ItemResult[];
  /** The strategies in report order, with the descriptions the reports show and their role. */
  strategies: readonly { name: string; description?: string; role?: StrategySummary['role'] }[];
  /** The strategy the others are compared with; one of `strategies`. */
  baseline: string;
  /**
   * Extra pairs compared like the baseline comparisons (a strategy against its rival); their
   * comparisons follow the baseline's in `comparisons`. Pairs naming a strategy that did not run,
   * or the baseline, are skipped.
   */
  pairs?: readonly { candidate: string; baseline: string }[];
  runId: string;
  /** ISO 8601 time the run started. */
  createdAt: string;
  durationMs: number;
  /** The suite; `conversations` and `turns` default to the distinct ones among the items. */
  suite: {
    name: string;
    dataset: string;
    split: string | null;
    conversations?: number;
    turns?: number;
    splitInfo?: SplitInfo;
  };
  scorer: RunSummary['scorer'];
  model: string | null;
  /** Teacher forcing or free running, as the run says; written to `summary.replay`. */
  replay?: ReplaySummary;
  repeat: number;
  seed: number;
  resamples: number;
  interrupted?: boolean;
  shard?: { index: number; count: number };
  /** Gate rules (see `parseGateRules`) and, optionally, the strategies they apply to. */
  gate?: { rules: readonly GateRule[]; targets?: readonly string[] };
  /**
   * Runs the strategies' bootstrap resampling (see `summarizeStrategies`); the summary is the same
   * whatever runs it. Default: this thread, metric by metric.
   */
  resampler?: Resampler;
}

/**
 * Assembles `summary.json` from a run's items: one summary per strategy ({@link summarizeStrategies}) in the
 * given order, the paired comparisons of every other strategy with the baseline, and the gate.
 *
 * @param input - Items, strategies, baseline, run metadata and gate rules.
 * @returns The run summary.
 * @throws EvalError `usage` when the baseline is not among the strategies or a strategy is listed
 *   twice, `invalid-input` when items belong to a strategy that is not listed or repeat a turn.
 *
 * @example
 * ```ts
 * const summary = buildRunSummary({
 *   items,
 *   strategies: [{ name: 'route-lexical' }, { name: 'route-trained' }],
 *   baseline: 'route-lexical',
 *   runId, createdAt, durationMs, suite, scorer, model: null, repeat: 1, seed: 42, resamples: 2000,
 *   gate: { rules: parseGateRules({ failUnder: ['answerQuality=0.6'] }) },
 * });
 * await writeFile('out/summary.json', JSON.stringify(summary, null, 2));
 * ```
 */
export function buildRunSummary(input: BuildRunSummaryInput): RunSummary {
  const names = input.strategies.map((strategy) => strategy.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) throw new EvalError('usage', `strategy "${duplicate}" is listed twice.`);
  if (!names.includes(input.baseline)) {
    throw new EvalError(
      'usage',
      `the baseline "${input.baseline}" is not one of the strategies: ${names.join(', ')}.`,
    );
  }
  const byStrategy = new Map<string, ItemResult[]>(names.map((name) => [name, []]));
  for (const item of input.items) {
    const list = byStrategy.get(item.strategy);
    if (list === undefined) {
      throw new EvalError(
        'invalid-input',
        `item ${item.itemId} belongs to strategy "${item.strategy}", which is not one of: ${names.join(', ')}.`,
      );
    }
    list.push(item);
  }

  const options = { seed: input.seed, resamples: input.resamples, repeat: input.repeat };
  // A free run's simulated turns answer messages no other strategy saw: they are summarised apart
  // (`freeRun.simulated`), and every other number covers the recorded part.
  const recordedPart = input.items.filter((item) => !isSimulatedItem(item));
  // All rows at once: one metric's bootstrap draws serve every row (see summarizeStrategies).
  const summaries = summarizeStrategies(
    input.strategies.map((strategy) => ({
      items: byStrategy.get(strategy.name)!.filter((item) => !isSimulatedItem(item)),
      options: {
        ...options,
        name: strategy.name,
        description: strategy.description ?? '',
        role: strategy.role ?? 'strategy',
      },
    })),
    input.resampler,
  );
  const strategies = input.strategies.map((strategy, index) => {
    const summary = summaries[index]!;
    const freeRun = summarizeFreeRun(byStrategy.get(strategy.name)!, {
      ...options,
      name: strategy.name,
      role: strategy.role ?? 'strategy',
    });
    return freeRun === undefined ? summary : { ...summary, freeRun };
  });
  const floor = flagFloor(strategies);
  const probes = new Set(
    strategies.filter((strategy) => strategy.role === 'probe').map((strategy) => strategy.name),
  );
  if (probes.has(input.baseline)) {
    throw new EvalError('usage', `the baseline "${input.baseline}" is a floor probe; choose a strategy.`);
  }
  const customDirections = Object.fromEntries(
    Object.entries(input.scorer.custom ?? {}).map(([name, scorer]) => [name, scorer.higherIsBetter]),
  );
  const comparisons = compareStrategies(recordedPart, {
    baseline: input.baseline,
    seed: input.seed,
    resamples: input.resamples,
    candidates: names.filter((name) => name !== input.baseline && !probes.has(name)),
    customDirections,
  });
  for (const pair of input.pairs ?? []) {
    if (pair.candidate === pair.baseline || pair.baseline === input.baseline) continue;
    if (!names.includes(pair.candidate) || !names.includes(pair.baseline)) continue;
    if (probes.has(pair.candidate) || probes.has(pair.baseline)) continue;
    comparisons.push(
      ...compareStrategies(recordedPart, {
        baseline: pair.baseline,
        seed: input.seed,
        resamples: input.resamples,
        candidates: [pair.candidate],
        customDirections,
      }),
    );
  }
  const gate = evaluateGate({
    rules: input.gate?.rules ?? [],
    strategies,
    comparisons,
    baseline: input.baseline,
    ...(input.gate?.targets === undefined ? {} : { targets: input.gate.targets }),
    resamples: input.resamples,
  });

  return {
    version: 1,
    runId: input.runId,
    createdAt: input.createdAt,
    durationMs: input.durationMs,
    suite: {
      name: input.suite.name,
      dataset: input.suite.dataset,
      split: input.suite.split,
      conversations:
        input.suite.conversations ?? new Set(recordedPart.map((item) => item.conversationId)).size,
      turns: input.suite.turns ?? new Set(recordedPart.map((item) => item.itemId)).size,
      ...(input.suite.splitInfo ? { splitInfo: input.suite.splitInfo } : {}),
    },
    ...(floor ? { floor } : {}),
    scorer: { ...input.scorer, nuggets: nuggetSources(recordedPart) },
    model: input.model,
    ...(input.replay === undefined ? {} : { replay: input.replay }),
    baseline: input.baseline,
    repeat: input.repeat,
    seed: input.seed,
    resamples: input.resamples,
    ...(input.interrupted === undefined ? {} : { interrupted: input.interrupted }),
    ...(input.shard === undefined ? {} : { shard: input.shard }),
    strategies,
    comparisons,
    gate,
  };
}

/**
 * The floor from the probes' intervals, and a flag on every other row whose interval does not
 * clear it: quality whose lower bound is not above the best probe's upper bound, cleanup whose
 * upper bound is not below the best probe's lower bound. Such a number cannot be told apart from
 * a content-free answer.
 */
function flagFloor(strategies: StrategySummary[]): FloorSummary | undefined {
  const probes = strategies.filter((strategy) => strategy.role === 'probe');
  if (probes.length === 0) return undefined;
  const qualityBounds = probes.flatMap((probe) => probe.metrics.answerQuality.ci95?.[1] ?? []);
  const cleanupBounds = probes.flatMap((probe) => probe.metrics.humanCleanup.ci95?.[0] ?? []);
  const floor: FloorSummary = {
    probes: probes.map((probe) => probe.name),
    answerQuality: qualityBounds.length === 0 ? null : Math.max(...qualityBounds),
    humanCleanup: cleanupBounds.length === 0 ? null : Math.min(...cleanupBounds),
  };
  for (const strategy of strategies) {
    if (strategy.role === 'probe') continue;
    const quality = strategy.metrics.answerQuality.ci95;
    if (quality && floor.answerQuality !== null && quality[0] <= floor.answerQuality)
      strategy.flags.push('answerQuality-at-floor');
    const cleanup = strategy.metrics.humanCleanup.ci95;
    if (cleanup && floor.humanCleanup !== null && cleanup[1] >= floor.humanCleanup)
      strategy.flags.push('humanCleanup-at-floor');
  }
  return floor;
}

/** How many distinct turns had annotated, extracted or no nuggets. */
function nuggetSources(items: readonly ItemResult[]): { annotated: number; extracted: number; none: number } {
  const sources = new Map<string, string>();
  for (const item of items) sources.set(item.itemId, item.nuggetSource ?? 'none');
  const counts = { annotated: 0, extracted: 0, none: 0 };
  for (const source of sources.values()) {
    if (source === 'annotated' || source === 'extracted') counts[source] += 1;
    else counts.none += 1;
  }
  return counts;
}
