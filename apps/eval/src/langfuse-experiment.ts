import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { DelegationEvent, TurnStartEvent } from '@baton/core';
import {
  createLangfuseEvalReporter,
  datasetRunName,
  type ExperimentContext,
  type LangfuseEvalReporter,
  LangfusePendingLog,
  langfuseDatasetItemId,
  type ResolvedLangfuseOptions,
  resolveLangfuseOptions,
  type UpsertedDataset,
} from '@baton/tracing';
import { EvalError } from './eval-error.js';
import type { ReplayTurn } from './replay-turn.js';
import type { ReplaySource } from './run-evaluation.js';

/** Options of {@link startLangfuseExperiment}. */
export interface LangfuseExperimentOptions {
  /** The dataset is `baton/<suite>[/<split>]`. */
  suite: { name: string; dataset: string; split: string | null };
  /** The run folder's name (`runIdOf(out)`), known before the run starts. */
  runId: string;
  /** Every strategy of the run, under its run name. */
  strategies: readonly { name: string; description?: string }[];
  /** Sent with every experiment run (and legacy dataset run). */
  runMetadata: { scorer: string; model: string | null; baseline: string };
  env: Record<string, string | undefined>;
  log: (line: string) => void;
  /** Where what Langfuse does not acknowledge is kept (see {@link langfuseForRun}). */
  pending?: LangfusePendingLog;
  /** Default: one from the `LANGFUSE_*` variables of `env`. */
  reporter?: LangfuseEvalReporter;
}

/** The pending file of a run folder: what Langfuse did not acknowledge, for `baton push`. */
export const langfusePendingFile = 'langfuse-pending.jsonl';

/**
 * Whether a run pushes to Langfuse (`--langfuse`/`--no-langfuse`, else when the `LANGFUSE_*`
 * variables configure it — a half-set environment warns once), and the run folder's pending file
 * for what Langfuse does not acknowledge.
 *
 * @throws EvalError `usage` for `--langfuse` without a usable configuration
 */
export function langfuseForRun(options: {
  flag: boolean | undefined;
  env: Record<string, string | undefined>;
  out: string;
  log: (line: string) => void;
}): { options: ResolvedLangfuseOptions; pending: LangfusePendingLog } | undefined {
  if (options.flag === false) return undefined;
  const logger = { warn: (message: string) => options.log(`warning: ${message}`) };
  const resolved = resolveLangfuseOptions({ env: options.env, logger });
  if (!resolved) {
    if (options.flag === true) {
      throw new EvalError(
        'usage',
        '--langfuse needs LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY (and LANGFUSE_BASE_URL for self-hosted).',
      );
    }
    return undefined;
  }
  return {
    options: resolved,
    pending: new LangfusePendingLog({ path: join(options.out, langfusePendingFile), logger }),
  };
}

/**
 * One evaluation run in Langfuse, set up before anything is replayed: the dataset (one item per
 * replayed user turn) and, per strategy, a Langfuse v4 experiment run that the traces join through
 * their span attributes.
 */
export interface LangfuseExperiment {
  reporter: LangfuseEvalReporter;
  datasetName: string;
  /** Langfuse's id of the dataset; `undefined` when Langfuse did not take it (no experiment attributes then). */
  datasetId: string | undefined;
  runId: string;
  runMetadata: Record<string, unknown>;
  /** What a strategy's run is described as. */
  descriptionOf(strategy: string): string;
  /**
   * Queues the turns of one conversation as dataset items (stable ids, so re-runs update): resolves
   * once the reporter has room for them, not when Langfuse acknowledges them, so a slow Langfuse
   * holds the replay back only when its queue is full.
   */
  addTurns(turns: readonly ReplayTurn[]): Promise<void>;
  /**
   * Wraps the tracing listener for `runEvaluation`'s `onEvent`: remembers which replay each
   * top-level turn comes from, which {@link experimentOf} reads.
   */
  listen(listener: (event: DelegationEvent) => void): (event: DelegationEvent, source: ReplaySource) => void;
  /** For the tracing listener's `experimentOf`: the experiment of a top-level turn, if it has one. */
  experimentOf(turn: TurnStartEvent): ExperimentContext | undefined;
}

/**
 * The experiment id of one strategy in one run: 16 hex characters (the length of the Langfuse SDK's
 * experiment ids) of a SHA-256 of the run id and the strategy, so a resumed run keeps its ids.
 */
export function langfuseExperimentId(runId: string, strategy: string): string {
  return createHash('sha256')
    .update(`baton.experiment\u0000${runId}\u0000${strategy}`)
    .digest('hex')
    .slice(0, 16);
}

