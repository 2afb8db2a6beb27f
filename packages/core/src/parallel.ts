import { type AssessPolicy, thresholdAssess } from './assess-policy.js';
import { toBatonError } from './baton-error.js';
import type { ContextPolicy } from './context-policy.js';
import { delegateTurn, type StrategyPolicies } from './define-strategy.js';
import type { FailureLadder } from './failure-ladder.js';
import { lexicalSelector } from './lexical-selector.js';
import { mapConcurrent } from './map-concurrent.js';
import type { Roster } from './roster.js';
import type { Selection, Selector } from './selector.js';
import { splitRequest } from './split-request.js';
import type { Strategy, StrategyAnswer } from './strategy.js';
import type { Verifier } from './verifier.js';

/** Options of {@link parallel}. */
export interface ParallelOptions {
  select?: Selector;
  /** Splits a message into independent requests; default {@link splitRequest}. */
  split?: (text: string) => string[];
  /** Most sub-tasks in flight at once (default 4). */
  concurrency?: number;
  /** Joins the sub-answers, in the order of the request (default: paragraphs). */
  merge?: (answers: string[]) => string;
  verify?: readonly Verifier[];
  ladder?: FailureLadder;
  assess?: AssessPolicy;
  transfer?: ContextPolicy;
  /** A part joins the delegation of its neighbour when its best delegate scores below this (default 0.25). */
  minScore?: number;
  /**
   * A part also goes to its next-best delegate when that one serves a domain the first does not and
   * scores at least this share of the first's score (and `minScore`): one sentence can ask two
   * things ("I never turned on loyalty, take it off my invoice"). Default 0.5; 1 turns it off.
   */
  secondOpinion?: number;
}

/**
 * Splits a multi-part request into independent sub-tasks, routes each, and runs the delegations
 * concurrently (bounded), then merges the answers — latency is the slowest branch, not the sum.
 * Parts that go to the same delegate travel together. A turn escalates when any part escalates
 * (a human has to act on it); the answer then holds what the other parts produced.
 *
 * @example
 * ```ts
 * const strategy = parallel({ select: trainedSelector({ classifier }), concurrency: 3 });
 * ```
 */
