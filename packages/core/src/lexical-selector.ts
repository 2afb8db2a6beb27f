import MiniSearch from 'minisearch';
import type { Agent } from './agent.js';
import type { CandidateScore } from './delegation-record.js';
import { memoizeTermQueries, type RankedDocument } from './memoize-term-queries.js';
import { preferLanguage, type Selector } from './selector.js';

interface CardDocument {
  id: string;
  name: string;
  description: string;
  examples: string;
  tags: string;
}

function normalizeTerm(term: string): string | null {
  const folded = term.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  return folded.length > 1 ? folded : null;
}

/**
 * Selects delegates by lexical match of the request against their capability cards (skill names,
 * descriptions, examples, tags, domains), indexed with MiniSearch (BM25+). A raw score `s` maps to
 * `1 − e^(−s/scale)` so weak matches stay near 0 and the assess step can decline to delegate.
 *
 * @example
 * ```ts
 * const select = lexicalSelector({ scale: 10 });
 * ```
 */
export function lexicalSelector(options: { scale?: number; languagePenalty?: number } = {}): Selector {
  const scale = options.scale ?? 12;
  // Indexes are built once per distinct candidate set and kept: rosters rarely change.
  const indexes = new Map<string, (query: string) => RankedDocument[]>();
  const indexFor = (agents: readonly Agent[]) => {
    const key = agents.map((agent) => agent.id).join('\u0000');
    let rank = indexes.get(key);
    if (!rank) {
      const index = new MiniSearch<CardDocument>({
        fields: ['name', 'description', 'examples', 'tags'],
        processTerm: normalizeTerm,
        searchOptions: { boost: { examples: 1.5, tags: 1.2 }, prefix: true, fuzzy: 0.15, combineWith: 'OR' },
      });
      for (const agent of agents) {
        const { card } = agent;
        index.add({
          id: `${agent.id}#card`,
          name: card.name,
          description: card.description,
          examples: '',
          tags: card.domains.join(' '),
        });
        card.skills.forEach((skill, position) => {
          index?.add({
            id: `${agent.id}#${position}`,
            name: skill.name,
            description: skill.description,
            examples: skill.examples.join('\n'),
            tags: skill.tags.join(' '),
          });
        });
      }
      // Filled once, searched with its own options only: each query term is looked up once.
      rank = memoizeTermQueries(index);
      indexes.set(key, rank);
    }
    return rank;
  };

  return {
    name: 'lexical',
    select(request) {
      const best = new Map<string, number>();
      for (const hit of indexFor(request.candidates)(request.text)) {
        // Document ids are `<agent id>#card` and `<agent id>#<skill>`: the agent is before the last '#'.
        const agentId = hit.id.slice(0, hit.id.lastIndexOf('#'));
        best.set(agentId, Math.max(best.get(agentId) ?? 0, hit.score));
      }
      const agents = new Map(request.candidates.map((agent) => [agent.id, agent]));
      const scored: CandidateScore[] = [...best].map(([agentId, raw]) => ({
        agentId,
        score: Math.round((1 - Math.exp(-raw / scale)) * 1000) / 1000,
        reason: `card match ${raw.toFixed(1)}`,
      }));
      const candidates = preferLanguage(scored, agents, request.language, options.languagePenalty);
      const top = candidates[0];
      return {
        candidates,
        reason: top
          ? `best capability-card match: ${top.agentId} (${top.score})`
          : 'no capability card matches',
      };
    },
  };
}
