import { answerDirectly } from './answer-directly.js';
import { type AssessPolicy, thresholdAssess } from './assess-policy.js';
import { type ContextPolicy, lastMessages } from './context-policy.js';
import { delegate } from './delegate.js';
import { type FailureLadder, noFallback } from './failure-ladder.js';
import type { Selector } from './selector.js';
import { defaultSpecify, type SpecifyPolicy } from './specify-policy.js';
import type { Strategy, StrategyAnswer, StrategyContext } from './strategy.js';
import type { TurnInput } from './turn-input.js';
import type { Verifier } from './verifier.js';

/** The policies a delegating strategy is made of, one per step (monitoring comes from the scope). */
export interface StrategyPolicies {
  name: string;
  description?: string;
  /** Step 2: who could do it. */
  select: Selector;
  /** Step 1: delegate at all? Default: {@link thresholdAssess}. */
  assess?: AssessPolicy;
  /** Step 3: the task for the delegate. */
  specify?: SpecifyPolicy;
  /** Step 4: what context goes over. Default: the last 6 messages. */
  transfer?: ContextPolicy;
  /** Step 7: checks on the result. Default: none. */
  verify?: readonly Verifier[];
  /** What happens on failure. Default: {@link noFallback}. */
  ladder?: FailureLadder;
  /** Step 5: time one attempt may take. */
  attemptTimeoutMs?: number;
}

/**
 * Composes a delegating strategy from policies: select → assess → specify → delegate (transfer,
 * monitor, receive, verify, failure ladder) → answer. The built-in strategies are made this way.
 *
 * @example
 * ```ts
 * const careful = defineStrategy({
 *   name: 'careful',
 *   select: lexicalSelector(),
 *   verify: [confidenceVerifier({ min: 0.4 })],
 *   ladder: failureLadder({ retries: 1, alternatives: 1 }),
 * });
 * ```
 */
export function defineStrategy(policies: StrategyPolicies): Strategy {
  return {
    specificationVersion: 'v1',
    name: policies.name,
    description: policies.description ?? `${policies.select.name} selection`,
    respond: (turn, context) => delegateTurn(turn, context, policies),
  };
}

/**
 * Answers one turn (or one part of a turn) with the given policies. Exposed so composite strategies
 * (parallel) can run the same pipeline per sub-request.
 */
export async function delegateTurn(
  turn: TurnInput,
  context: StrategyContext,
  policies: StrategyPolicies,
  text: string = turn.message,
): Promise<StrategyAnswer> {
  const { roster, scope, language } = context;
  const front = roster.front;
  const candidates = roster.delegatesOf(front.id);
  const team = [front, ...candidates];
  const shared = {
    team,
    scope,
    ...(context.replyLanguages ? { replyLanguages: context.replyLanguages } : {}),
  };
  const transfer = policies.transfer ?? lastMessages(6);
  const ladder = policies.ladder ?? noFallback;
  const specify = policies.specify ?? defaultSpecify;
  const selection = await policies.select.select({ text, language, turn, front, candidates }, scope);
  if (selection.directAnswer !== undefined) {
    return { answer: selection.directAnswer, outcome: 'answered', respondedBy: [front.id], delegations: [] };
  }
  const assessment = (policies.assess ?? thresholdAssess())(selection, turn);
  if (assessment.action === 'escalate') {
    return {
      answer: null,
      outcome: 'escalated',
      respondedBy: ['human'],
      delegations: [],
      escalation: { reason: assessment.reason },
    };
  }
  if (assessment.action === 'self') {
    return answerDirectly({
      agent: front,
      task: specify({ text, language, selection, delegate: undefined, ...shared }),
      turn,
      scope,
      transfer,
      ...(policies.verify ? { verifiers: policies.verify } : {}),
      escalate: ladder.human,
      ...(policies.attemptTimeoutMs !== undefined ? { attemptTimeoutMs: policies.attemptTimeoutMs } : {}),
    });
  }
  const chosen = selection.candidates[0];
  const task = specify({
    text,
    language,
    selection,
    delegate: chosen && roster.allows(front.id, chosen.agentId) ? roster.get(chosen.agentId) : undefined,
    ...shared,
  });
  const result = await delegate({
    roster,
    delegator: front,
    task,
    turn,
    candidates: selection.candidates,
    reason: assessment.reason,
    strategy: policies.name,
    scope,
    transfer,
    ladder,
    ...(policies.verify ? { verifiers: policies.verify } : {}),
    ...(policies.attemptTimeoutMs !== undefined ? { attemptTimeoutMs: policies.attemptTimeoutMs } : {}),
  });
  const { record } = result;
  if (result.escalated) {
    const reason = record.fallbacks[record.fallbacks.length - 1]?.reason ?? record.reason;
    return {
      answer: null,
      outcome: 'escalated',
      respondedBy: ['human'],
      delegations: [record],
      escalation: { reason },
    };
  }
  if (result.output) {
    return {
      answer: result.output.text,
      outcome: 'answered',
      respondedBy: [record.answeredBy ?? record.attempts[record.attempts.length - 1]?.agentId ?? front.id],
      delegations: [record],
    };
  }
  const lastError = record.attempts[record.attempts.length - 1]?.error;
  return {
    answer: null,
    outcome: 'failed',
    respondedBy: [],
    delegations: [record],
    ...(lastError ? { error: lastError } : { error: { code: 'delegation-failed', message: record.reason } }),
  };
}
