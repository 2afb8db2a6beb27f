import { type AssessPolicy, thresholdAssess } from './assess-policy.js';
import { toBatonError } from './baton-error.js';
import type { ContextPolicy } from './context-policy.js';
import { delegateTurn, type StrategyPolicies } from './define-strategy.js';
import type { FailureLadder } from './failure-ladder.js';
import { lexicalSelector } from './lexical-selector.js';
import { mapConcurrent } from './map-concurrent.js';
import type { Selector } from './selector.js';
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
      if (parts.length < 2) return delegateTurn(turn, context, policies);
      const { roster, scope, language } = context;
      const candidates = roster.delegatesOf(roster.front.id);
      const groups: { agentId: string; text: string }[] = [];
      for (const part of parts) {
        const selection = await select.select(
          { text: part, language, turn, front: roster.front, candidates },
          scope,
        );
        const top = selection.candidates[0];
        const agentId = top && top.score >= minScore ? top.agentId : undefined;
        const previous = groups[groups.length - 1];
        if (previous && (agentId === undefined || agentId === previous.agentId)) previous.text += ` ${part}`;
        else if (agentId === undefined) groups.push({ agentId: '', text: part });
        else if (previous && previous.agentId === '') {
          previous.agentId = agentId;
          previous.text += ` ${part}`;
        } else groups.push({ agentId, text: part });
      }
      const distinct = groups.filter(
        (group, index) => groups.findIndex((other) => other.agentId === group.agentId) === index,
      );
      if (distinct.length < 2) return delegateTurn(turn, context, policies);
      // One branch failing must not lose the others' answers (nor leave them running unawaited):
      // a branch's failure becomes its own failed answer; only cancellation stops the turn.
      const answers = await mapConcurrent(
        groups,
        options.concurrency ?? 4,
        async (group): Promise<StrategyAnswer> => {
          try {
            return await delegateTurn(turn, context, policies, group.text);
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
