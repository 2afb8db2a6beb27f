import type MiniSearch from 'minisearch';
import { RecentResults } from './recent-results.js';

/** One document's match for one query term, as MiniSearch builds it internally. */
interface TermMatch {
  score: number;
  terms: string[];
  match: Record<string, string[]>;
}

/** A query term as MiniSearch expands it (`termToQuerySpec`). */
interface QuerySpec {
  term: string;
  fuzzy: boolean | number;
  prefix: boolean;
  termBoost: number;
}

type ExecuteQuerySpec = (query: QuerySpec, options: unknown) => Map<number, TermMatch>;

/**
 * Makes a MiniSearch index remember, per query term, the documents the term matches with their
 * BM25+ scores: the exact, prefix and fuzzy lookups (most of a search's time) then run once per
 * distinct term, not once per query. A search combines its terms' results in query order, so
 * handing it a fresh copy of the remembered ones gives bit-identical scores and order.
 *
 * Only for an index that no longer changes (documents added once, before any search) and that is
 * always searched with the same options: a term's results depend on both. It hooks MiniSearch's
 * internal `executeQuerySpec` (7.x); without that method the index is left as it is, so a MiniSearch
 * upgrade can make search slower but never different (a test compares against a plain index).
 *
 * @param index - The filled index.
 * @param capacity - Distinct terms remembered at most, oldest dropped first (default 4,096).
 */
export function memoizeTermQueries(index: MiniSearch<never> | MiniSearch<unknown>, capacity = 4096): void {
  const target = index as unknown as { executeQuerySpec?: ExecuteQuerySpec };
  const original = target.executeQuerySpec;
  if (typeof original !== 'function') return;
  const remembered = new RecentResults<string, Map<number, TermMatch>>(capacity);
  target.executeQuerySpec = function (this: unknown, query: QuerySpec, options: unknown) {
    const key = `${query.term}\u0000${query.fuzzy}\u0000${query.prefix}\u0000${query.termBoost}`;
    // Stored as computed, never handed out: MiniSearch's OR combinator merges into its maps.
    return copyResults(remembered.get(key, () => original.call(this, query, options)));
  };
}

function copyResults(results: Map<number, TermMatch>): Map<number, TermMatch> {
  const copy = new Map<number, TermMatch>();
  for (const [documentId, { score, terms, match }] of results) {
    const matchCopy: Record<string, string[]> = {};
    for (const term of Object.keys(match)) matchCopy[term] = match[term]!.slice();
    copy.set(documentId, { score, terms: terms.slice(), match: matchCopy });
  }
  return copy;
}
