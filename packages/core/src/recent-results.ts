/**
 * The results of a pure function for its most recently used distinct inputs, at most `capacity` of
 * them, the least recently used dropped first. For work that a replay repeats with identical input
 * (every strategy and floor probe of a turn tokenises, classifies and searches the same text): a
 * repeat costs one map lookup instead of the work.
 *
 * Only for functions whose result depends on the key alone, and whose results callers never mutate
 * (hand out read-only types, or copy).
 *
 * @example
 * ```ts
 * const recent = new RecentResults<string, string[]>(4096);
 * const words = (text: string) => recent.get(text, (key) => key.toLowerCase().split(/\s+/));
 * ```
 */
export class RecentResults<K, V> {
  private readonly results = new Map<K, V>();
  /** The most recently used key (the map's last), when there is one. */
  private newest: K | undefined;
  private hasNewest = false;

  /** @param capacity - Inputs remembered at most (≥ 1). */
  constructor(private readonly capacity: number) {
    if (!(capacity >= 1))
      throw new RangeError(`RecentResults needs a capacity of at least 1, got ${capacity}.`);
  }

  /**
   * The remembered result for `key`, computing and remembering it on a miss; either way `key` becomes
   * the most recently used.
   *
   * @param worthKeeping - Whether a computed result is remembered (default: all are). Results that
   *   cost about as little to recompute as to look up would only push out the ones worth keeping.
   */
  get(key: K, compute: (key: K) => V, worthKeeping?: (value: V) => boolean): V {
    const known = this.results.get(key);
    if (known !== undefined || this.results.has(key)) {
      // Used again: to the back of the line. Without this, a stream of one-off keys (a ticket
      // number per message) pushes out the keys every input shares, however often they are used.
      // A key already at the back stays put: the same key asked for again in a row (one text read
      // by several steps) skips a delete and a set, which also leave the map a hole to compact.
      if (!this.hasNewest || !Object.is(this.newest, key)) {
        this.results.delete(key);
        this.results.set(key, known as V);
        this.newest = key;
        this.hasNewest = true;
      }
      return known as V;
    }
    const value = compute(key);
    if (worthKeeping !== undefined && !worthKeeping(value)) return value;
    this.results.set(key, value);
    this.newest = key;
    this.hasNewest = true;
    if (this.results.size > this.capacity) {
      const oldest = this.results.keys().next();
      if (!oldest.done) this.results.delete(oldest.value);
    }
    return value;
  }

  /** How many results are remembered now. */
  get size(): number {
    return this.results.size;
  }
}
