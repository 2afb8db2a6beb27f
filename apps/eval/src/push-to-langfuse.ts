import { existsSync } from 'node:fs';
import { datasetRunName, type EvalReportSummary, type ExportStats, stableId } from '@baton/tracing';
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
 * The id of a per-trace score: derived from the run, the strategy, the item and the score's name,
 * so that a resumed run or a later `baton push` updates the score instead of adding one.
 */
export function traceScoreId(runId: string, strategy: string, itemId: string, name: string): string {
  return stableId('baton.score', runId, strategy, itemId, name);
}

/** The id of a run-level score (a strategy's mean), derived from the run, strategy and name. */
export function runScoreId(runId: string, strategy: string, name: string): string {
  return stableId('baton.run-score', runId, strategy, name);
}

/**
 * Pushes what a run produced to Langfuse once it has ended: per-trace scores (quality, cleanup,
 * escalation, fallback, routing, pass, outcome) for every item's first repeat, and the legacy
 * (Langfuse v3) dataset run per strategy — every item linked to the trace that answered it, with
 * the run-level means as scores on that run. The traces already belong to the strategy's Langfuse
 * v4 experiment run through their span attributes (see `startLangfuseExperiment`); the links
 * are for servers older than v4 and stop at the first answer saying the endpoint is gone. When
 * Langfuse did not take the dataset before the run, it is created here with its items.
 *
 * Work is handed over as the reporter has room for it (backpressure), and the push waits for
 * delivery as long as Langfuse acknowledges something. The line it logs counts what Langfuse
 * acknowledged, per kind — spans, dataset items, run items, scores; what it did not is in the run
 * folder's pending file, for `baton push`. The floor probes and the recorded bot answer without a
 * team, have no traces and are not pushed. Never throws: local results stand whatever Langfuse does;
 * resolves `complete: false` when Langfuse did not acknowledge everything, so the command can exit
 * non-zero (a lost push is never silent).
 */
export async function pushToLangfuse(options: {
  summary: RunSummary;
  /** The run's `items.jsonl`, streamed (the latest line of an item wins). */
  itemsFile: string;
  /** What `startLangfuseExperiment` set up before the run. */
  experiment: LangfuseExperiment;
  /** The span export's account (the tracing shutdown report), for the final line. */
  spans?: { langfuse?: ExportStats; spansKept?: number };
  /** The run folder, named in the line that says how to push what is left. */
  out: string;
  log: (line: string) => void;
}): Promise<{ complete: boolean }> {
  const { summary, experiment } = options;
  const { reporter, datasetName, runId } = experiment;
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
  const links: Promise<unknown>[] = [];
  // One dataset run item per turn: repeats beyond the first stay in items.jsonl. Items without a
  // trace (the floor probes, the recorded bot) are not Langfuse experiment runs.
  const pushedItems = [...latest.values()].filter((item) => item.repeat === 0 && item.traceId !== undefined);
  for (const item of pushedItems) {
    const traceId = item.traceId as string;
    await reporter.ready();
    links.push(
      reporter.linkRunItem({
        datasetName,
        itemId: item.itemId,
        runName: datasetRunName(item.strategy, runId),
        runDescription: experiment.descriptionOf(item.strategy),
        runMetadata: experiment.runMetadata,
        traceId,
      }),
    );
    const id = (name: string) => traceScoreId(runId, item.strategy, item.itemId, name);
    for (const name of numericScores) {
      const value = item.scores[name];
      if (typeof value === 'number') {
        void reporter.score({
          id: id(name),
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
      if (typeof value === 'boolean')
        void reporter.score({ id: id(name), traceId, name, dataType: 'BOOLEAN', value });
    }
    void reporter.score({
      id: id('outcome'),
      traceId,
      name: 'outcome',
      dataType: 'CATEGORICAL',
      value: item.outcome,
    });
  }
  await Promise.all(links);
  // Run-level means need a dataset run id, which only the legacy link gives: Langfuse v4 has no
  // public call that scores an experiment run built from span attributes (its own SDK scores the
  // run only when a link returned an id), so on a v4-only server the means stay in summary.json.
  // When the run's links are kept for a later push, so are its means.
  const pushed = summary.strategies.filter((strategy) => (strategy.role ?? 'strategy') === 'strategy');
  for (const strategy of pushed) {
    const metrics = strategy.metrics;
    const means: Record<string, number | null> = {
      answerQuality: metrics.answerQuality.mean,
      fallbackRate: metrics.fallbackRate.mean,
      escalationRate: metrics.escalationRate.mean,
      humanCleanup: metrics.humanCleanup.mean,
      routingAccuracy: metrics.routingAccuracy.mean,
    };
    for (const [name, value] of Object.entries(means)) {
      if (value === null) continue;
      await reporter.ready();
      void reporter.scoreRun(
        { datasetName, runName: datasetRunName(strategy.name, runId) },
        { id: runScoreId(runId, strategy.name, name), name, dataType: 'NUMERIC', value },
      );
    }
  }
  const result = await reporter.flush();
  const runs = experiment.datasetId
    ? `${pushed.length} experiment runs${result.runItemsRemoved ? '' : ' (and legacy dataset runs)'}`
    : `${pushed.length} dataset runs`;
  options.log(
    `Langfuse: dataset "${datasetName}", ${runs} (acknowledged: ${acknowledgedCounts(result, options.spans)}).`,
  );
  // Also what an interrupted earlier attempt of a resumed run kept.
  const kept = result.pending !== undefined && existsSync(result.pending.path);
  if (kept) {
    options.log(
      `Langfuse: what it did not acknowledge is kept in ${result.pending!.path}; send it with \`baton push ${options.out}\`.`,
    );
  }
  const spans = options.spans?.langfuse;
  const spansMissing = spans === undefined ? 0 : spans.dropped + spans.pending;
  return { complete: !result.incomplete && spansMissing === 0 && !kept };
}

/**
 * What Langfuse acknowledged of what the run produced, per kind: `spans 120/120, dataset items
 * 8/8, run items 16/16, scores 118/118`. Only acknowledgements count; the second number is
 * everything the run tried to deliver.
 */
export function acknowledgedCounts(
  result: EvalReportSummary,
  spans: { langfuse?: ExportStats } | undefined,
): string {
  const of = ({ ok, failed, skipped }: { ok: number; failed: number; skipped: number }) =>
    `${ok}/${ok + failed + skipped}`;
  const parts: string[] = [];
  if (spans?.langfuse) {
    const { sent, dropped, pending } = spans.langfuse;
    parts.push(`spans ${sent}/${sent + dropped + pending}`);
  }
  parts.push(`dataset items ${of(result.operations.item)}`);
  parts.push(
    result.runItemsRemoved && result.operations.runItem.ok === 0
      ? 'run items: none (this Langfuse builds runs from the traces)'
      : `run items ${of(result.operations.runItem)}`,
  );
  parts.push(`scores ${of(result.operations.score)}`);
  return parts.join(', ');
}

function commentFor(name: string, item: ItemResult, summary: RunSummary): string | undefined {
  if (name !== scoreNames.answerQuality) return undefined;
  const details = item.scoreDetails?.[name] as { rationale?: unknown } | undefined;
  const rationale = typeof details?.rationale === 'string' ? `: ${details.rationale}` : '';
  return `${summary.scorer.answerQuality}${rationale}`;
}
