import { createReadStream, existsSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { createInterface } from 'node:readline';

/** What {@link compactItems} did. */
export interface CompactionResult {
  /** Lines kept: one per item. */
  kept: number;
  /** Earlier lines of an item that has a later one (a re-run unit, a pairwise judgement). */
  superseded: number;
  /** Lines of units that never finished: the resumed run replays those units. */
  unfinished: number;
  /** Lines that are not an item at all (not JSON, no ids). */
  unreadable: number;
}

/** Options of {@link compactItems}. */
export interface CompactItemsOptions {
  /**
   * Keeps only items of these units (`unitKeyOf(strategy, conversationId, repeat)`); the others are
   * dropped, since a resumed run replays their units whole. Default: keep every unit.
   */
  doneUnits?: ReadonlySet<string>;
  /** The key of a unit, as `units.jsonl` records it. */
  unitKeyOf: (strategy: string, conversationId: string, repeat: number) => string;
}

interface ItemIds {
  strategy: string;
  conversationId: string;
  itemId: string;
  repeat: number;
}

/**
 * Rewrites `items.jsonl` to exactly one line per item (strategy × turn × repeat): the last line of
 * each item wins, and with `doneUnits` only items of finished units stay. The new file is written
 * aside, flushed to disk and renamed over the old one, so a crash at any moment leaves either the
 * old file or the new one, never half of each; compacting again is harmless. Two passes over the
 * file, holding only the items' keys, so memory stays small for large runs.
 *
 * @example
 * ```ts
 * await compactItems('out/items.jsonl', { doneUnits, unitKeyOf: unitKey });
 * ```
 */
export async function compactItems(file: string, options: CompactItemsOptions): Promise<CompactionResult> {
  const result: CompactionResult = { kept: 0, superseded: 0, unfinished: 0, unreadable: 0 };
  if (!existsSync(file)) return result;
  // First pass: the last line of every item.
  const lastLine = new Map<string, number>();
  await forEachLine(file, (line, number) => {
    const ids = idsOf(line);
    if (ids !== undefined) lastLine.set(itemKey(ids), number);
  });
  // Second pass: copy what stays.
  const aside = `${file}.compacting`;
  const output = await open(aside, 'w');
  let changed = false;
  try {
    let buffered: string[] = [];
    const flush = async () => {
      if (buffered.length === 0) return;
      await output.write(buffered.join(''));
      buffered = [];
    };
    await forEachLine(file, async (line, number) => {
      const ids = idsOf(line);
      if (ids === undefined) {
        if (line.trim() !== '') result.unreadable += 1;
        changed = true;
        return;
      }
      if (lastLine.get(itemKey(ids)) !== number) {
        result.superseded += 1;
        changed = true;
        return;
      }
      if (
        options.doneUnits &&
        !options.doneUnits.has(options.unitKeyOf(ids.strategy, ids.conversationId, ids.repeat))
      ) {
        result.unfinished += 1;
        changed = true;
        return;
      }
      result.kept += 1;
      buffered.push(`${line}\n`);
      if (buffered.length >= 256) await flush();
    });
    await flush();
    await output.sync();
  } finally {
    await output.close();
  }
  if (changed) await rename(aside, file);
  else await unlink(aside);
  return result;
}

function itemKey(ids: ItemIds): string {
  return `${ids.strategy}\u0000${ids.itemId}\u0000${ids.repeat}`;
}

function idsOf(line: string): ItemIds | undefined {
  if (line.trim() === '') return undefined;
  try {
    const value = JSON.parse(line) as Partial<ItemIds>;
    if (
      typeof value.strategy === 'string' &&
      typeof value.conversationId === 'string' &&
      typeof value.itemId === 'string' &&
      typeof value.repeat === 'number'
    )
      return value as ItemIds;
  } catch {
    // Not an item: dropped.
  }
  return undefined;
}

async function forEachLine(
  file: string,
  visit: (line: string, number: number) => void | Promise<void>,
): Promise<void> {
  const lines = createInterface({
    input: createReadStream(file, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let number = 0;
  for await (const line of lines) {
    number += 1;
    await visit(line, number);
  }
}
