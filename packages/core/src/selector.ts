import type { Agent } from './agent.js';
import { breakTies } from './break-ties.js';
import type { CandidateScore } from './delegation-record.js';
import type { RunScope } from './run-scope.js';
import type { TurnInput } from './turn-input.js';

/** What a selector ranks: the request, its language and the delegates allowed for it. */
export interface SelectionRequest {
  text: string;
  language: string;
  turn: TurnInput;
  /** The front agent (the delegator). */
  front: Agent;
  /** Delegates the allowlist permits; selectors never see any other agent. */
  candidates: readonly Agent[];
}

/**
 * The result of delegate selection (step 2), which also informs capability assessment (step 1):
 * ranked candidates, plus how strongly the request looks like the front agent's own work (`self`)
 * or like something only a human can handle (`human`).
 */
export interface Selection {
  /** Best first; scores in [0, 1]. */
  candidates: CandidateScore[];
  self?: number;
  human?: number;
  reason?: string;
  /** A goal the selector phrased for the delegate (an LLM router writes one). */
  goal?: string;
  /** The front agent's own answer when the selector already produced one (an LLM that chose not to delegate). */
  directAnswer?: string;
}

/**
 * Step 2 of delegation, delegate selection. Implementations: lexical match on capability cards, a
 * trained text classifier, embeddings, or an LLM choosing by tool call.
 */
export interface Selector {
  readonly name: string;
  select(request: SelectionRequest, scope: RunScope): Promise<Selection> | Selection;
}

/**
 * Penalises delegates that do not speak the request's language, so that a Spanish request goes to a
 * Spanish-speaking delegate before an English specialist of the same domain. Returns a new list,
 * best first, equal scores ordered by the cards' cost and latency ({@link breakTies}).
 */
export function preferLanguage(
  candidates: readonly CandidateScore[],
  agents: ReadonlyMap<string, Agent>,
  language: string,
  penalty = 0.5,
): CandidateScore[] {
  const penalised = candidates.map((candidate) => {
    const agent = agents.get(candidate.agentId);
    if (!agent || agent.card.languages.includes(language)) return candidate;
    return { ...candidate, score: candidate.score * penalty };
  });
  return breakTies(penalised, agents);
}
