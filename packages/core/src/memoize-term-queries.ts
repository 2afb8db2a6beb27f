import type MiniSearch from 'minisearch';
import { FuzzyVocabulary } from './fuzzy-vocabulary.js';
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

/** The parts of MiniSearch 7's internals {@link memoizeTermQueries} reads. */
interface MiniSearchInternals {
  executeQuerySpec?: ExecuteQuerySpec;
  _documentIds?: Map<number, unknown>;
  /** The term tree (a `SearchableMap`): its keys are the vocabulary. */
  _index?: SearchableMapInternals;
  _options?: {
    tokenize?: (text: string) => string[];
    processTerm?: (term: string) => string | string[] | null | undefined | false;
    searchOptions?: Record<string, unknown>;
  };
}

/** The parts of MiniSearch 7's `SearchableMap` (its term tree) {@link memoizeTermQueries} reads. */
interface SearchableMapInternals {
  /** The radix tree: edge labels to child nodes, and `''` to a term's data at the term's node. */
  _tree?: Map<string, unknown>;
  _prefix?: string;
  size?: number;
  get?: (term: string) => unknown;
  fuzzyGet?: (term: string, maxDistance: number) => Map<string, [unknown, number]>;
}

/** A document of a ranking: its id and the score MiniSearch's `search` gives it. */
export interface RankedDocument {
  id: string;
  score: number;
}

/**
 * Makes a MiniSearch index remember, per query term, the documents the term matches with their
 * BM25+ scores: the exact, prefix and fuzzy lookups (most of a search's time) then run once per
 * distinct term, not once per query. A search combines its terms' results in query order, so
 * handing it a fresh copy of the remembered ones gives bit-identical scores and order.
 *
 * Returns a ranking function equal to `index.search(query)` reduced to ids and scores, for callers
 * that need no more: it sums the remembered term results itself in MiniSearch's order (an OR of the
 * terms, each document's sum times the number of query terms it matched, a stable sort by score)
 * and so copies nothing and builds no result objects, which was half of a remembered search's cost.
 *
 * A new term that provably matches nothing (no exact or prefix match, and too few shared bigrams
 * with any term of a possible length for a fuzzy one: `FuzzyVocabulary`) gets no results without
 * MiniSearch's fuzzy walk of its term tree, and is remembered apart as a miss, so a stream of them
 * (a ticket number per message) does not push the useful terms out; any other term takes the real
 * lookup, in which the fuzzy matches come from the same bigram counts and an exact edit distance
 * per candidate instead of the walk: the same terms with the same distances in the walk's order
 * (the tree's depth-first order), so the same scores (a term the bigrams cannot narrow, one too
 * short for its distance, still takes the walk).
 *
 * Only for an index that no longer changes (documents added once, before any search) and that is
 * always searched with the same options: a term's results depend on both. It hooks MiniSearch's
 * internal `executeQuerySpec` (7.x); without that method, or with search options it does not
 * reproduce (an AND, a filter, prefix, fuzzy or term boosts given as functions), the index is left
 * as it is and the ranking calls `search`: a MiniSearch upgrade can make search slower but never
 * different (a test compares against a plain index).
 *
 * @param index - The filled index.
 * @param capacity - Distinct terms remembered at most, the least recently used dropped first
 *   (default 4,096).
 */
