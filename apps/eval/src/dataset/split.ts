import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DatasetError, toFileError } from '../eval-error.js';
import type { Conversation } from './conversation.js';
import { describeZodIssue } from './describe-zod-issue.js';

/** Which side of the split a conversation is on. The trained router learns only from `train`. */
export type SplitPart = 'train' | 'test';

const conversationId = z.string().min(1);

/**
 * A fixed train/test split by conversation (`split.json`): how it was made and the sorted ids on
 * each side. An id may appear only once in the whole file.
 */
export const splitSchema = z
  .strictObject({
    /** How the split was made, e.g. `stratified-hash`. */
    method: z.string().min(1),
    /** The seed the method used, so the split can be made again. */
    seed: z.union([z.string(), z.number()]),
    train: z.array(conversationId),
    test: z.array(conversationId),
  })
  .superRefine((split, context) => {
    const first = new Map<string, string>();
    for (const part of ['train', 'test'] as const) {
      split[part].forEach((id, index) => {
        const previous = first.get(id);
        if (previous !== undefined) {
          context.addIssue({
            code: 'custom',
            path: [part, index],
            message: `${JSON.stringify(id)} is also ${previous}`,
          });
        }
        first.set(id, `${part}[${index}]`);
      });
    }
  });

/** A validated split. */
export type Split = z.output<typeof splitSchema>;

/**
 * Reads and validates a split file.
 *
 * @throws DatasetError naming the file and field (e.g. `test[12]: "tw-bo-0007" is also train[3]`),
 *   EvalError `not-found` for a missing file.
 * @example
 * ```ts
 * const split = await readSplit('datasets/support/split.json');
 * ```
 */
export async function readSplit(file: string): Promise<Split> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw toFileError(error, file);
  });
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');
    throw new DatasetError({ file, detail: `invalid JSON: ${reason}` }, { cause: error });
  }
  const result = splitSchema.safeParse(json, { reportInput: true });
  if (!result.success) {
    const { field, detail } = describeZodIssue(result.error.issues[0]!);
    throw new DatasetError({ file, field, detail }, { cause: result.error });
  }
  return result.data;
}

/** Where a conversation stream and its split file disagree. */
export interface SplitMismatch {
  /** Ids the split file lists that the stream never produced (sorted). */
  unknownIds: string[];
  /** Ids the stream produced that the split file lists on neither side (in stream order). */
  unassignedIds: string[];
}

/**
 * Keeps the conversations on one side of a split. When the stream ends, reports ids the split
 * lists but the stream lacked, and conversations the split does not place, if there are any.
 *
 * @example
 * ```ts
 * const test = filterBySplit(readConversations(suite.conversations), split, 'test', {
 *   onMismatch: (mismatch) => console.error(`${mismatch.unassignedIds.length} conversations are not in the split`),
 * });
 * ```
 */
export async function* filterBySplit(
  conversations: AsyncIterable<Conversation>,
  split: Split,
  part: SplitPart,
  options: { onMismatch?: (mismatch: SplitMismatch) => void } = {},
): AsyncGenerator<Conversation, void, undefined> {
  const sides = new Map<string, SplitPart>();
  for (const id of split.train) sides.set(id, 'train');
  for (const id of split.test) sides.set(id, 'test');
  const seen = new Set<string>();
  const unassignedIds: string[] = [];
  for await (const conversation of conversations) {
    const side = sides.get(conversation.id);
    if (side === undefined) unassignedIds.push(conversation.id);
    else seen.add(conversation.id);
    if (side === part) yield conversation;
  }
  const unknownIds = [...sides.keys()].filter((id) => !seen.has(id)).sort();
  if (unknownIds.length > 0 || unassignedIds.length > 0) options.onMismatch?.({ unknownIds, unassignedIds });
}
