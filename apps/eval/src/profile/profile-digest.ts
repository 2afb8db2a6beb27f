import { createHash } from 'node:crypto';

/**
 * The digest a delegate profile keeps of the conversations it was measured on: `sha256:` and the
 * hex SHA-256 of the sorted ids joined by line breaks. Reading a profile recomputes it, so an edited
 * list (one that would let an evaluated conversation slip past the train/test check) is refused.
 *
 * @param conversationIds - The ids, sorted and unique.
 */
export function profileDigest(conversationIds: readonly string[]): string {
  return `sha256:${createHash('sha256').update(conversationIds.join('\n')).digest('hex')}`;
}
