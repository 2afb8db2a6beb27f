import type { KnowledgeArticle } from '../knowledge-article.js';
import { contentTerms, stem } from '../text-terms.js';
import type { Verifier } from '../verifier.js';

/**
 * Rejects answers whose content words are mostly absent from the sources they cite: a cheap,
 * offline proxy for "the answer is grounded in the knowledge base". Answers citing no source fail
 * when `requireSources` is set.
 */
export function groundednessVerifier(options: {
  articles: readonly KnowledgeArticle[];
  min?: number;
  requireSources?: boolean;
}): Verifier {
  const min = options.min ?? 0.5;
  const stems = new Map(
    options.articles.map((article) => [
      article.id,
      new Set(contentTerms(`${article.title} ${article.body}`).map(stem)),
    ]),
  );
  return {
    name: 'groundedness',
    verify(output) {
      const cited = (output.sources ?? [])
        .map((source) => stems.get(source.id))
        .filter((set) => set !== undefined);
      if (cited.length === 0) {
        return options.requireSources
          ? { verifier: 'groundedness', passed: false, score: 0, reason: 'the answer cites no known source' }
          : { verifier: 'groundedness', passed: true, reason: 'no sources to check against' };
      }
      const terms = contentTerms(output.text).map(stem);
      if (terms.length === 0)
        return { verifier: 'groundedness', passed: true, reason: 'no content to check' };
      const supported = terms.filter((term) => cited.some((set) => set.has(term))).length;
      const score = Math.round((supported / terms.length) * 1000) / 1000;
      const passed = score >= min;
      return {
        verifier: 'groundedness',
        passed,
        score,
        reason: passed
          ? `${score} of the answer is supported by its sources`
          : `only ${score} of the answer is supported by its sources`,
      };
    },
  };
}
