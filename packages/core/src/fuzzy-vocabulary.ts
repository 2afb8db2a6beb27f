/**
 * A vocabulary that no longer changes, asked what a query term matches in it: exactly, as the
 * prefix of a term, or within a Levenshtein distance. A full-text index's fuzzy lookup walks its
 * whole term tree near the root for every new term; this answers from bigram counts instead.
 *
 * - {@link FuzzyVocabulary.provesNoMatch} proves that a term matches nothing (most new terms in
 *   support traffic: ticket and order numbers, names, words of another language), and says "maybe"
 *   for everything else, so a caller that falls back to the real lookup on "maybe" gets exactly the
 *   real results.
 * - {@link FuzzyVocabulary.within} lists every term within a distance, with its exact distance, in
 *   the order the vocabulary was given, or says it cannot narrow the search cheaply.
 *
 * Both rest on the q-gram lemma (Jokinen and Ukkonen 1991) with bigrams: one insertion, deletion or
 * substitution destroys at most two of a string's bigrams, so a term within distance d of a query
 * of length L shares at least L − 1 − 2d of its bigrams (counted with multiplicity). Terms that
 * reach that count and have a possible length are the only candidates; `within` checks each with
 * an exact edit distance. Distances are over UTF-16 code units, as MiniSearch's.
 *
 * @example
 * ```ts
 * const terms = new FuzzyVocabulary(['refund', 'receipt', 'printer']);
 * terms.provesNoMatch('t000123', 1, true); // true
 * terms.provesNoMatch('refnud', 1, true); // false: shares too much with "refund" to rule it out
 * terms.within('refunds', 1); // { ids: [0], distances: [1] }
 * ```
 */
export class FuzzyVocabulary {
  /** The distinct terms, in the order given: a term's id is its position here. */
  readonly terms: readonly string[];
  /** Ids in code-unit order of their terms, for the exact and prefix checks by binary search. */
  private readonly sorted: Int32Array;
  /**
   * For each bigram (its two code units as one number), `[id, count, id, count, …]` over the terms
   * that hold it.
   */
  private readonly postings = new Map<number, number[]>();
  /** Shared bigrams per term while one count runs; reset through `touched`. */
  private readonly shared: Int32Array;
  private readonly touched: number[] = [];
  /** One row of the edit distance table, reused (grown when a longer term comes). */
  private row = new Int32Array(64);
  /** The query's distinct bigrams and their counts while one question runs (grown as needed). */
  private queryBigrams = new Float64Array(64);
  private queryCounts = new Int32Array(64);

  /**
   * @param vocabulary - Every term, as stored (already processed); repeats are ignored.
   * @param budget - Postings one question may read before it gives up (default 4,096): a term
   *   made of the vocabulary's commonest bigrams would cost more than the lookup it saves.
   */
  constructor(
    vocabulary: Iterable<string>,
    private readonly budget = 4096,
  ) {
    const terms = [...new Set(vocabulary)];
    this.terms = terms;
    this.sorted = Int32Array.from(terms.keys()).sort((a, b) =>
      terms[a]! < terms[b]! ? -1 : terms[a]! > terms[b]! ? 1 : 0,
    );
    terms.forEach((term, id) => {
      const distinct = this.readBigrams(term);
      for (let at = 0; at < distinct; at += 1) {
        const bigram = this.queryBigrams[at]!;
        const list = this.postings.get(bigram);
        if (list === undefined) this.postings.set(bigram, [id, this.queryCounts[at]!]);
        else list.push(id, this.queryCounts[at]!);
      }
    });
    this.shared = new Int32Array(terms.length);
  }

  /**
   * True only when the term provably has no exact match, no prefix match (when `prefix`) and no
   * match within `maxDistance` edits; false when one may exist.
   */
  provesNoMatch(term: string, maxDistance: number, prefix: boolean): boolean {
    const next = this.firstNotBefore(term);
    // The query itself, or the first term it is a prefix of, if any.
    if (next === term || (prefix && next?.startsWith(term))) return false;
    if (maxDistance <= 0) return true;
    const needed = term.length - 1 - 2 * maxDistance;
    if (needed <= 0) return false;
    const distinct = this.affordableBigrams(term);
    if (distinct === undefined) return false;
    const proven = !this.countShared(distinct, needed, term.length, maxDistance);
    this.reset();
    return proven;
  }

  /**
   * Every term within `maxDistance` edits of `term` (the term itself included, at distance 0), as
   * ids in the order the vocabulary was given, with their exact distances; `undefined` when the
   * bigram bound cannot narrow the candidates (a term too short for the distance, or one whose
   * bigrams would read more postings than the budget), for the caller to search another way.
   */
  within(term: string, maxDistance: number): { ids: number[]; distances: number[] } | undefined {
    const needed = term.length - 1 - 2 * Math.max(0, maxDistance);
    if (needed <= 0) return undefined;
    const distinct = this.affordableBigrams(term);
    if (distinct === undefined) return undefined;
    const candidates: number[] = [];
    this.countShared(distinct, needed, term.length, maxDistance, candidates);
    this.reset();
    candidates.sort((a, b) => a - b);
    const ids: number[] = [];
    const distances: number[] = [];
    for (const id of candidates) {
      const candidate = this.terms[id]!;
      const distance = this.distanceWithin(candidate, term, maxDistance);
      if (distance <= maxDistance) {
        ids.push(id);
        distances.push(distance);
      }
    }
    return { ids, distances };
  }

