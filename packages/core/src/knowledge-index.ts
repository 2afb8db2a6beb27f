import MiniSearch from 'minisearch';
import { type KnowledgeArticle, knowledgeArticleSchema } from './knowledge-article.js';
import { memoizeTermQueries, type RankedDocument } from './memoize-term-queries.js';
import { RecentResults } from './recent-results.js';

/** A search hit: the article and its BM25+ score. */
export interface KnowledgeHit {
  article: KnowledgeArticle;
  score: number;
}

/** Printable ASCII: its own NFKD form, with no combining marks to strip. */
const plainAscii = /^[ -~]*$/;

function normalizeTerm(term: string): string | null {
  const folded = plainAscii.test(term)
    ? term.toLowerCase()
    : term.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  return folded.length > 1 ? folded : null;
}

/** Queries whose ranking an index remembers (a few hundred KB at most). */
const recentQueries = 512;

/**
 * Full-text search over knowledge articles with MiniSearch (BM25+, prefix and fuzzy matching,
 * accent-insensitive, titles and tags boosted). Shared by retrieval agents (which quote from it) and
 * LLM agents (which put the hits in their prompt).
 */
export class KnowledgeIndex {
  /** The index's ranking (ids and scores of `search`, computed from remembered term results). */
  private readonly rank: (query: string) => RankedDocument[];
  private readonly byId: Map<string, KnowledgeArticle>;
  /**
   * Recent queries' ranked hits, unfiltered. The index never changes after construction and the
   * search is deterministic, so a repeated query (every strategy of a replay that reaches this agent
   * with the same turn) reuses the ranking. Excluding ids afterwards gives what MiniSearch's
   * `filter` would: it drops results after scoring and the sort by score is stable.
   */
  private readonly recent = new RecentResults<string, readonly { id: string; score: number }[]>(
    recentQueries,
  );
  readonly size: number;

  constructor(articles: readonly KnowledgeArticle[]) {
    const parsed = articles.map((article) => knowledgeArticleSchema.parse(article));
    this.byId = new Map(parsed.map((article) => [article.id, article]));
    const search = new MiniSearch<KnowledgeArticle & { tagText: string }>({
      fields: ['title', 'body', 'tagText'],
      processTerm: normalizeTerm,
      searchOptions: { boost: { title: 2, tagText: 1.5 }, prefix: true, fuzzy: 0.15, combineWith: 'OR' },
    });
    search.addAll(parsed.map((article) => ({ ...article, tagText: article.tags.join(' ') })));
    // Filled once, never changed, always searched with the constructor's options.
    this.rank = memoizeTermQueries(search);
    this.size = parsed.length;
  }

  /** The best articles for a query, excluding the given ids. */
  search(query: string, options: { exclude?: ReadonlySet<string>; limit?: number } = {}): KnowledgeHit[] {
    const exclude = options.exclude;
    const limit = options.limit ?? 5;
    const hits: KnowledgeHit[] = [];
    let taken = 0;
    for (const result of this.ranked(query)) {
      if (taken >= limit) break;
      if (exclude?.has(result.id)) continue;
      taken += 1;
      const article = this.byId.get(result.id);
      if (article) hits.push({ article, score: result.score });
    }
    return hits;
  }

  private ranked(query: string): readonly { id: string; score: number }[] {
    return this.recent.get(query, this.rank);
  }
}
