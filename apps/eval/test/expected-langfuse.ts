import { join } from 'node:path';
import { datasetRunName, langfuseDatasetItemId, readJsonlSpans } from '@baton/tracing';
import type { FakeLangfuseServer } from '@baton/tracing/testing';
import { scoreNames } from '../src/item-result.js';
import { runScoreId, traceScoreId } from '../src/push-to-langfuse.js';
import { readRunFolder } from './read-run-folder.js';

/** What a run folder says Langfuse must end up holding, by the ids Langfuse keeps. */
export interface ExpectedLangfuse {
  /** Span ids of `traces.jsonl`: every span goes to Langfuse. */
  spans: Set<string>;
  /** Langfuse ids of the dataset items (one per replayed turn). */
  datasetItems: Set<string>;
  /** `runName \0 itemId \0 traceId` of every dataset run link (first repeats of traced strategies). */
  runItems: Set<string>;
  /** Ids of every score: per trace, and the strategies' means on their runs. */
  scores: Set<string>;
}

/** Reads a run folder and derives, with the ids the push uses, everything Langfuse must receive. */
export async function expectedLangfuse(
  dir: string,
  options: { runId: string; datasetName: string },
): Promise<ExpectedLangfuse> {
  const { summary, items } = await readRunFolder(dir);
  const latest = new Map(
    items.map((item) => [JSON.stringify([item.strategy, item.itemId, item.repeat]), item]),
  );
  const expected: ExpectedLangfuse = {
    spans: new Set(),
    datasetItems: new Set(),
    runItems: new Set(),
    scores: new Set(),
  };
  for await (const span of readJsonlSpans(join(dir, 'traces.jsonl'))) expected.spans.add(span.spanId);
  for (const item of latest.values()) {
    expected.datasetItems.add(langfuseDatasetItemId(options.datasetName, item.itemId));
    if (item.repeat !== 0 || item.traceId === undefined) continue;
    const itemId = langfuseDatasetItemId(options.datasetName, item.itemId);
    expected.runItems.add(
      `${datasetRunName(item.strategy, options.runId)}\u0000${itemId}\u0000${item.traceId}`,
    );
    const scored = [
      ...[scoreNames.answerQuality, scoreNames.humanCleanup].filter(
        (name) => typeof item.scores[name] === 'number',
      ),
      ...[scoreNames.escalated, scoreNames.fallback, scoreNames.routingCorrect, scoreNames.pass].filter(
        (name) => typeof item.scores[name] === 'boolean',
      ),
      'outcome',
    ];
    for (const name of scored)
      expected.scores.add(traceScoreId(options.runId, item.strategy, item.itemId, name));
  }
  for (const strategy of summary.strategies) {
    if ((strategy.role ?? 'strategy') !== 'strategy') continue;
    const { metrics } = strategy;
    const means = {
      answerQuality: metrics.answerQuality.mean,
      fallbackRate: metrics.fallbackRate.mean,
      escalationRate: metrics.escalationRate.mean,
      humanCleanup: metrics.humanCleanup.mean,
      routingAccuracy: metrics.routingAccuracy.mean,
    };
    for (const [name, value] of Object.entries(means)) {
      if (value !== null) expected.scores.add(runScoreId(options.runId, strategy.name, name));
    }
  }
  return expected;
}

/** What the fake Langfuse holds, by the same ids. */
export function heldBy(server: FakeLangfuseServer): Record<keyof ExpectedLangfuse, Set<string>> {
  const arrivals = server.arrivals();
  return {
    spans: new Set(arrivals.spans.keys()),
    datasetItems: new Set(arrivals.datasetItems.keys()),
    runItems: new Set(arrivals.runItems.keys()),
    scores: new Set(arrivals.scores.keys()),
  };
}

/** Ids that arrived more than once, per kind. */
export function repeated(server: FakeLangfuseServer): Record<keyof ExpectedLangfuse, string[]> {
  const arrivals = server.arrivals();
  const of = (counts: Map<string, number>) => [...counts].filter(([, count]) => count > 1).map(([id]) => id);
  return {
    spans: of(arrivals.spans),
    datasetItems: of(arrivals.datasetItems),
    runItems: of(arrivals.runItems),
    scores: of(arrivals.scores),
  };
}

/** The counts of a line such as `(acknowledged: spans 12/12, dataset items 3/3, run items 4/4, scores 20/20)`. */
export function acknowledgedIn(
  line: string | undefined,
): Record<string, { acknowledged: number; of: number }> {
  const counts: Record<string, { acknowledged: number; of: number }> = {};
  const list = /\(acknowledged: ([^)]*)\)/.exec(line ?? '')?.[1] ?? '';
  for (const part of list.split(', ')) {
    const match = /^(.*) (\d+)\/(\d+)$/.exec(part);
    if (match) counts[match[1]!] = { acknowledged: Number(match[2]), of: Number(match[3]) };
  }
  return counts;
}
