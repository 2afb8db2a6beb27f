import MiniSearch from 'minisearch';
import { type KnowledgeArticle, knowledgeArticleSchema } from './knowledge-article.js';

/** A search hit: the article and its BM25+ score. */
export interface KnowledgeHit {
  article: KnowledgeArticle;
  score: number;
}

function normalizeTerm(term: string): string | null {
  const folded = term.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  return folded.length > 1 ? folded : null;
}

/**
 * Full-text search over knowledge articles with MiniSearch (BM25+, prefix and fuzzy matching,
 * accent-insensitive, titles and tags boosted). Shared by retrieval agents (which quote from it) and
 * LLM agents (which put the hits in their prompt).
 */
export class KnowledgeIndex {
  private readonly search_: MiniSearch<KnowledgeArticle & { tagText: string }>;
  private readonly byId: Map<string, KnowledgeArticle>;
  readonly size: number;

  constructor(articles: readonly KnowledgeArticle[]) {
    const parsed = articles.map((article) => knowledgeArticleSchema.parse(article));
    this.byId = new Map(parsed.map((article) => [article.id, article]));
    this.search_ = new MiniSearch<KnowledgeArticle & { tagText: string }>({
      fields: ['title', 'body', 'tagText'],
      processTerm: normalizeTerm,
      searchOptions: { boost: { title: 2, tagText: 1.5 }, prefix: true, fuzzy: 0.15, combineWith: 'OR' },
    });
    this.search_.addAll(parsed.map((article) => ({ ...article, tagText: article.tags.join(' ') })));
    this.size = parsed.length;
  }

  /** The best articles for a query, excluding the given ids. */
  search(query: string, options: { exclude?: ReadonlySet<string>; limit?: number } = {}): KnowledgeHit[] {
    const exclude = options.exclude;
    const results = this.search_.search(
      query,
      exclude ? { filter: (result) => !exclude.has(result.id as string) } : {},
    );
    const hits: KnowledgeHit[] = [];
    for (const result of results.slice(0, options.limit ?? 5)) {
      const article = this.byId.get(result.id as string);
      if (article) hits.push({ article, score: result.score });
    }
    return hits;
  }
}