export function parallel(options: ParallelOptions = {}): Strategy {
  const select = options.select ?? lexicalSelector();
  const split = options.split ?? splitRequest;
  const minScore = options.minScore ?? 0.25;
  const policies: StrategyPolicies = {
    name: 'parallel',
    select,
    assess: options.assess ?? thresholdAssess({ minScore }),
    ...(options.verify ? { verify: options.verify } : {}),
    ...(options.ladder ? { ladder: options.ladder } : {}),
    ...(options.transfer ? { transfer: options.transfer } : {}),
  };
  const merge = options.merge ?? ((answers: string[]) => answers.join('\n\n'));
  return {
    specificationVersion: 'v1',
    name: 'parallel',
    description: `split multi-part requests, ${select.name} selection per part, run concurrently`,
    async respond(turn, context): Promise<StrategyAnswer> {
      const parts = split(turn.message);
      const { roster, scope, language } = context;
      const candidates = roster.delegatesOf(roster.front.id);
      const secondOpinion = options.secondOpinion ?? 0.5;
      // Each part is routed; parts for the same delegate travel together, in request order.
      const groups = new Map<string, { text: string; selection: Selection }>();
      let unrouted = '';
      let previous: string | undefined;
      for (const part of parts) {
        const selection = await select.select(
          { text: part, language, turn, front: roster.front, candidates },
          scope,
        );
        const chosen = pickDelegates(selection, roster, minScore, secondOpinion);
        if (chosen.length === 0) {
          // Nobody fits this part on its own: it goes with its neighbour's delegation.
          const group = previous === undefined ? undefined : groups.get(previous);
          if (group) group.text += ` ${part}`;
          else unrouted = unrouted ? `${unrouted} ${part}` : part;
          continue;
        }
        for (const agentId of chosen) {
          const group = groups.get(agentId);
          if (group) group.text += ` ${part}`;
          else groups.set(agentId, { text: unrouted ? `${unrouted} ${part}` : part, selection });
        }
        unrouted = '';
        previous = chosen[0];
      }
      if (groups.size < 2) return delegateTurn(turn, context, policies);
      const branches = [...groups].map(([agentId, group]) => {
        if (unrouted) group.text += ` ${unrouted}`;
        unrouted = '';
        return { agentId, ...group };
      });
      // One branch failing must not lose the others' answers (nor leave them running unawaited):
      // a branch's failure becomes its own failed answer; only cancellation stops the turn.
      const answers = await mapConcurrent(
        branches,
        options.concurrency ?? 4,
        async (branch): Promise<StrategyAnswer> => {
          try {
            // The branch goes to the delegate its part was routed to (the rest stay as alternatives).
            const routed: StrategyPolicies = {
              ...policies,
              select: branchSelector(select, branch.agentId, branch.selection),
            };
            return await delegateTurn(turn, context, routed, branch.text);
          } catch (caught) {
            const error = toBatonError(caught);
            if (error.code === 'aborted') throw error;
            return {
              answer: null,
              outcome: 'failed',
              respondedBy: [],
              delegations: [],
              error: { code: error.code, message: error.message },
            };
          }
        },
      );
      const texts = answers
        .map((answer) => answer.answer)
        .filter((text): text is string => text !== null && text !== '');
      const escalated = answers.filter((answer) => answer.outcome === 'escalated');
      const failedAll = answers.every((answer) => answer.outcome === 'failed');
      const result: StrategyAnswer = {
        answer: texts.length > 0 ? merge(texts) : null,
        outcome: escalated.length > 0 ? 'escalated' : failedAll ? 'failed' : 'answered',
        respondedBy: [...new Set(answers.flatMap((answer) => answer.respondedBy))],
        delegations: answers.flatMap((answer) => answer.delegations),
      };
      if (escalated.length > 0) {
        result.escalation = {
          reason: escalated.map((answer) => answer.escalation?.reason ?? 'escalated').join('; '),
        };
      }
      const firstError = answers.find((answer) => answer.error)?.error;
      if (failedAll && firstError) result.error = firstError;
      return result;
    },
  };
}

/**
 * The delegates one part goes to: the best, and the next-best as a second opinion when it serves a
 * domain the best does not and scores close enough.
 */
function pickDelegates(
  selection: Selection,
  roster: Roster,
  minScore: number,
  secondOpinion: number,
): string[] {
  const [top, ...rest] = selection.candidates;
  if (!top || top.score < minScore || (selection.self ?? 0) > top.score) return [];
  const chosen = [top.agentId];
  if (!roster.has(top.agentId)) return chosen;
  const served = new Set(roster.get(top.agentId).card.domains);
  const next = rest.find((candidate) => roster.has(candidate.agentId));
  if (
    next &&
    secondOpinion < 1 &&
    next.score >= minScore &&
    next.score >= top.score * secondOpinion &&
    roster.get(next.agentId).card.domains.some((domain) => !served.has(domain))
  ) {
    chosen.push(next.agentId);
  }
  return chosen;
}

/**
 * The branch's selector: selects again on the branch's text (as any delegation does, so a failing
 * selector fails the branch, not the turn) and puts the delegate the part was routed to first.
 */
function branchSelector(select: Selector, agentId: string, part: Selection): Selector {
  return {
    name: select.name,
    async select(request, scope) {
      const selection = await select.select(request, scope);
      const first = selection.candidates.find((candidate) => candidate.agentId === agentId) ??
        part.candidates.find((candidate) => candidate.agentId === agentId) ?? { agentId, score: 1 };
      return {
        ...selection,
        candidates: [first, ...selection.candidates.filter((candidate) => candidate.agentId !== agentId)],
        reason: `part routed to ${agentId}${first.reason ? ` (${first.reason})` : ''}`,
      };
    },
  };
}
