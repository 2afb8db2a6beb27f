/** The instrumentation scope of every span Baton creates; exporters filter on it. */
export const BATON_TRACER_NAME = '@baton/tracing';

/** What a Baton span stands for, in `baton.unit`. */
export type BatonUnit =
  | 'turn'
  | 'delegation'
  | 'attempt'
  | 'agent-run'
  | 'model-call'
  | 'verification'
  | 'fallback'
  | 'guardrail'
  | 'handoff';

/**
 * Attribute names for Baton's own concepts (the `baton.*` namespace). Values that are lists of
 * records (candidates, verdicts) are JSON strings, because OpenTelemetry attributes hold only
 * primitives and arrays of primitives.
 */
export const BatonAttributes = {
  UNIT: 'baton.unit',
  STRATEGY: 'baton.strategy',
  TURN_INDEX: 'baton.turn.index',
  TURN_OUTCOME: 'baton.turn.outcome',
  RESPONDED_BY: 'baton.turn.responded_by',
  DELEGATION_MODE: 'baton.delegation.mode',
  DELEGATION_DELEGATOR: 'baton.delegation.delegator',
  DELEGATION_DEPTH: 'baton.delegation.depth',
  DELEGATION_CANDIDATES: 'baton.delegation.candidates',
  DELEGATION_CHOSEN_AGENT: 'baton.delegation.chosen_agent',
  DELEGATION_REASON: 'baton.delegation.reason',
  DELEGATION_OUTCOME: 'baton.delegation.outcome',
  DELEGATION_ANSWERED_BY: 'baton.delegation.answered_by',
  DELEGATION_ATTEMPTS: 'baton.delegation.attempts',
  DELEGATION_EXCLUDED: 'baton.delegation.excluded',
  CONTEXT_POLICY: 'baton.context.policy',
  CONTEXT_MESSAGES: 'baton.context.messages',
  CONTEXT_CHARACTERS: 'baton.context.characters',
  CONTEXT_REDACTIONS: 'baton.context.redactions',
  AGENT_ID: 'baton.agent.id',
  AGENT_KIND: 'baton.agent.kind',
  AGENT_CONFIDENCE: 'baton.agent.confidence',
  ATTEMPT_NUMBER: 'baton.attempt.number',
  ATTEMPT_RUNG: 'baton.attempt.rung',
  ATTEMPT_OUTCOME: 'baton.attempt.outcome',
  VERDICT_PASSED: 'baton.verdict.passed',
  VERDICTS: 'baton.verdicts',
  FALLBACK_RUNG: 'baton.fallback.rung',
  FALLBACK_RUNGS: 'baton.fallback.rungs',
  FALLBACK_REASON: 'baton.fallback.reason',
  FALLBACK_FROM_AGENT: 'baton.fallback.from_agent',
  FALLBACK_TO_AGENT: 'baton.fallback.to_agent',
  GUARDRAIL_NAME: 'baton.guardrail.name',
  GUARDRAIL_TRIGGERED: 'baton.guardrail.triggered',
  GUARDRAIL_ACTION: 'baton.guardrail.action',
  GUARDRAIL_REASON: 'baton.guardrail.reason',
  HANDOFF_FROM_AGENT: 'baton.handoff.from_agent',
  HANDOFF_TO_AGENT: 'baton.handoff.to_agent',
  HANDOFF_REASON: 'baton.handoff.reason',
  USAGE_INPUT_TOKENS: 'baton.usage.input_tokens',
  USAGE_OUTPUT_TOKENS: 'baton.usage.output_tokens',
  COST_USD: 'baton.cost_usd',
  ERROR_CODE: 'baton.error.code',
  /** The code of the agent's own error the core's wraps (an A2A delegate's `remote-failed`). */
  ERROR_CAUSE: 'baton.error.cause',
  /** Set on spans that were still open when tracing shut down (the run was interrupted). */
  UNFINISHED: 'baton.unfinished',
} as const;
