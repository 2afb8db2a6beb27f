import type { AgentOutput } from './agent.js';
import { answerDirectly } from './answer-directly.js';
import { type AssessPolicy, thresholdAssess } from './assess-policy.js';
import { type ContextPolicy, fullContext } from './context-policy.js';
import { createId } from './create-id.js';
import { delegate } from './delegate.js';
import { noFallback } from './failure-ladder.js';
import { lexicalSelector } from './lexical-selector.js';
import type { Selector } from './selector.js';
import { defaultSpecify } from './specify-policy.js';
import type { Strategy, StrategyAnswer, StrategyContext } from './strategy.js';
import { defineTask } from './task-spec.js';
import type { TurnInput } from './turn-input.js';

const stateKey = 'baton.handoff.agentId';

/**
 * Handoff, not delegation: the front agent gives the conversation away. The chosen specialist gets the
 * full history and answers the user directly on this and the following turns — no verification, no
 * fallback, because the front agent is no longer responsible — until it hands back (an LLM agent calls
 * `hand_back`; any agent may return `status: 'hand-back'`, and an answer below `handBackBelow`
 * confidence counts as one). Keep `state` per conversation between turns.
 */
export function handoff(
  options: {
    select?: Selector;
    assess?: AssessPolicy;
    transfer?: ContextPolicy;
    handBackBelow?: number;
  } = {},
): Strategy {
  const select = options.select ?? lexicalSelector();
  const assess = options.assess ?? thresholdAssess();
  const transfer = options.transfer ?? fullContext();
  const handBackBelow = options.handBackBelow ?? 0.2;

  const handsBack = (output: AgentOutput) =>
    output.status === 'hand-back' || (output.confidence !== undefined && output.confidence < handBackBelow);

  const runSpecialist = async (
    agentId: string,
    turn: TurnInput,
    context: StrategyContext,
    reason: string,
  ) => {
    const { roster, scope, language } = context;
    return delegate({
      roster,
      delegator: roster.front,
      task: defineTask({ goal: turn.message, language }),
      turn,
      candidates: [{ agentId, score: 1, reason }],
      reason,
      strategy: 'handoff',
      scope,
      transfer,
      ladder: noFallback,
      mode: 'handoff',
    });
  };

  return {
    specificationVersion: 'v1',
    name: 'handoff',
    description: `${select.name} selection, the specialist keeps the conversation until it hands back`,
    async respond(turn, context): Promise<StrategyAnswer> {
      const { roster, scope, state } = context;
      const active = typeof state[stateKey] === 'string' ? (state[stateKey] as string) : undefined;
      if (active && roster.has(active)) {
        const result = await runSpecialist(active, turn, context, 'conversation is handed off');
        const output = result.output;
        if (output && !handsBack(output)) {
          return {
            answer: output.text,
            outcome: 'answered',
            respondedBy: [active],
            delegations: [result.record],
          };
        }
        delete state[stateKey];
        if (scope.emitting) {
          scope.emit({
            type: 'handoff-end',
            id: createId('ho'),
            parentId: scope.parentEventId,
            agentId: active,
            reason: output?.status === 'hand-back' ? output.text : 'low confidence',
          });
        }
        const rerouted = await route(turn, context);
        return { ...rerouted, delegations: [result.record, ...rerouted.delegations] };
      }
      return route(turn, context);
    },
  };

  async function route(turn: TurnInput, context: StrategyContext): Promise<StrategyAnswer> {
    const { roster, scope, state, language } = context;
    const candidates = roster.delegatesOf(roster.front.id);
    const selection = await select.select(
      { text: turn.message, language, turn, front: roster.front, candidates },
      scope,
    );
    const assessment = assess(selection, turn);
    if (assessment.action === 'escalate') {
      return {
        answer: null,
        outcome: 'escalated',
        respondedBy: ['human'],
        delegations: [],
        escalation: { reason: assessment.reason },
      };
    }
    const chosen = selection.candidates[0];
    if (assessment.action === 'self' || !chosen) {
      return answerDirectly({
        agent: roster.front,
        task: defaultSpecify({ text: turn.message, language, selection, delegate: undefined }),
        turn,
        scope,
        transfer,
      });
    }
    if (scope.emitting) {
      scope.emit({
        type: 'handoff-start',
        id: createId('ho'),
        parentId: scope.parentEventId,
        fromAgentId: roster.front.id,
        toAgentId: chosen.agentId,
        reason: assessment.reason,
      });
    }
    state[stateKey] = chosen.agentId;
    const result = await runSpecialist(chosen.agentId, turn, context, assessment.reason);
    if (result.output && handsBack(result.output)) {
      // Handed straight back: the front desk answers after all, and the specialist does not keep the conversation.
      delete state[stateKey];
      if (scope.emitting) {
        scope.emit({
          type: 'handoff-end',
          id: createId('ho'),
          parentId: scope.parentEventId,
          agentId: chosen.agentId,
          reason: result.output.status === 'hand-back' ? result.output.text : 'low confidence',
        });
      }
      const own = await answerDirectly({
        agent: roster.front,
        task: defaultSpecify({ text: turn.message, language, selection, delegate: undefined }),
        turn,
        scope,
        transfer,
      });
      return { ...own, delegations: [result.record, ...own.delegations] };
    }
    if (result.output) {
      return {
        answer: result.output.text,
        outcome: 'answered',
        respondedBy: [chosen.agentId],
        delegations: [result.record],
      };
    }
    delete state[stateKey];
    const error = result.record.attempts[result.record.attempts.length - 1]?.error;
    return result.escalated
      ? {
          answer: null,
          outcome: 'escalated',
          respondedBy: ['human'],
          delegations: [result.record],
          escalation: { reason: result.record.reason },
        }
      : {
          answer: null,
          outcome: 'failed',
          respondedBy: [],
          delegations: [result.record],
          ...(error ? { error } : {}),
        };
  }
}
