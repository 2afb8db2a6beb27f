import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ItemResult } from '../src/item-result.js';
import type { RunSummary } from '../src/run-summary.js';

/** What a run folder holds, parsed: the raw lines of `items.jsonl` (duplicates included) and `summary.json`. */
export interface RunFolder {
  summary: RunSummary;
  items: ItemResult[];
}

/** Reads a run folder's `summary.json` and every line of its `items.jsonl`, unvalidated. */
export async function readRunFolder(dir: string): Promise<RunFolder> {
  const [summary, items] = await Promise.all([
    readFile(join(dir, 'summary.json'), 'utf8').then((text) => JSON.parse(text) as RunSummary),
    readItemLines(join(dir, 'items.jsonl')),
  ]);
  return { summary, items };
}

/** Every line of an `items.jsonl`, parsed, in file order. */
export async function readItemLines(file: string): Promise<ItemResult[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ItemResult);
}

/** `strategy → mean answer quality` of a summary, for comparing runs. */
export function qualityMeans(summary: RunSummary): Record<string, number | null> {
  return Object.fromEntries(
    summary.strategies.map((strategy) => [strategy.name, strategy.metrics.answerQuality.mean]),
  );
}

/** `strategy → turns` of a summary, for comparing runs. */
export function turnCounts(summary: RunSummary): Record<string, number> {
  return Object.fromEntries(summary.strategies.map((strategy) => [strategy.name, strategy.turns]));
}
