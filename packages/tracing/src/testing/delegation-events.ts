import type {
  AgentRunEndEvent,
  AgentRunStartEvent,
  AttemptEndEvent,
  AttemptStartEvent,
  DelegationEndEvent,
  DelegationRecord,
  DelegationStartEvent,
  FallbackStartEvent,
  GuardrailEndEvent,
  ModelCallEndEvent,
  ModelCallStartEvent,
  TurnEndEvent,
  TurnStartEvent,
  VerificationEndEvent,
} from '@baton/core';

/**
 * Builders for hand-written core event sequences: each fills the fields a test does not care
 * about with plain defaults, so a test states only ids, parents, times and what it asserts.
 */
type Fields<TEvent> = Omit<Partial<TEvent>, 'type'> & { id: string; time: number };

const usage = { inputTokens: 0, outputTokens: 0 };

/** Builders for every core event type, with defaults. */
export const delegationEvents = {
  turnStart: (fields: Fields<TurnStartEvent>): TurnStartEvent => ({
    type: 'turn-start',
    strategy: 'test',
    input: 'hello',
    ...fields,
  }),
  turnEnd: (fields: Fields<TurnEndEvent>): TurnEndEvent => ({
    type: 'turn-end',
    strategy: 'test',
    outcome: 'answered',
    answer: 'ok',
    respondedBy: [],
    usage,
    costUsd: 0,
    latencyMs: 0,
    ...fields,
  }),
  delegationStart: (fields: Fields<DelegationStartEvent>): DelegationStartEvent => ({
    type: 'delegation-start',
    mode: 'delegate',
    strategy: 'test',
    delegatorId: 'front',
    depth: 1,
    goal: 'answer the user',
    candidates: [],
    chosenAgentId: null,
    reason: 'test',
    ...fields,
  }),
  delegationEnd: (
    fields: { id: string; parentId?: string; time: number } & { record?: Partial<DelegationRecord> },
  ): DelegationEndEvent => ({
    type: 'delegation-end',
    id: fields.id,
    parentId: fields.parentId,
    time: fields.time,
    record: delegationRecord({ id: fields.id, parentId: fields.parentId, ...fields.record }),
  }),
  attemptStart: (fields: Fields<AttemptStartEvent>): AttemptStartEvent => ({
    type: 'attempt-start',
    agentId: 'agent',
    attempt: 1,
    rung: 'primary',
    contextCharacters: 0,
    ...fields,
  }),
  attemptEnd: (fields: Fields<AttemptEndEvent>): AttemptEndEvent => ({
    type: 'attempt-end',
    agentId: 'agent',
    attempt: 1,
    rung: 'primary',
    outcome: 'accepted',
    usage,
    costUsd: 0,
    latencyMs: 0,
    ...fields,
  }),
  agentRunStart: (fields: Fields<AgentRunStartEvent>): AgentRunStartEvent => ({
    type: 'agent-run-start',
    agentId: 'agent',
    agentKind: 'llm',
    goal: 'answer the user',
    ...fields,
  }),
  agentRunEnd: (fields: Fields<AgentRunEndEvent>): AgentRunEndEvent => ({
    type: 'agent-run-end',
    agentId: 'agent',
    usage,
    ...fields,
  }),
  modelCallStart: (fields: Fields<ModelCallStartEvent>): ModelCallStartEvent => ({
    type: 'model-call-start',
    agentId: 'agent',
    provider: 'scripted',
    modelId: 'model',
    request: { messages: [{ role: 'user', content: 'hello' }] },
    ...fields,
  }),
  modelCallEnd: (fields: Fields<ModelCallEndEvent>): ModelCallEndEvent => ({
    type: 'model-call-end',
    agentId: 'agent',
    provider: 'scripted',
    modelId: 'model',
    usage,
    costUsd: 0,
    latencyMs: 0,
    ...fields,
  }),
  verificationEnd: (fields: Fields<VerificationEndEvent>): VerificationEndEvent => ({
    type: 'verification-end',
    agentId: 'agent',
    attempt: 1,
    passed: true,
    verdicts: [],
    ...fields,
  }),
  fallbackStart: (fields: Fields<FallbackStartEvent>): FallbackStartEvent => ({
    type: 'fallback-start',
    rung: 'retry',
    reason: 'test',
    ...fields,
  }),
  guardrailEnd: (fields: Fields<GuardrailEndEvent>): GuardrailEndEvent => ({
    type: 'guardrail-end',
    agentId: 'agent',
    guardrail: 'guard',
    triggered: false,
    reason: 'test',
    ...fields,
  }),
};

/** A delegation record with plain defaults (one accepted attempt). */
export function delegationRecord(fields: Partial<DelegationRecord> & { id: string }): DelegationRecord {
  return {
    mode: 'delegate',
    strategy: 'test',
    delegatorId: 'front',
    depth: 1,
    task: { goal: 'answer the user' },
    candidates: [],
    chosenAgentId: null,
    reason: 'test',
    context: { policy: 'full', messages: 0, characters: 0, redactions: 0 },
    attempts: [],
    fallbacks: [],
    outcome: 'completed',
    excluded: [],
    usage,
    costUsd: 0,
    latencyMs: 0,
    startedAt: 0,
    ...fields,
  };
}
