/**
 * A seed for one purpose of a run (the interval of one metric, one paired comparison), derived from
 * the run's seed and the purpose's name with 32-bit FNV-1a. Each purpose draws its own random
 * stream, so a strategy's interval does not change with which other strategies or metrics ran
 * before it, and the same seed gives the same numbers.
 *
 * @example
 * ```ts
 * clusterBootstrap(values, { seed: purposeSeed(options.seed, 'interval:answerQuality') });
 * ```
 */
export function purposeSeed(seed: number, purpose: string): number {
  let hash = 0x811c9dc5;
  const text = `${seed}\u0000${purpose}`;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
