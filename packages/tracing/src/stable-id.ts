import { createHash } from 'node:crypto';

/**
 * A deterministic id in UUID layout, derived from its parts: the same parts give the same id in
 * every run and process, which is what makes re-pushing a dataset or its scores idempotent
 * (Langfuse upserts dataset items and scores by id).
 *
 * @example
 * ```ts
 * stableId('dataset-item', 'support-v1', 'conv-7#2'); // 'c5b1…-…' (36 characters)
 * ```
 */
export function stableId(...parts: readonly string[]): string {
  // NUL cannot occur in the parts' text, so ('a', 'bc') and ('ab', 'c') never collide.
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
