import { datasetRunName } from '@baton/tracing';
import type { ItemResult } from './item-result.js';
import { scoreNames } from './item-result.js';
import { datasetItemOf, type LangfuseExperiment, upsertSuiteDataset } from './langfuse-experiment.js';
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
 * Pushes what a run produced to Langfuse once it has ended: per-trace scores (quality, cleanup,
 * escalation, fallback, routing, pass, outcome) for every item's first repeat, and the legacy
 * (Langfuse v3) dataset run per strategy — every item linked to the trace that answered it, with
 * the run-level means as scores on that run. The traces already belong to the strategy's Langfuse
 * v4 experiment run through their span attributes (see `startLangfuseExperiment`); the links
 * are for servers older than v4 and stop at the first answer saying the endpoint is gone. When
 * Langfuse did not take the dataset before the run, it is created here with its items. Never
 * throws: an unreachable Langfuse is reported once and the run's local results stand.
 */
export async function pushToLangfuse(options: {
  summary: RunSummary;
  /** The run's `items.jsonl`, streamed (the latest line of an item wins). */
  itemsFile: string;
  /** What `startLangfuseExperiment` set up before the run. */
  experiment: LangfuseExperiment;
  log: (line: string) => void;
}): Promise<void> {
  const { summary, experiment } = options;
  const { reporter, datasetName } = experiment;
  // Without a dataset before the run there were no items either: build both from the file.
  const needsDataset = experiment.datasetId === undefined;
  const datasetItems = new Map<string, ReturnType<typeof datasetItemOf>>();
  // The latest version of every item, without the bulky records.
  const latest = new Map<string, ItemResult>();
  await forEachItem(options.itemsFile, { allowTruncatedTail: true }, (item) => {
    if (needsDataset && !datasetItems.has(item.itemId)) datasetItems.set(item.itemId, datasetItemOf(item));
    const { delegations: _records, input: _input, reference: _reference, ...rest } = item;
    latest.set(JSON.stringify([item.strategy, item.itemId, item.repeat]), {
      ...rest,
      input: '',
      reference: '',
      delegations: [],
    });
  });
  if (needsDataset) {
    const dataset = await upsertSuiteDataset(reporter, summary.suite);
    if (dataset) await reporter.upsertItems(datasetName, [...datasetItems.values()]);
  }
  await Promise.all(
    [...latest.values()]
      // One dataset run item per turn: repeats beyond the first stay in items.jsonl.
      .filter((item) => item.repeat === 0 && item.traceId !== undefined)
      .map(async (item) => {
        const traceId = item.traceId as string;
        await reporter.linkRunItem({
          datasetName,
          itemId: item.itemId,
          runName: datasetRunName(item.strategy, experiment.runId),
          runDescription: experiment.descriptionOf(item.strategy),
          runMetadata: experiment.runMetadata,
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
  // Run-level means need a dataset run id, which only the legacy link gives: Langfuse v4 has no
  // public call that scores an experiment run built from span attributes (its own SDK scores the
  // run only when a link returned an id), so on a v4-only server the means stay in summary.json.
  // The floor probes and the recorded bot answer without a team, so they have no traces: they stay
  // in summary.json and the reports, and are not Langfuse experiment runs.
  const pushed = summary.strategies.filter((strategy) => (strategy.role ?? 'strategy') === 'strategy');
  for (const strategy of pushed) {
    const datasetRunId = reporter.datasetRunId(datasetName, datasetRunName(strategy.name, experiment.runId));
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
  const runs = experiment.datasetId
    ? `${pushed.length} experiment runs${result.runItemsRemoved ? '' : ' (and legacy dataset runs)'}`
    : `${pushed.length} dataset runs`;
  options.log(
    `Langfuse: dataset "${datasetName}", ${runs} (${operations})${result.incomplete ? ' — incomplete, see the warning above' : ''}.`,
  );
}

function commentFor(name: string, item: ItemResult, summary: RunSummary): string | undefined {
  if (name !== scoreNames.answerQuality) return undefined;
  const details = item.scoreDetails?.[name] as { rationale?: unknown } | undefined;
  const rationale = typeof details?.rationale === 'string' ? `: ${details.rationale}` : '';
  return `${summary.scorer.answerQuality}${rationale}`;
}
