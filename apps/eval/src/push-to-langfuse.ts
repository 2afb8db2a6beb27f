import { createLangfuseEvalReporter, datasetRunName, type LangfuseEvalReporter } from '@baton/tracing';
import type { ItemResult } from './item-result.js';
import { scoreNames } from './item-result.js';
import { forEachItem } from './report/parse-items.js';
import type { RunSummary } from './run-summary.js';

/** Numbers and flags pushed as Langfuse scores, per item and per run. */
const numericScores = [scoreNames.answerQuality, scoreNames.humanCleanup] as const;
const booleanScores = [
  scoreNames.escalated,
  scoreNames.fallback,
  scoreNames.routingCorrect,
  scoreNames.pass,
] as const;

/**
 * Pushes a run to Langfuse so its run comparison shows the strategies side by side: a dataset with
 * one item per replayed user turn (idempotent, by stable id), one dataset run per strategy with
 * every item linked to the trace that answered it, per-trace scores (quality, cleanup, escalation,
 * fallback, routing, pass, outcome) and run-level means. Never throws: an unreachable Langfuse is
 * reported once and the run's local results stand.
 */
export async function pushToLangfuse(options: {
  summary: RunSummary;
  /** The run's `items.jsonl`, streamed (the latest line of an item wins). */
  itemsFile: string;
  env: Record<string, string | undefined>;
  log: (line: string) => void;
  reporter?: LangfuseEvalReporter;
}): Promise<void> {
  const reporter =
    options.reporter ??
    createLangfuseEvalReporter({
      env: options.env,
      logger: { warn: (message) => options.log(`warning: ${message}`) },
    });
  if (!reporter) return;
  const { summary } = options;
  const datasetName = `baton/${summary.suite.name}${summary.suite.split ? `/${summary.suite.split}` : ''}`;
  await reporter.upsertDataset({
    name: datasetName,
    description: `Recorded user turns of the ${summary.suite.name} suite, replayed by the Baton harness.`,
    metadata: { dataset: summary.suite.dataset, split: summary.suite.split },
  });
  // One pass over the file: the dataset items (one per turn) and the latest version of every item,
  // without the bulky records.
  const datasetItems = new Map<
    string,
    { id: string; input: unknown; expectedOutput: unknown; metadata: Record<string, unknown> }
  >();
  const latest = new Map<string, ItemResult>();
  await forEachItem(options.itemsFile, { allowTruncatedTail: true }, (item) => {
    if (!datasetItems.has(item.itemId)) {
      datasetItems.set(item.itemId, {
        id: item.itemId,
        input: { message: item.input, conversationId: item.conversationId, turnIndex: item.turnIndex },
        expectedOutput: { reference: item.reference, gold: item.gold },
        metadata: { conversationId: item.conversationId },
      });
    }
    const { delegations: _records, input: _input, reference: _reference, ...rest } = item;
    latest.set(JSON.stringify([item.strategy, item.itemId, item.repeat]), {
      ...rest,
      input: '',
      reference: '',
      delegations: [],
    });
  });
  await reporter.upsertItems(datasetName, [...datasetItems.values()]);
  const runMetadata = {
    scorer: summary.scorer.answerQuality,
    model: summary.model,
    baseline: summary.baseline,
    runId: summary.runId,
  };
  const strategies = new Map(summary.strategies.map((strategy) => [strategy.name, strategy]));
  await Promise.all(
    [...latest.values()]
      // One dataset run item per turn: repeats beyond the first stay in items.jsonl.
      .filter((item) => item.repeat === 0 && item.traceId !== undefined)
      .map(async (item) => {
        const traceId = item.traceId as string;
        await reporter.linkRunItem({
          datasetName,
          itemId: item.itemId,
          runName: datasetRunName(item.strategy, summary.runId),
          runDescription: strategies.get(item.strategy)?.description ?? item.strategy,
          runMetadata,
          traceId,
        });
        for (const name of numericScores) {
          const value = item.scores[name];
          if (typeof value === 'number') {
            void reporter.score({
              traceId,
              name,
              dataType: 'NUMERIC',
              value,
              comment: commentFor(name, item, summary),
            });
          }
        }
        for (const name of booleanScores) {
          const value = item.scores[name];
          if (typeof value === 'boolean') void reporter.score({ traceId, name, dataType: 'BOOLEAN', value });
        }
        void reporter.score({ traceId, name: 'outcome', dataType: 'CATEGORICAL', value: item.outcome });
      }),
  );
  for (const strategy of summary.strategies) {
    const datasetRunId = reporter.datasetRunId(datasetName, datasetRunName(strategy.name, summary.runId));
    if (!datasetRunId) continue;
    const metrics = strategy.metrics;
    const means: Record<string, number | null> = {
      answerQuality: metrics.answerQuality.mean,
      fallbackRate: metrics.fallbackRate.mean,
      escalationRate: metrics.escalationRate.mean,
      humanCleanup: metrics.humanCleanup.mean,
      routingAccuracy: metrics.routingAccuracy.mean,
    };
    for (const [name, value] of Object.entries(means)) {
      if (value !== null) void reporter.score({ datasetRunId, name, dataType: 'NUMERIC', value });
    }
  }
  const result = await reporter.flush();
  const operations = Object.entries(result.operations)
    .map(([operation, counts]) => `${operation} ${counts.ok}/${counts.ok + counts.failed + counts.skipped}`)
    .join(', ');
  options.log(
    `Langfuse: dataset "${datasetName}", ${summary.strategies.length} runs (${operations})${result.incomplete ? ' — incomplete, see the warning above' : ''}.`,
  );
}

function commentFor(name: string, item: ItemResult, summary: RunSummary): string | undefined {
  if (name !== scoreNames.answerQuality) return undefined;
  const details = item.scoreDetails?.[name] as { rationale?: unknown } | undefined;
  const rationale = typeof details?.rationale === 'string' ? `: ${details.rationale}` : '';
  return `${summary.scorer.answerQuality}${rationale}`;
}