/** The Langfuse dataset a suite's runs go to: `baton/<suite>[/<split>]`. */
export function langfuseDatasetName(suite: { name: string; split: string | null }): string {
  return `baton/${suite.name}${suite.split ? `/${suite.split}` : ''}`;
}

/**
 * Creates (or updates) the run's Langfuse dataset before the replay and returns what the replay
 * needs to make its traces a Langfuse v4 experiment run per strategy: every span of a turn's trace
 * then names the experiment, the dataset and the dataset item (see `experimentOf` of
 * `@baton/tracing`). When Langfuse does not take the dataset (down, refusing), the run goes on
 * without experiment attributes and says so once; `undefined` when Langfuse is not configured.
 *
 * @example
 * ```ts
 * const experiment = await startLangfuseExperiment({ suite, runId, strategies, runMetadata, env, log });
 * const tracing = setupTracing({ experimentOf: experiment?.experimentOf });
 * await runEvaluation({ …, onEvent: experiment.listen(tracing.listener), onConversation: (_, turns) => experiment.addTurns(turns) });
 * ```
 */
export async function startLangfuseExperiment(
  options: LangfuseExperimentOptions,
): Promise<LangfuseExperiment | undefined> {
  const reporter =
    options.reporter ??
    createLangfuseEvalReporter({
      env: options.env,
      logger: { warn: (message) => options.log(`warning: ${message}`) },
      ...(options.pending ? { pending: options.pending } : {}),
    });
  if (!reporter) return undefined;
  const { runId, suite } = options;
  const datasetName = langfuseDatasetName(suite);
  const dataset = await upsertSuiteDataset(reporter, suite);
  if (!dataset) {
    options.log(
      `Langfuse did not take the dataset "${datasetName}": this run's traces carry no experiment attributes; the dataset and its runs are pushed after the run if Langfuse answers then.`,
    );
  }
  const datasetId = dataset?.id;
  const runMetadata = { ...options.runMetadata, runId };
  const descriptions = new Map(
    options.strategies.map((strategy) => [strategy.name, strategy.description ?? strategy.name]),
  );
  const descriptionOf = (strategy: string) => descriptions.get(strategy) ?? strategy;
  const experimentIds = new Map(
    options.strategies.map((strategy) => [strategy.name, langfuseExperimentId(runId, strategy.name)]),
  );
  // Keyed by the event object itself, so nothing outlives the event.
  const sources = new WeakMap<DelegationEvent, ReplaySource>();

  return {
    reporter,
    datasetName,
    datasetId,
    runId,
    runMetadata,
    descriptionOf,
    async addTurns(turns) {
      if (datasetId === undefined) return;
      await reporter.ready();
      void reporter.upsertItems(datasetName, turns.map(datasetItemOf));
    },
    listen(listener) {
      return (event, source) => {
        if (event.type === 'turn-start' && event.parentId === undefined) sources.set(event, source);
        listener(event);
      };
    },
    experimentOf(turn) {
      const source = sources.get(turn);
      // Repeats beyond the first stay out of the experiment, as they stay out of the dataset run.
      if (datasetId === undefined || source === undefined || source.repeat !== 0) return undefined;
      return {
        id: experimentIds.get(source.strategy) ?? langfuseExperimentId(runId, source.strategy),
        name: datasetRunName(source.strategy, runId),
        datasetId,
        itemId: langfuseDatasetItemId(datasetName, source.turn.itemId),
        description: descriptionOf(source.strategy),
        metadata: runMetadata,
        expectedOutput: datasetItemOf(source.turn).expectedOutput,
      };
    },
  };
}

/** Creates or updates the suite's dataset; resolves its Langfuse id, or `undefined` if not taken. */
export function upsertSuiteDataset(
  reporter: LangfuseEvalReporter,
  suite: { name: string; dataset: string; split: string | null },
): Promise<UpsertedDataset | undefined> {
  return reporter.upsertDataset({
    name: langfuseDatasetName(suite),
    description: `Recorded user turns of the ${suite.name} suite, replayed by the Baton harness.`,
    metadata: { dataset: suite.dataset, split: suite.split },
  });
}

/**
 * One dataset item per replayed user turn, in the shape `--dataset langfuse:<name>` reads back into
 * conversations.
 */
export function datasetItemOf(
  turn: Pick<ReplayTurn, 'itemId' | 'conversationId' | 'turnIndex' | 'input' | 'reference' | 'gold'>,
): {
  id: string;
  input: unknown;
  expectedOutput: unknown;
  metadata: Record<string, unknown>;
} {
  return {
    id: turn.itemId,
    input: { message: turn.input, conversationId: turn.conversationId, turnIndex: turn.turnIndex },
    expectedOutput: { reference: turn.reference, gold: turn.gold },
    metadata: { conversationId: turn.conversationId },
  };
}
