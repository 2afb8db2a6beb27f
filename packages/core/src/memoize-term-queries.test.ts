import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { memoizeTermQueries } from './memoize-term-queries.js';
import { seededText } from './seeded-text.fixture.js';

interface Article {
  id: string;
  title: string;
  body: string;
}

const words =
  'refund invoice charge payout card reader printer paper jam receipt delivery parcel tracking password login account plan upgrade downgrade cancel export report tax vat discount staff shift drawer cash terminal offline sync update'.split(
    ' ',
  );

const text = (seed: number, length: number): string => seededText(words, seed, length);

const articles: Article[] = Array.from({ length: 60 }, (_, index) => ({
  id: `a${index}`,
  title: text(index + 1, 4),
  body: text(index + 101, 40),
}));

function index(): MiniSearch<Article> {
  const search = new MiniSearch<Article>({
    fields: ['title', 'body'],
    searchOptions: { boost: { title: 2 }, prefix: true, fuzzy: 0.2, combineWith: 'OR' },
  });
  search.addAll(articles);
  return search;
}

/** Counts the walks of the index's term tree for fuzzy matches (MiniSearch 7's `fuzzyGet`). */
function countFuzzyWalks(search: MiniSearch<Article>): () => number {
  const tree = (search as unknown as { _index: { fuzzyGet: (...args: unknown[]) => unknown } })._index;
  const fuzzyGet = tree.fuzzyGet.bind(tree);
  let walks = 0;
  tree.fuzzyGet = (...args: unknown[]) => {
    walks += 1;
    return fuzzyGet(...args);
  };
  return () => walks;
}

