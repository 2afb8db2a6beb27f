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
  /** Where each remembered key sits in the ring below. */
  private readonly slots = new Map<K, number>();
  // The ring: key, result and mark of each slot. Eviction walks a hand over it, so dropping a
  // result costs one map delete. The queue this replaces (a map in insertion order, a used result
  // deleted and re-inserted at the back) made V8's ordered hash table skip every deleted entry from
  // its start on each eviction: at 8,192 results, half of the keys new, 1.6-1.7 µs a lookup against
  // 0.1 µs here (`npm run bench -w @baton/core`), with the same results dropped (see the test
  // against the queue). The arrays grow as results come in: a large capacity costs nothing unused.
  private readonly keys: K[] = [];
  private readonly values: V[] = [];
  /** 1 when the slot's result was used since it came in or since its last second chance. */
  private readonly used: number[] = [];
  /** The next slot eviction looks at: the oldest result, once the ring is full. */
  private hand = 0;

  /**
   * @param capacity - Inputs remembered at most: a whole number ≥ 1, or `Infinity` (never drops).
   * @throws RangeError for any other capacity.
   */
  constructor(private readonly capacity: number) {
    if (!(capacity >= 1) || !(Number.isInteger(capacity) || capacity === Number.POSITIVE_INFINITY))
      throw new RangeError(`RecentResults needs a whole capacity of at least 1, got ${capacity}.`);
  }

  /**
   * The remembered result for `key`, computing and remembering it on a miss.
   *
   * @param worthKeeping - Whether a computed result is remembered (default: all are). Results that
   *   cost about as little to recompute as to look up would only push out the ones worth keeping.
   */
  get(key: K, compute: (key: K) => V, worthKeeping?: (value: V) => boolean): V {
    const known = this.slots.get(key);
    if (known !== undefined) {
      this.used[known] = 1;
      return this.values[known]!;
    }
    const value = compute(key);
    if (worthKeeping !== undefined && !worthKeeping(value)) return value;
    // Room is made before the new result comes in: it is never the one dropped.
    if (this.keys.length < this.capacity) {
      this.slots.set(key, this.keys.length);
      this.keys.push(key);
      this.values.push(value);
      this.used.push(0);
      return value;
    }
    const slot = this.dropOne();
    this.keys[slot] = key;
    this.values[slot] = value;
    this.used[slot] = 0;
    this.slots.set(key, slot);
    return value;
  }

  /** How many results are remembered now. */
  get size(): number {
    return this.slots.size;
  }

  /**
   * Drops the oldest result not used since its last chance, giving each used one on the way a
   * second chance (its mark cleared, looked at again after all the others), and returns its slot,
   * which the new result takes: the newest is then the last the hand reaches. Ends within one round:
   * every result it passes loses its mark.
   */
  private dropOne(): number {
    const { used, capacity } = this;
    let hand = this.hand;
    while (used[hand] === 1) {
      used[hand] = 0;
      hand = hand + 1 === capacity ? 0 : hand + 1;
    }
    this.hand = hand + 1 === capacity ? 0 : hand + 1;
    this.slots.delete(this.keys[hand]!);
    return hand;
  }
}
