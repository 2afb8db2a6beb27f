import { createHash } from 'node:crypto';
import type { Split, SplitPart } from './split.js';

/** The seed of the hash that places conversations a split file does not list. */
export const defaultSplitSeed = 'baton-split-v1';

/** Places any conversation id on one side of a split; see {@link createSplitAssigner}. */
export interface SplitAssigner {
  partOf(conversationId: string): SplitPart;
  /** How many ids so far were placed by the split file and how many by the hash. */
  readonly placed: { byFile: number; byHash: number };
  readonly seed: string;
  readonly testShare: number;
}

/**
 * A split that holds whatever dataset is read: an id the split file lists goes where the file
 * says; any other id goes to test when the SHA-256 of seed and id, read as a fraction of 2³², is
 * below `testShare`, else to train. The same id and seed always land on the same side, on every
 * machine and in every shard, so a trained router never learns from a conversation it is scored on.
 *
 * @example
 * ```ts
 * const assigner = createSplitAssigner(await readSplit('split.json'));
 * assigner.partOf('faq-export-17'); // 'train' or 'test', the same every time
 * ```
 */
export function createSplitAssigner(
  split: Split | undefined,
  options: { seed?: string; testShare?: number } = {},
): SplitAssigner {
  const sides = new Map<string, SplitPart>();
  for (const id of split?.train ?? []) sides.set(id, 'train');
  for (const id of split?.test ?? []) sides.set(id, 'test');
  const seed = options.seed ?? defaultSplitSeed;
  const testShare = options.testShare ?? 0.3;
  const placed = { byFile: 0, byHash: 0 };
  return {
    placed,
    seed,
    testShare,
    partOf(conversationId) {
      const side = sides.get(conversationId);
      if (side !== undefined) {
        placed.byFile += 1;
        return side;
      }
      placed.byHash += 1;
      const digest = createHash('sha256').update(`${seed}\u0000${conversationId}`).digest();
      return digest.readUInt32BE(0) / 2 ** 32 < testShare ? 'test' : 'train';
    },
  };
}
