import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import type { KnowledgeArticle } from './knowledge-article.js';
import { KnowledgeIndex } from './knowledge-index.js';
import { seededText } from './seeded-text.fixture.js';

/** Words of support articles, with inflections, accents and near neighbours, so fuzzy matches abound. */
const words =
  'refund refunds refunded receipt receipts reçu printer printers printing payout payouts paid invoice invoices invoicing terminal terminals reader readers card cards café cafés récépissé zahlung zahlungen pago pagos password passwords login logins account accounts discount discounts shift shifts drawer drawers offline online sync synced update updated tax taxes vat staff'.split(
    ' ',
  );

const pick = (seed: number, length: number): string => seededText(words, seed, length);

const articles: KnowledgeArticle[] = Array.from({ length: 40 }, (_, index) => ({
  id: `kb-${index}`,
  title: pick(index + 1, 4),
  body: pick(index + 501, 60),
  tags: pick(index + 901, 2).split(' '),
  language: 'en',
}));

/**
 * A plain MiniSearch index with the options `KnowledgeIndex` documents: titles ×2 and tags ×1.5,
 * prefix and fuzzy (0.15) matching, accents and case folded, one-letter terms dropped.
 */
function plainIndex(): MiniSearch<KnowledgeArticle & { tagText: string }> {
  const search = new MiniSearch<KnowledgeArticle & { tagText: string }>({
    fields: ['title', 'body', 'tagText'],
    processTerm: (term) => {
      const folded = term.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
      return folded.length > 1 ? folded : null;
    },
    searchOptions: { boost: { title: 2, tagText: 1.5 }, prefix: true, fuzzy: 0.15, combineWith: 'OR' },
  });
  search.addAll(articles.map((article) => ({ ...article, tagText: article.tags.join(' ') })));
  return search;
}

/** Queries: the index's own words, misspelt ones (a letter dropped, swapped, doubled), accents, noise. */
function queries(): string[] {
  const misspelt = words.flatMap((word) =>
    word.length < 4
      ? [word]
      : [
          word.slice(0, 1) + word.slice(2),
          word.slice(0, 2) + word[3] + word[2] + word.slice(4),
          `${word}${word.at(-1)}`,
        ],
  );
  const sentences = Array.from({ length: 60 }, (_, index) => pick(index + 2001, 3 + (index % 9)));
  return [
    ...misspelt,
    ...sentences,
    'RECU for my CAFE',
    'Zahlung nicht erhalten T000123',
    'printr won’t print the recept',
    'a',
    '',
  ];
}

describe('KnowledgeIndex', () => {
  it('ranks like a plain MiniSearch index with its documented options, first lookups and repeats alike', {
    timeout: 30_000,
  }, () => {
    const plain = plainIndex();
    const index = new KnowledgeIndex(articles);
    let hits = 0;
    // Twice: the second pass answers from remembered terms and queries.
    for (const query of [...queries(), ...queries()]) {
      const expected = plain.search(query).map((result) => ({ id: String(result.id), score: result.score }));
      const found = index.search(query, { limit: Number.MAX_SAFE_INTEGER });
      hits += found.length;
      expect(
        found.map((hit) => ({ id: hit.article.id, score: hit.score })),
        query,
      ).toEqual(expected);
    }
    // Not vacuous: the queries find articles.
    expect(hits).toBeGreaterThan(1000);
  });

  it('finds words whatever their accents and case, and misspelt ones', () => {
    const index = new KnowledgeIndex([
      {
        id: 'receipts',
        title: 'Reçus et récépissés',
        body: 'Imprimer un reçu après la vente.',
        tags: [],
        language: 'fr',
      },
      {
        id: 'printer',
        title: 'Printer offline',
        body: 'Restart the printer and check the cable.',
        tags: [],
        language: 'en',
      },
    ]);
    expect(index.search('RECU')[0]?.article.id).toBe('receipts');
    expect(index.search('recepisse')[0]?.article.id).toBe('receipts');
    // One edit away (fuzzy 0.15 allows one in words of four to nine letters).
    expect(index.search('prnter')[0]?.article.id).toBe('printer');
    expect(index.search('T000123')).toEqual([]);
  });

  it('leaves out excluded articles and returns at most the limit, best first', () => {
    const index = new KnowledgeIndex(articles);
    const all = index.search('refund receipt printer', { limit: Number.MAX_SAFE_INTEGER });
    expect(all.length).toBeGreaterThan(5);
    expect(index.search('refund receipt printer').map((hit) => hit.article.id)).toEqual(
      all.slice(0, 5).map((hit) => hit.article.id),
    );
    const excluded = new Set([all[0]!.article.id, all[2]!.article.id]);
    expect(index.search('refund receipt printer', { exclude: excluded, limit: 3 })).toEqual(
      all.filter((hit) => !excluded.has(hit.article.id)).slice(0, 3),
    );
    for (let at = 1; at < all.length; at += 1) expect(all[at]!.score).toBeLessThanOrEqual(all[at - 1]!.score);
  });

  it('refuses an article that is not one', () => {
    expect(() => new KnowledgeIndex([{ id: '', title: 'x', body: 'y' } as KnowledgeArticle])).toThrow();
  });
});
