import { open } from 'node:fs/promises';
import type { z } from 'zod';
import { describeZodIssue } from '../dataset/describe-zod-issue.js';
import { readLines } from '../dataset/read-lines.js';
import { DatasetError, toFileError } from '../eval-error.js';
import type { ItemResult } from '../item-result.js';
import { itemResultSchema } from './item-result-schema.js';

/** Options of {@link readItems}. */
export interface ReadItemsOptions {
  /**
   * Drop a last line that is cut off (not ended by a line break, and not valid JSON, or not valid
   * UTF-8 when the cut fell inside a character), as an interrupted run leaves it, instead of
   * failing; `--resume` redoes that item. Default false.
   */
  allowTruncatedTail?: boolean;
  /**
   * What is validated: the whole item (default), or only the fields a run summary reads
   * ({@link itemSummaryFields}: ids, outcome, error, scores, usage, cost, latency, whether there
   * are a reference and nuggets, the free-run record), the rest passed through unchecked. For a
   * reader that keeps only those, over a whole run: the delegation records are most of a line and
   * most of the validation's cost. Validate whatever else it keeps with {@link parseItem}.
   */
  validate?: 'whole' | 'summary';
}

/** The fields `validate: 'summary'` checks: all that a run summary reads of an item. */
export const itemSummaryFields = [
  'itemId',
  'conversationId',
  'turnIndex',
  'repeat',
  'strategy',
  'reference',
  'nuggets',
  'nuggetSource',
  'outcome',
  'error',
  'usage',
  'costUsd',
  'latencyMs',
  'scores',
  'freeRun',
] as const satisfies readonly (keyof ItemResult)[];

const itemSummarySchema = itemResultSchema.pick(
  Object.fromEntries(itemSummaryFields.map((field) => [field, true])) as {
    [Field in (typeof itemSummaryFields)[number]]: true;
  },
);

/** What {@link readItems} read. */
export interface ReadItemsResult {
  /** The items, in file order (duplicates included; see {@link mergeItems}). */
  items: ItemResult[];
  /** The 1-based line dropped as cut off, when `allowTruncatedTail` dropped one. */
  truncatedLine?: number;
}

/**
 * Reads an `items.jsonl` file back into {@link ItemResult}s, validating every line with zod.
 * Streams the file line by line (a large run never becomes one string), tolerates a UTF-8 BOM,
 * CRLF line ends and blank lines.
 *
 * @param file - Path of the items file.
 * @param options - Whether a cut-off last line is dropped.
 * @returns The items and, when one was dropped, the truncated line's number.
 * @throws DatasetError `invalid-input` naming file, line and field for a line that is not JSON
 *   or not an item; EvalError `not-found` or `io` when the file cannot be read.
 *
 * @example
 * ```ts
 * const { items, truncatedLine } = await readItems('out/items.jsonl', { allowTruncatedTail: true });
 * ```
 */
export async function readItems(file: string, options: ReadItemsOptions = {}): Promise<ReadItemsResult> {
  const items: ItemResult[] = [];
  const { truncatedLine } = await forEachItem(file, options, (item) => {
    items.push(item);
  });
  return truncatedLine === undefined ? { items } : { items, truncatedLine };
}

/**
 * Streams an `items.jsonl` file item by item, with the validation and cut-off-tail handling of
 * {@link readItems}, without holding the file's items in memory: for large runs, where the caller
 * keeps only what it needs of each item.
 *
 * @param visit - Called with each valid item, in file order, with its line number and the line as
 *   written (to copy it without serialising the item again); reading waits for a returned promise.
 * @returns The truncated line's number, when a cut-off last line was dropped.
 */
export async function forEachItem(
  file: string,
  options: ReadItemsOptions,
  visit: (item: ItemResult, line: number, text: string) => void | Promise<void>,
): Promise<{ truncatedLine?: number }> {
  const validate = options.validate ?? 'whole';
  const endsWithLineBreak = await lastByteIsLineBreak(file);
  // A line that is not JSON is held back while it might still be the cut-off last line.
  let pending: { line: number; error: DatasetError } | undefined;
  let truncatedLine: number | undefined;
  try {
    // The project's line reader (LF, CRLF or a lone CR, as node:readline; a BOM dropped): about
    // twice as fast as readline on a run's items, and strict, so a corrupt byte stops the read
    // where readline put U+FFFD into the item's text.
    const lines = readLines(file, {
      maxLineBytes: maxItemLineBytes,
      tolerateCutTail: options.allowTruncatedTail === true,
    });
    for await (const { line, text, tooLong, cut } of lines) {
      if (!tooLong && cut === undefined && text.trim() === '') continue;
      if (pending !== undefined) throw pending.error;
      if (tooLong) {
        throw new DatasetError({ file, line, detail: `line is longer than ${maxItemLineBytes} bytes` });
      }
      if (cut) {
        // Only the last line, ended by no line break, comes back cut: the cut-off tail.
        truncatedLine = line;
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const invalid = new DatasetError({ file, line, detail: `not valid JSON: ${reason}` });
        if (!options.allowTruncatedTail) throw invalid;
        pending = { line, error: invalid };
        continue;
      }
      // A visitor that writes somewhere may return a promise to hold the reading back (backpressure).
      const visited = visit(parseItem(value, { file, line }, validate), line, text);
      if (visited) await visited;
    }
    if (pending !== undefined) {
      if (endsWithLineBreak) throw pending.error;
      truncatedLine = pending.line;
    }
  } catch (error) {
    throw toFileError(error, file);
  }
  return truncatedLine === undefined ? {} : { truncatedLine };
}