  /** The first term, in code-unit order, that is not before `term`. */
  private firstNotBefore(term: string): string | undefined {
    const { sorted, terms } = this;
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (terms[sorted[middle]!]! < term) low = middle + 1;
      else high = middle;
    }
    return low < sorted.length ? terms[sorted[low]!] : undefined;
  }

  /**
   * Reads the term's distinct bigrams into `queryBigrams` and `queryCounts`; returns how many, or
   * `undefined` when reading their postings would pass the budget.
   */
  private affordableBigrams(term: string): number | undefined {
    const distinct = this.readBigrams(term);
    let cost = 0;
    for (let at = 0; at < distinct; at += 1) {
      cost += (this.postings.get(this.queryBigrams[at]!)?.length ?? 0) / 2;
    }
    return cost > this.budget ? undefined : distinct;
  }

  /**
   * Puts the term's distinct bigrams (two code units as one number: no substring, no map per
   * question) in ascending order into `queryBigrams`, with their counts in `queryCounts`.
   *
   * @returns How many distinct bigrams the term has.
   */
  private readBigrams(term: string): number {
    const pairs = term.length - 1;
    if (pairs <= 0) return 0;
    if (this.queryBigrams.length < pairs) {
      this.queryBigrams = new Float64Array(2 * pairs);
      this.queryCounts = new Int32Array(2 * pairs);
    }
    const codes = this.queryBigrams;
    for (let at = 0; at < pairs; at += 1) codes[at] = term.charCodeAt(at) * 65536 + term.charCodeAt(at + 1);
    codes.subarray(0, pairs).sort();
    let distinct = 0;
    for (let at = 0; at < pairs; at += 1) {
      if (distinct > 0 && codes[distinct - 1] === codes[at]) {
        this.queryCounts[distinct - 1]! += 1;
      } else {
        codes[distinct] = codes[at]!;
        this.queryCounts[distinct] = 1;
        distinct += 1;
      }
    }
    return distinct;
  }

  /**
   * Adds up, per term, the bigrams it shares with the query (the first `distinct` of
   * `queryBigrams`; each term that shares one is put in `touched`; call `reset` after), and notes
   * the terms of a possible length that reach `needed`: into `candidates` when given (each once, as
   * it reaches the bound), else it stops at the first.
   *
   * @returns Whether a term reached the bound (when `candidates` is not given).
   */
  private countShared(
    distinct: number,
    needed: number,
    length: number,
    maxDistance: number,
    candidates?: number[],
  ): boolean {
    const { shared, touched, terms, queryBigrams, queryCounts } = this;
    for (let at = 0; at < distinct; at += 1) {
      const list = this.postings.get(queryBigrams[at]!);
      if (list === undefined) continue;
      const count = queryCounts[at]!;
      for (let index = 0; index < list.length; index += 2) {
        const id = list[index]!;
        const before = shared[id]!;
        if (before === 0) touched.push(id);
        const after = before + Math.min(count, list[index + 1]!);
        shared[id] = after;
        if (after >= needed && before < needed && Math.abs(terms[id]!.length - length) <= maxDistance) {
          if (candidates === undefined) return true;
          candidates.push(id);
        }
      }
    }
    return false;
  }

  /** Clears the counts of the last question (only the terms it touched). */
  private reset(): void {
    for (const id of this.touched) this.shared[id] = 0;
    this.touched.length = 0;
  }

  /**
   * The Levenshtein distance of `a` and `b` when it is at most `limit`, otherwise `limit + 1`
   * (stops as soon as a whole row of the table is above the limit).
   */
  private distanceWithin(a: string, b: string, limit: number): number {
    const columns = b.length;
    if (this.row.length <= columns) this.row = new Int32Array(2 * (columns + 1));
    const row = this.row;
    for (let column = 0; column <= columns; column += 1) row[column] = column;
    for (let line = 1; line <= a.length; line += 1) {
      const unit = a.charCodeAt(line - 1);
      let diagonal = row[0]!;
      row[0] = line;
      let smallest = line;
      for (let column = 1; column <= columns; column += 1) {
        const above = row[column]!;
        const value = Math.min(
          diagonal + (unit === b.charCodeAt(column - 1) ? 0 : 1),
          above + 1,
          row[column - 1]! + 1,
        );
        row[column] = value;
        diagonal = above;
        if (value < smallest) smallest = value;
      }
      if (smallest > limit) return limit + 1;
    }
    return Math.min(row[columns]!, limit + 1);
  }
}
