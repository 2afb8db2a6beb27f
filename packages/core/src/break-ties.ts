import type { Agent } from './agent.js';
import type { CandidateScore } from './delegation-record.js';

const tierRank = { low: 0, medium: 1, high: 2 } as const;

/**
 * Orders candidates best first, breaking ties between equal scores with the capability cards as
 * documented: the cheaper `cost.tier` first, then the lower `cost.usdPerCall`, then the lower
 * `latency.p50Ms`. A card without a tier counts as `medium`; one that states no price or latency
 * comes after those that do. Otherwise the order is kept. Returns a new array.
 *
 * @example
 * ```ts
 * breakTies([{ agentId: 'premium', score: 0.8 }, { agentId: 'basic', score: 0.8 }], agents);
 * // basic first when its card says cost.tier 'low' and premium's says 'high'
 * ```
 */
export function breakTies(
  candidates: readonly CandidateScore[],
  agents: ReadonlyMap<string, Agent>,
): CandidateScore[] {
  const key = (candidate: CandidateScore) => {
    const card = agents.get(candidate.agentId)?.card;
    return {
      tier: tierRank[card?.cost?.tier ?? 'medium'],
      usd: card?.cost?.usdPerCall ?? Number.POSITIVE_INFINITY,
      latency: card?.latency?.p50Ms ?? Number.POSITIVE_INFINITY,
    };
  };
  return [...candidates].sort((a, b) => {
    if (b.score !== a.score) return b.score - a.score;
    const left = key(a);
    const right = key(b);
    if (left.tier !== right.tier) return left.tier - right.tier;
    if (left.usd !== undefined && right.usd !== undefined && left.usd !== right.usd)
      return left.usd - right.usd;
    if (left.latency !== undefined && right.latency !== undefined) return left.latency - right.latency;
    return 0;
  });
}
