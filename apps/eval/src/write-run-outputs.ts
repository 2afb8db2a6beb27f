import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ItemResult } from './item-result.js';
import { mergeItems, readItems } from './report/parse-items.js';
import { renderHtml } from './report/render-html.js';
import { renderJunit } from './report/render-junit.js';
import { renderMarkdown } from './report/render-markdown.js';
import type { RunSummary } from './run-summary.js';
import { type BuildRunSummaryInput, buildRunSummary } from './summary/build-run-summary.js';
import { parseGateRules } from './summary/gate.js';

/** What the run folder's reports are made from, besides its items. */
export interface RunOutputsInput {
  out: string;
  suite: BuildRunSummaryInput['suite'];
  strategies: readonly { name: string; description?: string }[];
  baseline: string;
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
  startedAt: number;
  interrupted: boolean;
  shard?: { index: number; count: number };
  env: Record<string, string | undefined>;
  /** Items to use instead of reading `items.jsonl` (merge passes them). */
  items?: readonly ItemResult[];
  log?: (line: string) => void;
}

/**
 * Writes `summary.json`, `report.md`, `junit.xml` and `report.html` from the run folder's
 * `items.jsonl` (the latest line of each item wins, so a resumed run's redone items replace their
 * cut-off predecessors), and appends the Markdown report to the GitHub step summary when
 * `GITHUB_STEP_SUMMARY` is set.
 */
export async function writeRunOutputs(
  input: RunOutputsInput,
): Promise<{ summary: RunSummary; items: ItemResult[] }> {
  let items: ItemResult[];
  if (input.items) {
    items = [...input.items];
  } else {
    const file = join(input.out, 'items.jsonl');
    const read = await readItems(file, { allowTruncatedTail: true });
    if (read.truncatedLine !== undefined)
      input.log?.(`${file}:${read.truncatedLine}: dropped a cut-off line (an interrupted write).`);
    items = mergeItems([{ file, items: read.items }]).items;
  }
  const summary = buildRunSummary({
    items,
    strategies: input.strategies,
    baseline: input.baseline,
    runId: input.out.split(/[\\/]/).filter(Boolean).pop() ?? 'run',
    createdAt: new Date(input.startedAt).toISOString(),
    durationMs: Date.now() - input.startedAt,
    suite: input.suite,
    scorer: input.scorer,
    model: input.model,
    repeat: input.repeat,
    seed: input.seed,
    resamples: input.resamples,
    ...(input.interrupted ? { interrupted: true } : {}),
    ...(input.shard ? { shard: input.shard } : {}),
    gate: { rules: parseGateRules(input.gates) },
  });
  const markdown = renderMarkdown(summary);
  await Promise.all([
    writeFile(join(input.out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`),
    writeFile(join(input.out, 'report.md'), markdown),
    writeFile(join(input.out, 'junit.xml'), renderJunit(summary)),
    writeFile(join(input.out, 'report.html'), renderHtml(summary, { items })),
  ]);
  const stepSummary = input.env.GITHUB_STEP_SUMMARY;
  if (stepSummary) await appendFile(stepSummary, `${markdown}\n`);
  return { summary, items };
}
