/**
 * The results of a pure function for its recently used distinct inputs, at most `capacity` of them.
 * For work that a replay repeats with identical input (every strategy and floor probe of a turn
 * tokenises, classifies and searches the same text): a repeat costs one map lookup instead of the
 * work.
 *
 * Beyond capacity the oldest result goes first unless it was used again since it came in, or since
 * its last second chance: then it moves to the back, unmarked, and the next oldest is looked at
 * (the "second chance" or CLOCK approximation of least-recently-used). So a stream of one-off keys
 * (a ticket number per message) cannot push out the keys every input shares, and a hit costs one
 * lookup and a flag, where exact recency would move the key on every hit (a delete and an insert,
 * which cost more than many of the computations remembered here).
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
  private readonly results = new Map<K, Remembered<V>>();

  /** @param capacity - Inputs remembered at most (≥ 1). */
  constructor(private readonly capacity: number) {
    if (!(capacity >= 1))
      throw new RangeError(`RecentResults needs a capacity of at least 1, got ${capacity}.`);
  }

  /**
   * The remembered result for `key`, computing and remembering it on a miss.
   *
   * @param worthKeeping - Whether a computed result is remembered (default: all are). Results that
   *   cost about as little to recompute as to look up would only push out the ones worth keeping.
   */
  get(key: K, compute: (key: K) => V, worthKeeping?: (value: V) => boolean): V {
    const known = this.results.get(key);
    if (known !== undefined) {
      known.used = true;
      return known.value;
    }
    const value = compute(key);
    if (worthKeeping !== undefined && !worthKeeping(value)) return value;
    // Room is made before the new result comes in: it is never the one dropped.
    if (this.results.size >= this.capacity) this.dropOne();
    this.results.set(key, { value, used: false });
    return value;
  }

  /** How many results are remembered now. */
  get size(): number {
    return this.results.size;
  }

  /**
   * Drops the oldest result not used since its last chance, giving each used one on the way a
   * second chance at the back. Ends within one round: every result it passes loses its mark.
   */
  private dropOne(): void {
    for (const [key, remembered] of this.results) {
      this.results.delete(key);
      if (!remembered.used) return;
      remembered.used = false;
      this.results.set(key, remembered);
    }
  }
}

/** A remembered result and whether it was used since it came in or last moved to the back. */
interface Remembered<V> {
  value: V;
  used: boolean;
}
