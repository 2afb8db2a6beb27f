import { createHash } from 'node:crypto';
import type { DelegationEvent, TurnStartEvent } from '@baton/core';
import {
  createLangfuseEvalReporter,
  datasetRunName,
  type ExperimentContext,
  type LangfuseEvalReporter,
  langfuseDatasetItemId,
  type UpsertedDataset,
} from '@baton/tracing';
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
  /** Default: one from the `LANGFUSE_*` variables of `env`. */
  reporter?: LangfuseEvalReporter;
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
  /** Upserts the turns of one conversation as dataset items (stable ids, so re-runs update). */
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
      await reporter.upsertItems(datasetName, turns.map(datasetItemOf));
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