/**
 * Validates one parsed line as an {@link ItemResult}.
 *
 * @param value - The parsed JSON value.
 * @param location - File and 1-based line, for the error message.
 * @param validate - The whole item (default), or only {@link itemSummaryFields} (the rest of the
 *   object is returned as it came, unchecked).
 * @throws DatasetError `invalid-input` naming the first invalid field.
 */
export function parseItem(
  value: unknown,
  location: { file: string; line: number },
  validate: 'whole' | 'summary' = 'whole',
): ItemResult {
  if (validate === 'whole') {
    const result = itemResultSchema.safeParse(value, { reportInput: true });
    if (!result.success) throw invalidItem(result.error, location);
    const item: ItemResult = result.data;
    return item;
  }
  const result = itemSummarySchema.safeParse(value, { reportInput: true });
  if (!result.success) throw invalidItem(result.error, location);
  // The fields it did not check came through as they were (the schema is loose).
  return result.data as unknown as ItemResult;
}

function invalidItem(error: z.ZodError, location: { file: string; line: number }): DatasetError {
  const { field, detail } = describeZodIssue(error.issues[0]!);
  return new DatasetError({ ...location, ...(field === undefined ? {} : { field }), detail });
}

/** Longest item line read: V8's longest string (2^29 - 24 UTF-16 units) is about this. */
const maxItemLineBytes = 2 ** 29;

async function lastByteIsLineBreak(file: string): Promise<boolean> {
  const handle = await open(file, 'r').catch((error: unknown) => {
    throw toFileError(error, file);
  });
  try {
    const { size } = await handle.stat();
    if (size === 0) return true;
    const { buffer } = await handle.read({ buffer: Buffer.alloc(1), position: size - 1 });
    return buffer[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

/** One file's items, for {@link mergeItems}. */
export interface ItemSource {
  /** Where the items came from, for conflict reports. */
  file: string;
  items: readonly ItemResult[];
}

/** A (strategy, item, repeat) found in more than one source. */
export interface ItemConflict {
  strategy: string;
  itemId: string;
  repeat: number;
  /** Every source that holds it, in the order given; the last one's item was kept. */
  files: string[];
}

/** What {@link mergeItems} made of its sources. */
export interface MergeItemsResult {
  /** One item per (strategy, itemId, repeat), in order of first appearance, the latest line kept. */
  items: ItemResult[];
  /** Keys found in more than one source: shards should never overlap. */
  conflicts: ItemConflict[];
  /** Lines replaced by a later line of the same source (a resumed run redoing an item). */
  replaced: number;
}

/**
 * Merges items from one or more files (the shards of a run, or one file a resumed run appended
 * to) into one item per (strategy, itemId, repeat), keeping the latest line: later in its file,
 * and from a later source when several hold it. Overlaps between sources are reported as
 * conflicts rather than silently resolved, because disjoint shards never overlap.
 *
 * @param sources - The files' items, oldest first.
 * @returns The merged items, the conflicts, and how many lines a later line of the same file replaced.
 *
 * @example
 * ```ts
 * const sources = await Promise.all(files.map(async (file) => ({ file, items: (await readItems(file)).items })));
 * const { items, conflicts } = mergeItems(sources);
 * for (const conflict of conflicts) log(`${conflict.itemId} is in ${conflict.files.join(' and ')}`);
 * ```
 */
export function mergeItems(sources: readonly ItemSource[]): MergeItemsResult {
  const merged = new Map<string, { item: ItemResult; files: string[] }>();
  let replaced = 0;
  for (const source of sources) {
    for (const item of source.items) {
      const key = JSON.stringify([item.strategy, item.itemId, item.repeat]);
      const entry = merged.get(key);
      if (entry === undefined) {
        merged.set(key, { item, files: [source.file] });
        continue;
      }
      if (entry.files.at(-1) === source.file) replaced += 1;
      else entry.files.push(source.file);
      entry.item = item;
    }
  }
  const conflicts: ItemConflict[] = [];
  for (const { item, files } of merged.values()) {
    if (files.length > 1) {
      conflicts.push({ strategy: item.strategy, itemId: item.itemId, repeat: item.repeat, files });
    }
  }
  return { items: [...merged.values()].map((entry) => entry.item), conflicts, replaced };
}