describe('memoizeTermQueries', () => {
  // A budget for a loaded machine (hundreds of searches compared deeply), not a timing assertion.
  it('gives every search the same results, scores and order as a plain index, repeated or not', {
    timeout: 30_000,
  }, () => {
    const plain = index();
    const memoized = index();
    memoizeTermQueries(memoized);
    // The hook is in place (MiniSearch 7's internal per-term search): this test is not vacuous.
    expect(Object.hasOwn(memoized, 'executeQuerySpec')).toBe(true);
    const queries = Array.from({ length: 90 }, (_, query) => text(query * 7 + 3, 1 + (query % 9)));
    // Every query twice: the second time each of its terms is remembered.
    for (const query of [...queries, ...queries, 'refunds recipt', 'pay', 'zzz', '']) {
      expect(memoized.search(query), query).toEqual(plain.search(query));
    }
  });

  it('ranks every query with the ids, scores and order of a plain search, ties included', {
    timeout: 30_000,
  }, () => {
    const plain = index();
    const rank = memoizeTermQueries(index());
    const queries = Array.from({ length: 90 }, (_, query) => text(query * 11 + 5, 1 + (query % 9)));
    // Repeated terms in one query, accents, punctuation, a term matched only fuzzily or by prefix.
    const odd = ['refund refund refund', 'Réfund, invoice!', 'refunds recipt', 'pay', 'zzz', '', 'a b'];
    for (const query of [...queries, ...queries, ...odd]) {
      const expected = plain.search(query).map((result) => ({ id: result.id, score: result.score }));
      expect(rank(query), query).toEqual(expected);
    }
    // Not vacuous: the queries reach documents, and some of them tie.
    const scores = queries.flatMap((query) => rank(query).map((hit) => hit.score));
    expect(scores.length).toBeGreaterThan(500);
    expect(new Set(scores).size).toBeLessThan(scores.length);
  });

  it('counts matched terms as MiniSearch does when a term reports others, or itself twice', () => {
    // MiniSearch 7 lists each match's own query term once; a build that listed more must still rank
    // exactly like the plain search of the same index.
    const withOtherTerms = (search: MiniSearch<Article>): MiniSearch<Article> => {
      const internals = search as unknown as {
        executeQuerySpec: (query: { term: string }, options: unknown) => Map<number, { terms: string[] }>;
      };
      const original = internals.executeQuerySpec.bind(search);
      internals.executeQuerySpec = (query, options) => {
        const results = original(query, options);
        for (const [documentId, found] of results) {
          if (documentId % 3 === 0) found.terms.push(`extra-${documentId % 2}`);
          if (documentId % 5 === 0) found.terms.push(query.term);
        }
        return results;
      };
      return search;
    };
    const plain = withOtherTerms(index());
    const rank = memoizeTermQueries(withOtherTerms(index()));
    const queries = Array.from({ length: 60 }, (_, query) => text(query * 13 + 1, 1 + (query % 7)));
    for (const query of [...queries, ...queries, 'refund refund', 'pay']) {
      const expected = plain.search(query).map((result) => ({ id: result.id, score: result.score }));
      expect(rank(query), query).toEqual(expected);
    }
  });

  it('ranks with a plain search when the index searches in a way it does not reproduce', () => {
    const and = new MiniSearch<Article>({
      fields: ['title', 'body'],
      searchOptions: { combineWith: 'AND', prefix: true },
    });
    and.addAll(articles);
    const plain = new MiniSearch<Article>({
      fields: ['title', 'body'],
      searchOptions: { combineWith: 'AND', prefix: true },
    });
    plain.addAll(articles);
    const rank = memoizeTermQueries(and);
    for (const query of ['refund invoice', 'printer paper', 'cash']) {
      expect(rank(query)).toEqual(
        plain.search(query).map((result) => ({ id: result.id, score: result.score })),
      );
    }
  });

  it('forgets the oldest terms past its capacity and still answers exactly', () => {
    const plain = index();
    const memoized = index();
    memoizeTermQueries(memoized, 3);
    for (const query of ['refund invoice', 'printer paper jam', 'refund', 'cash drawer staff', 'invoice']) {
      expect(memoized.search(query), query).toEqual(plain.search(query));
    }
  });

  it('skips the fuzzy walk for a term that provably matches nothing, with the results of a plain index throughout', () => {
    const plain = index();
    const memoized = index();
    const rank = memoizeTermQueries(memoized);
    const walks = countFuzzyWalks(memoized);
    const ranked = (query: string) =>
      plain.search(query).map((result) => ({ id: result.id, score: result.score }));
    // Ticket numbers and foreign words match nothing; near misses, prefixes and exact words do.
    const unmatched = ['T000123', 'T000124', 'Rückerstattung', 'zahlung'];
    const matched = ['refnud', 'recipt', 'print', 'invoices', 'tracking', 'pasword'];
    const queries = [...unmatched, ...matched].map((term) => `where is my refund ${term}`);
    for (const query of queries) expect(rank(query), query).toEqual(ranked(query));
    // One walk per distinct term that may match (each remembered afterwards), none for the rest.
    const maybe = new Set(['where', 'is', 'my', 'refund', ...matched].map((term) => term.toLowerCase()));
    const rankingWalks = walks();
    expect(rankingWalks).toBeLessThanOrEqual(maybe.size);
    expect(rankingWalks).toBeGreaterThanOrEqual(matched.length);
    // MiniSearch's own search remembers its terms apart (the ranking keeps them packed): the same
    // again, at most one walk per term that may match.
    for (const query of queries) {
      expect(memoized.search(query), query).toEqual(plain.search(query));
      expect(rank(query), query).toEqual(ranked(query));
    }
    expect(walks() - rankingWalks).toBeLessThanOrEqual(maybe.size);
  });

  it('keeps proven misses out of the remembered results, so a stream of them does not push out a matching term', () => {
    const memoized = index();
    const rank = memoizeTermQueries(memoized, 2);
    const walks = countFuzzyWalks(memoized);
    rank('refund');
    for (let ticket = 0; ticket < 20; ticket += 1) rank(`T${100000 + ticket}`);
    rank('refund');
    expect(walks()).toBe(1);
  });

  it("answers MiniSearch's fuzzy lookup with the walk's terms, distances, data and order, walking only when bigrams cannot narrow it", () => {
    // Words with many near neighbours: inflections and one-letter variants of the same stems.
    const stems = ['refund', 'receipt', 'printer', 'payout', 'invoice', 'terminal', 'discount', 'shift'];
    const endings = ['', 's', 'ed', 'ing', 'er', 'ers', 'able', 'ation'];
    const variants = stems.flatMap((stem, at) =>
      endings.map(
        (ending, other) =>
          `${stem.slice(0, 2 + ((at + other) % 3))}${stem.slice(3 + ((at + other) % 3))}${ending}`,
      ),
    );
    const vocabulary = [...stems.flatMap((stem) => endings.map((ending) => stem + ending)), ...variants];
    const documents = Array.from({ length: 40 }, (_, at) => ({
      id: `d${at}`,
      title: vocabulary[(at * 7) % vocabulary.length]!,
      body: vocabulary.filter((_, other) => (other + at) % 5 === 0).join(' '),
    }));
    const build = () => {
      const search = new MiniSearch<Article>({ fields: ['title', 'body'], searchOptions: { fuzzy: 0.2 } });
      search.addAll(documents);
      return search;
    };
    type Tree = {
      fuzzyGet: (term: string, maxDistance: number) => Map<string, [unknown, number]>;
      get: (term: string) => unknown;
    };
    const treeOf = (search: MiniSearch<Article>) => (search as unknown as { _index: Tree })._index;
    const plain = treeOf(build());
    const hooked = build();
    const walks = countFuzzyWalks(hooked);
    memoizeTermQueries(hooked);
    const tree = treeOf(hooked);
    let questions = 0;
    let matches = 0;
    const queries = [
      ...vocabulary,
      ...vocabulary.map((term) => `${term.slice(1)}x`),
      'zzzzzz',
      'refunz',
      'prnter',
    ];
    for (const query of queries) {
      for (const maxDistance of [1, 2, 3]) {
        questions += 1;
        const expected = [...plain.fuzzyGet(query, maxDistance)].map(([term, [, apart]]) => [term, apart]);
        const actual = [...tree.fuzzyGet(query, maxDistance)];
        matches += actual.length;
        expect(
          actual.map(([term, [, apart]]) => [term, apart]),
          `${query} d=${maxDistance}`,
        ).toEqual(expected);
        // The tree's own data objects, as the walk hands out.
        for (const [term, [data]] of actual) expect(data).toBe(tree.get(term));
      }
    }
    expect(matches).toBeGreaterThan(questions);
    // Walks only for what the bigram bound cannot narrow (short terms at large distances).
    expect(walks()).toBeGreaterThan(0);
    expect(walks()).toBeLessThan(questions / 2);
  });

  it("keeps MiniSearch's own lookups, with the same results, when its term tree is not laid out as expected", () => {
    const plain = index();
    const memoized = index();
    // A tree whose walk reads other data than the map's own (as a MiniSearch with another layout would).
    const tree = (memoized as unknown as { _index: { get: (term: string) => unknown } })._index;
    const get = tree.get.bind(tree);
    tree.get = (term: string) => {
      const data = get(term);
      return data === undefined ? undefined : new Map(data as Map<unknown, unknown>);
    };
    const walks = countFuzzyWalks(memoized);
    const rank = memoizeTermQueries(memoized);
    for (const query of ['refnud', 'T000123', 'where is my recipt', 'printer paper']) {
      expect(rank(query), query).toEqual(plain.search(query).map(({ id, score }) => ({ id, score })));
    }
    // No proven misses and no answers from bigrams: every new term long enough for a fuzzy distance
    // (fuzzy 0.2: three letters or more) took the walk.
    expect(walks()).toBe(['refnud', 't000123', 'where', 'recipt', 'printer', 'paper'].length);
  });
});
