import type { Agent } from './agent.js';
import type { EmbeddingModel } from './chat-model.js';
import type { CandidateScore } from './delegation-record.js';
import type { RunScope } from './run-scope.js';
import { preferLanguage, type Selector } from './selector.js';

/**
 * Selects delegates by cosine similarity between the request's embedding and the embeddings of each
 * card's description and skill examples (computed once per agent and cached). The score is the best
 * similarity, clipped to [0, 1]. Every embedding call goes through the scope
 * ({@link RunScope.callEmbedding}): it is refused when the budget cannot afford it, charged to the
 * turn, cancelled with it, and seen as `embedding-call-start`/`-end` events.
 *
 * @example
 * ```ts
 * const select = embeddingSelector({ model: createEmbeddingModel('openai:text-embedding-3-small') });
 * ```
 */
export function embeddingSelector(options: { model: EmbeddingModel; languagePenalty?: number }): Selector {
  const cache = new Map<string, Promise<number[][]>>();
  const vectorsOf = (agent: Agent, scope: RunScope) => {
    let vectors = cache.get(agent.id);
    if (!vectors) {
      const texts = [
        `${agent.card.name}: ${agent.card.description}`,
        ...agent.card.skills.flatMap((skill) => [`${skill.name}: ${skill.description}`, ...skill.examples]),
      ];
      vectors = scope
        .callEmbedding(options.model, { values: texts }, { agentId: agent.id })
        .then((result) => result.embeddings);
      // A failed embedding call must not poison the cache for later requests.
      vectors.catch(() => cache.delete(agent.id));
      cache.set(agent.id, vectors);
    }
    return vectors;
  };
  return {
    name: 'embedding',
    async select(request, scope) {
      // Nothing to compare with (the allowlist permits no delegate): the request's embedding would
      // be paid for and thrown away.
      if (request.candidates.length === 0) return { candidates: [], reason: 'no candidates' };
      const [query] = (
        await scope.callEmbedding(options.model, { values: [request.text] }, { agentId: request.front.id })
      ).embeddings;
      if (!query) return { candidates: [], reason: 'the embedding model returned nothing' };
      const scored: CandidateScore[] = [];
      for (const agent of request.candidates) {
        const vectors = await vectorsOf(agent, scope);
        const best = Math.max(0, ...vectors.map((vector) => cosine(query, vector)));
        scored.push({
          agentId: agent.id,
          score: Math.round(Math.min(1, best) * 1000) / 1000,
          reason: `cosine ${best.toFixed(3)}`,
        });
      }
      const agents = new Map(request.candidates.map((agent) => [agent.id, agent]));
      const candidates = preferLanguage(scored, agents, request.language, options.languagePenalty);
      return {
        candidates,
        reason: candidates[0] ? `nearest card: ${candidates[0].agentId}` : 'no candidates',
      };
    },
  };
}

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < Math.min(a.length, b.length); index += 1) {
    dot += a[index]! * b[index]!;
    normA += a[index]! * a[index]!;
    normB += b[index]! * b[index]!;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}