export function memoizeTermQueries(
  index: MiniSearch<never> | MiniSearch<unknown>,
  capacity = 4096,
): (query: string) => RankedDocument[] {
  const plainRanking = (query: string) =>
    index.search(query).map((result) => ({ id: String(result.id), score: result.score }));
  const target = index as unknown as MiniSearchInternals;
  const original = target.executeQuerySpec;
  if (typeof original !== 'function') return plainRanking;
  const remembered = new RecentResults<string, Map<number, TermMatch>>(capacity);
  const configuredMaxFuzzy = target._options?.searchOptions?.maxFuzzy;
  const indexMaxFuzzy = typeof configuredMaxFuzzy === 'number' ? configuredMaxFuzzy : 6;
  /** MiniSearch 7's fuzzy distance for a term (`executeQuerySpec`): 0 means no fuzzy lookup. */
  const fuzzyDistance = (query: QuerySpec, options: unknown): number => {
    if (!query.fuzzy) return 0;
    const fuzzy = query.fuzzy === true ? 0.2 : query.fuzzy;
    if (fuzzy >= 1) return fuzzy;
    // MiniSearch reads maxFuzzy from the search's options over the index's (default 6).
    const given = (options as { maxFuzzy?: unknown } | undefined)?.maxFuzzy;
    const maxFuzzy = typeof given === 'number' ? given : indexMaxFuzzy;
    return Math.min(maxFuzzy, Math.round(query.term.length * fuzzy));
  };
  // Shared by every proven miss: read-only (the public path hands out copies).
  const noMatch = new Map<number, TermMatch>();
  // Built on first use, from the term tree as it is then (it no longer changes).
  let treeVocabulary: TreeVocabulary | null | undefined;
  const vocabularyOf = (): TreeVocabulary | null => {
    if (treeVocabulary === undefined) treeVocabulary = readTreeVocabulary(target._index);
    return treeVocabulary;
  };
  const tree = target._index;
  const walk = tree?.fuzzyGet;
  if (tree !== undefined && typeof walk === 'function') {
    // MiniSearch's own fuzzy lookup (`executeQuerySpec` calls it on the tree), answered from the
    // bigram counts where they narrow the candidates.
    tree.fuzzyGet = (term: string, maxDistance: number) => {
      const found = vocabularyOf();
      const near = found?.vocabulary.within(term, maxDistance);
      if (found == null || near === undefined) return walk.call(tree, term, maxDistance);
      const results = new Map<string, [unknown, number]>();
      for (let at = 0; at < near.ids.length; at += 1) {
        const id = near.ids[at]!;
        results.set(found.vocabulary.terms[id]!, [found.data[id], near.distances[at]!]);
      }
      return results;
    };
  }
  const provenMisses = new RecentResults<string, boolean>(capacity);
  const lookUp = (query: QuerySpec, options: unknown, key: string): Map<number, TermMatch> => {
    // A term with no exact, prefix or fuzzy match has no results; proving it is far cheaper than
    // MiniSearch's lookup, and "maybe" falls back to the real lookup.
    const terms = vocabularyOf()?.vocabulary;
    const proven =
      terms !== undefined &&
      provenMisses.get(key, () =>
        terms.provesNoMatch(query.term, fuzzyDistance(query, options), query.prefix),
      );
    return proven ? noMatch : original.call(index, query, options);
  };
  const keyOf = (query: QuerySpec): string =>
    `${query.term}\u0000${query.fuzzy}\u0000${query.prefix}\u0000${query.termBoost}`;
  const termResults = (query: QuerySpec, options: unknown): Map<number, TermMatch> => {
    const key = keyOf(query);
    // A proven miss is remembered as a boolean (`provenMisses`), not among the results: most new
    // terms of support traffic are misses (a ticket number per message, another language's words)
    // that would push out the results worth keeping.
    return remembered.get(
      key,
      () => lookUp(query, options, key),
      (results) => results !== noMatch,
    );
  };
  target.executeQuerySpec = (query: QuerySpec, options: unknown) =>
    // Never handed out as stored: MiniSearch's OR combinator merges into its maps.
    copyResults(termResults(query, options));

  const internal = target._options;
  const options: Record<string, unknown> = {
    tokenize: internal?.tokenize,
    processTerm: internal?.processTerm,
    ...internal?.searchOptions,
  };
  const documentIds = target._documentIds;
  const { tokenize, processTerm, fuzzy, prefix } = options;
  const reproducible =
    typeof tokenize === 'function' &&
    typeof processTerm === 'function' &&
    documentIds instanceof Map &&
    (fuzzy === undefined || typeof fuzzy === 'boolean' || typeof fuzzy === 'number') &&
    (prefix === undefined || typeof prefix === 'boolean') &&
    options.boostTerm === undefined &&
    options.filter === undefined &&
    String(options.combineWith ?? 'or').toLowerCase() === 'or';
  if (!reproducible) return plainRanking;
  const split = tokenize as (text: string) => string[];
  const process = processTerm as (term: string) => string | string[] | null | undefined | false;

  // MiniSearch numbers its documents 0, 1, 2… as they are added (its short ids), so a search's sums
  // live in arrays indexed by short id rather than in a map per search. Laid out on the first
  // search, when the index is full.
  let ids: string[] | null | undefined;
  const layOut = (): string[] | null => {
    const laid: string[] = [];
    for (const [shortId, id] of documentIds) {
      // Not MiniSearch 7's numbering: searches then go through MiniSearch itself.
      if (!Number.isSafeInteger(shortId) || shortId < 0 || shortId > 0x7fffffff) return null;
      laid[shortId] = String(id);
    }
    return laid;
  };
  // Each term's matches packed for summing, keyed by the term alone (the ranking always asks with
  // the index's options). Proven misses are not kept, as above; a term that took the real lookup
  // is, matches or not. The lookup's own result (a map of match objects) is packed and dropped, not
  // also kept in `remembered`, which only MiniSearch's own searches fill (an index the ranking
  // cannot reproduce): keeping both held each term's matches twice.
  const views = new RecentResults<string, PackedTermMatches>(capacity);
  const provenEmpty = packTermMatches(noMatch, '');
  const viewOf = (term: string): PackedTermMatches =>
    views.get(
      term,
      () => {
        const query: QuerySpec = {
          term,
          fuzzy: (fuzzy as boolean | number) || false,
          prefix: prefix === true,
          termBoost: 1,
        };
        const results = lookUp(query, options, keyOf(query));
        return results === noMatch ? provenEmpty : packTermMatches(results, term);
      },
      (view) => view !== provenEmpty,
    );

  return (query) => {
    // As MiniSearch's executeQuery: tokenise, process (a term may become several or none), then one
    // query spec per term with the index's search options.
    const terms = split(query)
      .flatMap((term) => process(term))
      .filter((term): term is string => typeof term === 'string' && term.length > 0);
    if (ids === undefined) ids = layOut();
    if (ids === null) return plainRanking(query);
    const documents = ids.length;
    // A document's score is its matches' sum times the number of distinct query terms it matched
    // (MiniSearch's OR keeps the matched terms in a list per document; comparing strings against it
    // was most of a search). Here a term is a bit: one per distinct query term, per document.
    const termIds = new Map<string, number>();
    for (const term of terms) if (!termIds.has(term)) termIds.set(term, termIds.size);
    const words = Math.max(1, (termIds.size + 31) >>> 5);
    const seen = new Int32Array(documents * words);
    const counts = new Int32Array(documents);
    const scores = new Float64Array(documents);
    const touched = new Uint8Array(documents);
    // Matched terms that are none of the query's own (MiniSearch 7 never reports one): by document.
    let others: Map<number, string[]> | undefined;
    // `first`: the document's first matches, whose list MiniSearch takes whole (a term listed twice
    // there counts twice; later lists only add what is new).
    const countTerm = (documentId: number, termId: number, first: boolean): void => {
      const slot = documentId * words + (termId >>> 5);
      const bit = 1 << (termId & 31);
      if (first || (seen[slot]! & bit) === 0) {
        seen[slot] = seen[slot]! | bit;
        counts[documentId] = counts[documentId]! + 1;
      }
    };
    const count = (documentId: number, found: string, first: boolean): void => {
      const termId = termIds.get(found);
      if (termId !== undefined) {
        countTerm(documentId, termId, first);
        return;
      }
      others ??= new Map();
      const list = others.get(documentId);
      if (list === undefined) others.set(documentId, [found]);
      else if (first || !list.includes(found)) list.push(found);
    };
    // Documents in the order they were first matched: MiniSearch's insertion order, which ties keep.
    const order: number[] = [];
    for (const term of terms) {
      const { documents: matched, termScores, termLists, onlyOwnTerm } = viewOf(term);
      // The usual case: each match lists this term alone, whose number is looked up once here.
      const ownTermId = termIds.get(term)!;
      for (let at = 0; at < matched.length; at += 1) {
        const documentId = matched[at]!;
        const first = touched[documentId] === 0;
        if (first) {
          touched[documentId] = 1;
          scores[documentId] = termScores[at]!;
          order.push(documentId);
        } else {
          // The same additions in the same order as MiniSearch's OR: bit-identical sums.
          scores[documentId] = scores[documentId]! + termScores[at]!;
        }
        if (onlyOwnTerm) countTerm(documentId, ownTermId, first);
        else for (const found of termLists[at]!) count(documentId, found, first);
      }
    }
    const ranked: RankedDocument[] = new Array(order.length);
    for (let at = 0; at < order.length; at += 1) {
      const documentId = order[at]!;
      const distinct = counts[documentId]! + (others?.get(documentId)?.length ?? 0);
      ranked[at] = { id: ids[documentId]!, score: scores[documentId]! * (distinct || 1) };
    }
    // Array.prototype.sort is stable: ties keep MiniSearch's insertion order.
    return ranked.sort((a, b) => b.score - a.score);
  };
}

