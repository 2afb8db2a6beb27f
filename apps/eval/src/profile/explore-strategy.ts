import { defineStrategy, type Selector, type Strategy } from '@baton/core';
import { purposeSeed } from '../stats/purpose-seed.js';
import { SeededRandom } from '../stats/seeded-random.js';

/** The name of exploration round `round` (1-based). */
export function exploreStrategyName(round: number): string {
  return `explore-${round}`;
}

/**
 * A profiling strategy that measures agents instead of choosing well: each turn gets a seeded
 * random order of its arms — the front agent answering itself, and every delegate the allowlist
 * lets it use (or, with a shortlist, the `size` delegates another selector ranks first) — and round
 * r answers with the r-th arm. R rounds therefore measure R different arms on every turn, whatever
 * the request looks like, so a profile built from them says how the agents do on each kind of
 * request (a router's own choices would only say how its first choice does). No verification, no
 * ladder: the arm's own answer is measured. Deterministic: the order depends only on the seed and
 * the turn's id. With fewer arms than rounds, the arms repeat.
 *
 * @param options - The round (1-based), the seed, and an optional shortlist.
 */
export function exploreStrategy(options: {
  round: number;
  seed: number;
  shortlist?: { selector: Selector; size: number };
}): Strategy {
  const { round, seed, shortlist } = options;
  const select: Selector = {
    name: 'explore',
    async select(request, scope) {
      let delegates = request.candidates.map((agent) => agent.id);
      if (shortlist) {
        const proposed = await shortlist.selector.select(request, scope);
        const ids = proposed.candidates.slice(0, shortlist.size).map((entry) => entry.agentId);
        delegates = delegates.filter((id) => ids.includes(id));
      }
      const arms = [request.front.id, ...delegates].sort();
      const turn = request.turn;
      const key =
        turn.conversationId !== undefined ? `${turn.conversationId}#${turn.turnIndex ?? 0}` : request.text;
      const random = new SeededRandom(purposeSeed(seed, `explore:${key}`));
      for (let index = arms.length - 1; index > 0; index -= 1) {
        const other = random.nextInt(index + 1);
        [arms[index], arms[other]] = [arms[other]!, arms[index]!];
      }
      const arm = arms[(round - 1) % arms.length]!;
      const reason = `exploration round ${round}: arm ${arm} of ${arms.length}`;
      return arm === request.front.id
        ? { candidates: [], self: 1, reason }
        : { candidates: [{ agentId: arm, score: 1, reason }], self: 0, reason };
    },
  };
  return defineStrategy({
    name: exploreStrategyName(round),
    description: `profiling: a seeded random arm per turn (round ${round})`,
    select,
  });
}
