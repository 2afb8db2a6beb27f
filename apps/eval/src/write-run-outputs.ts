import { appendFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { ItemResult } from './item-result.js';
import { forEachItem, parseItem } from './report/parse-items.js';
import { renderHtml } from './report/render-html.js';
import { renderJunit } from './report/render-junit.js';
import { renderMarkdown } from './report/render-markdown.js';
import type { RunSummary } from './run-summary.js';
import { createParallelResampler } from './stats/parallel-resampler.js';
import { type BuildRunSummaryInput, buildRunSummary } from './summary/build-run-summary.js';
import { customMetricNames } from './summary/compare-strategies.js';
import { parseGateRules } from './summary/gate.js';
import { PackedItems } from './summary/packed-items.js';

/** What the run folder's reports are made from, besides its items. */
export interface RunOutputsInput {
  out: string;
  suite: BuildRunSummaryInput['suite'];
  strategies: BuildRunSummaryInput['strategies'];
  baseline: string;
  /** Extra pairs compared besides the baseline (see `BuildRunSummaryInput.pairs`). */
  pairs?: BuildRunSummaryInput['pairs'];
  gates: {
    failUnder: Record<string, number>;
    max: Record<string, number>;
    maxRegression: Record<string, number>;
  };
  seed: number;
  resamples: number;
  repeat: number;
  scorer: RunSummary['scorer'];
  model: string | null;
  /** Teacher forcing or free running (`summary.replay`). */
  replay?: RunSummary['replay'];
  startedAt: number;
  /** The run's duration, when it is known from before (a re-rendered run); default: since `startedAt`. */
  durationMs?: number;
  interrupted: boolean;
  shard?: { index: number; count: number };
  /** The folder paths in `report.md` and `report.html` are shown relative to. Default: the process's. */
  cwd?: string;
  env: Record<string, string | undefined>;
  /** Items to use, held whole, instead of reading `items.jsonl` (a caller that has them in memory). */
  items?: readonly ItemResult[];
  log?: (line: string) => void;
}

/** A run's id: the name of its run folder (known before the run starts). */
export function runIdOf(out: string): string {
  return out.split(/[\\/]/).filter(Boolean).pop() ?? 'run';
}

/**
 * Writes `summary.json`, `report.md`, `junit.xml` and `report.html` from the run folder's
 * `items.jsonl` (the latest line of each item wins, so a resumed run's redone items replace their
 * cut-off predecessors), and appends the Markdown report to the GitHub step summary when
 * `GITHUB_STEP_SUMMARY` is set.
 */
export async function writeRunOutputs(input: RunOutputsInput): Promise<{ summary: RunSummary }> {
  let items: ItemResult[];
  let examples: ItemResult[];
  if (input.items) {
    items = [...input.items];
    examples = items;
  } else {
    ({ items, examples } = await readRunItems(join(input.out, 'items.jsonl'), input.log));
  }
  // The bootstraps' resampling, about half of a large run's summary, shared with a helper thread
  // when there is a core for it (small jobs stay here: see createParallelResampler).
  const resampler = availableParallelism() > 1 ? createParallelResampler() : undefined;
  let summary: RunSummary;
  try {
    summary = buildRunSummary({
      items,
      strategies: input.strategies,
      baseline: input.baseline,
      ...(input.pairs && input.pairs.length > 0 ? { pairs: input.pairs } : {}),
      runId: runIdOf(input.out),
      createdAt: new Date(input.startedAt).toISOString(),
      durationMs: input.durationMs ?? Date.now() - input.startedAt,
      suite: input.suite,
      scorer: input.scorer,
      model: input.model,
      ...(input.replay ? { replay: input.replay } : {}),
      repeat: input.repeat,
      seed: input.seed,
      resamples: input.resamples,
      ...(input.interrupted ? { interrupted: true } : {}),
      ...(input.shard ? { shard: input.shard } : {}),
      gate: {
        // Gates may name a pluggable scorer: the run's own, or any custom score its items carry.
        rules: parseGateRules(input.gates, {
          customMetrics: [
            ...new Set([...Object.keys(input.scorer.custom ?? {}), ...customMetricNames(items)]),
          ],
        }),
      },
      resampler,
    });
  } finally {
    await resampler?.close();
  }
  if (resampler?.failure) {
    input.log?.(
      `The summary's resampling helper thread failed (${resampler.failure.message}); its share was computed on the main thread, with the same results.`,
    );
  }
  const cwd = input.cwd ?? process.cwd();
  const markdown = renderMarkdown(summary, { cwd });
  await Promise.all([
    writeFile(join(input.out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`),
    writeFile(join(input.out, 'report.md'), markdown),
    writeFile(join(input.out, 'junit.xml'), renderJunit(summary)),
    writeFile(join(input.out, 'report.html'), renderHtml(summary, { items: examples, cwd })),
  ]);
  const stepSummary = input.env.GITHUB_STEP_SUMMARY;
  if (stepSummary) await appendFile(stepSummary, `${markdown}\n`);
  return { summary };
}

/** How many of the most concerning items per strategy are kept whole for the HTML report. */
const examplesKept = 25;

/**
 * Streams `items.jsonl` keeping, per (strategy, item, repeat), only the latest line — as
 * `mergeItems` does — and only what summaries read, packed in columns ({@link PackedItems});
 * answers, inputs, nuggets and delegation records stay on disk. So memory grows with the number of
 * turns, by about 0.3 KB an item (the packed columns and the latest-line index), not with the size
 * of the answers and records. The most concerning items per strategy (errors and failures, then
 * the lowest quality) are kept whole for the HTML report's examples. Each line is validated for the
 * fields the summary reads, and the examples whole: a field nothing here reads is not checked in the
 * other items (`baton merge` validates every line whole as it copies the shards).
 */
async function readRunItems(
  file: string,
  log?: (line: string) => void,
): Promise<{ items: ItemResult[]; examples: ItemResult[] }> {
  // strategy → repeat → item id → the latest line's view. Nested maps rather than one map keyed by
  // a composed string: the ids are shared strings already, and a composed key per item would cost
  // more than the view itself.
  const latest = new Map<string, Map<number, Map<string, ItemResult>>>();
  const packed = new PackedItems();
  const worst = new Map<string, Map<string, { item: ItemResult; view: ItemResult; line: number }>>();
  // Only what the summary reads is validated line by line (the delegation records are most of a
  // line and of the validation's cost); the few items kept whole are validated whole below.
  const reading = { allowTruncatedTail: true, validate: 'summary' } as const;
  const { truncatedLine } = await forEachItem(file, reading, (item, line) => {
    const kept = packed.add(item);
    childOf(childOf(latest, kept.strategy), kept.repeat).set(kept.itemId, kept);
    const concerning = childOf(worst, kept.strategy);
    concerning.set(`${kept.repeat}\u0000${kept.itemId}`, { item, view: kept, line });
    if (concerning.size > examplesKept * 2) {
      const ranked = [...concerning.entries()]
        .sort((a, b) => concern(b[1].item) - concern(a[1].item))
        .slice(0, examplesKept);
      concerning.clear();
      for (const [key, entry] of ranked) concerning.set(key, entry);
    }
  });
  if (truncatedLine !== undefined) {
    log?.(`${file}:${truncatedLine}: dropped a cut-off line (an interrupted write).`);
  }
  const latestOf = (item: ItemResult) => latest.get(item.strategy)?.get(item.repeat)?.get(item.itemId);
  // An example counts only in its latest version (a resumed or re-judged item was written again).
  const examples = [...worst.values()].flatMap((kept) =>
    [...kept.values()]
      .filter((entry) => latestOf(entry.item) === entry.view)
      .map((entry) => parseItem(entry.item, { file, line: entry.line })),
  );
  const items: ItemResult[] = [];
  for (const repeats of latest.values()) {
    for (const byItem of repeats.values()) for (const kept of byItem.values()) items.push(kept);
  }
  return { items, examples };
}

/** The map under `key` in a map of maps, made empty on first use. */
function childOf<K, CK, CV>(parent: Map<K, Map<CK, CV>>, key: K): Map<CK, CV> {
  let child = parent.get(key);
  if (child === undefined) {
    child = new Map();
    parent.set(key, child);
  }
  return child;
}

/** Higher is more worth a look: errors and failures first, then low answer quality. */
function concern(item: ItemResult): number {
  if (item.outcome === 'error' || item.outcome === 'failed') return 2;
  const quality = item.scores.answerQuality;
  return typeof quality === 'number' ? 1 - quality : 0;
}