/** A term tree's vocabulary in the order MiniSearch's fuzzy walk meets its terms, with their data. */
interface TreeVocabulary {
  /** The terms (each term's id is its position in `vocabulary.terms`, the walk's order). */
  vocabulary: FuzzyVocabulary;
  /** Each term's data (its documents by field), by id: the tree's own objects. */
  data: readonly unknown[];
}

/**
 * Reads the term tree depth first, each node's entries in insertion order (a term ends where its
 * node holds `''`): the order in which MiniSearch 7's fuzzy walk (`fuzzySearch`) meets the terms,
 * so that matches listed by id are in the walk's order. `null` without the tree, or when what the
 * walk read is not the map's own content (its size, and each term's data by `get`): a MiniSearch
 * whose tree is laid out otherwise then keeps its own lookups rather than get wrong answers.
 */
function readTreeVocabulary(tree: SearchableMapInternals | undefined): TreeVocabulary | null {
  const root = tree?._tree;
  if (!(root instanceof Map) || typeof tree?._prefix !== 'string') return null;
  const keys: string[] = [];
  const data: unknown[] = [];
  const visit = (node: Map<string, unknown>, prefix: string): void => {
    for (const [edge, child] of node) {
      if (edge === '') {
        keys.push(prefix);
        data.push(child);
      } else if (child instanceof Map) visit(child, prefix + edge);
    }
  };
  visit(root, tree._prefix);
  const get = tree.get;
  const faithful =
    keys.length === tree.size &&
    typeof get === 'function' &&
    keys.every((key, id) => get.call(tree, key) === data[id]);
  if (!faithful) return null;
  // The walk meets each term once, so the vocabulary keeps them all, in this order.
  return { vocabulary: new FuzzyVocabulary(keys), data };
}

/** A term's matches as parallel arrays, read by every later search with the term. */
interface PackedTermMatches {
  documents: Int32Array;
  termScores: Float64Array;
  termLists: readonly (readonly string[])[];
  /** Every match lists the term itself and nothing else (MiniSearch 7's own results always do). */
  onlyOwnTerm: boolean;
}

function packTermMatches(results: Map<number, TermMatch>, term: string): PackedTermMatches {
  const documents = new Int32Array(results.size);
  const termScores = new Float64Array(results.size);
  const termLists: (readonly string[])[] = [];
  let onlyOwnTerm = true;
  let at = 0;
  for (const [documentId, { score, terms }] of results) {
    documents[at] = documentId;
    termScores[at] = score;
    termLists.push(terms);
    if (terms.length !== 1 || terms[0] !== term) onlyOwnTerm = false;
    at += 1;
  }
  return { documents, termScores, termLists, onlyOwnTerm };
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
