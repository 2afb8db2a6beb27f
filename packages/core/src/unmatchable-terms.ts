/**
 * Proves, for a vocabulary that no longer changes, that a query term matches none of its terms:
 * not exactly, not as the prefix of one, and not within a Levenshtein distance. A full-text index's
 * fuzzy lookup walks its whole term tree near the root for every new term, and most new terms in
 * support traffic (ticket and order numbers, names, words of another language) match nothing; this
 * answers those without the walk, and says "maybe" for everything else, so a caller that falls back
 * to the real lookup on "maybe" gets exactly the real results.
 *
 * The fuzzy proof is the q-gram lemma (Jokinen and Ukkonen 1991) with bigrams: one insertion,
 * deletion or substitution destroys at most two of a string's bigrams, so a term within distance d
 * of a query of length L shares at least L − 1 − 2d of its bigrams (counted with multiplicity).
 * When no vocabulary term of a possible length reaches that count, none is within d. Distances are
 * over UTF-16 code units, as MiniSearch's.
 *
 * @example
 * ```ts
 * const terms = new UnmatchableTerms(['refund', 'receipt', 'printer']);
 * terms.provesNoMatch('t000123', 1, true); // true
 * terms.provesNoMatch('refnud', 1, true); // false: shares too much with "refund" to rule it out
 * ```
 */
export class UnmatchableTerms {
  /** The vocabulary in code-unit order, for the exact and prefix checks by binary search. */
  private readonly sorted: readonly string[];
  /** For each bigram, `[term, count, term, count, …]` over the terms of `sorted` that hold it. */
  private readonly postings = new Map<string, number[]>();
  /** Shared bigrams per term while one proof runs; reset through `touched`. */
  private readonly shared: Int32Array;
  private readonly touched: number[] = [];

  /**
   * @param vocabulary - Every term of the index, as stored (already processed).
   * @param budget - Postings one proof may read before it gives up and answers "maybe" (default
   *   4,096): a term made of the vocabulary's commonest bigrams would cost more than the lookup.
   */
  constructor(
    vocabulary: Iterable<string>,
    private readonly budget = 4096,
  ) {
    this.sorted = [...new Set(vocabulary)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.sorted.forEach((term, id) => {
      for (const [bigram, count] of bigrams(term)) {
        const list = this.postings.get(bigram);
        if (list === undefined) this.postings.set(bigram, [id, count]);
        else list.push(id, count);
      }
    });
    this.shared = new Int32Array(this.sorted.length);
  }

  /**
   * True only when the term provably has no exact match, no prefix match (when `prefix`) and no
   * match within `maxDistance` edits; false when one may exist.
   */
  provesNoMatch(term: string, maxDistance: number, prefix: boolean): boolean {
    const sorted = this.sorted;
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (sorted[middle]! < term) low = middle + 1;
      else high = middle;
    }
    // `sorted[low]` is the first term not before the query: the query itself, or the first term it
    // is a prefix of, if any.
    const next = sorted[low];
    if (next === term || (prefix && next?.startsWith(term))) return false;
    if (maxDistance <= 0) return true;

    const needed = term.length - 1 - 2 * maxDistance;
    if (needed <= 0) return false;
    const query = bigrams(term);
    let cost = 0;
    for (const bigram of query.keys()) cost += (this.postings.get(bigram)?.length ?? 0) / 2;
    if (cost > this.budget) return false;

    const { shared, touched } = this;
    let proven = true;
    search: for (const [bigram, count] of query) {
      const list = this.postings.get(bigram);
      if (list === undefined) continue;
      for (let index = 0; index < list.length; index += 2) {
        const id = list[index]!;
        if (shared[id] === 0) touched.push(id);
        shared[id]! += Math.min(count, list[index + 1]!);
        if (shared[id]! >= needed && Math.abs(sorted[id]!.length - term.length) <= maxDistance) {
          proven = false;
          break search;
        }
      }
    }
    for (const id of touched) shared[id] = 0;
    touched.length = 0;
    return proven;
  }
}

function bigrams(term: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (let index = 0; index + 1 < term.length; index += 1) {
    const bigram = term.slice(index, index + 2);
    counts.set(bigram, (counts.get(bigram) ?? 0) + 1);
  }
  return counts;
}
