import type { AgentInput } from './agent.js';

/** A guardrail's decision about one input. */
export interface GuardrailResult {
  triggered: boolean;
  /** `decline`: answer with `reply` instead of doing the task; `escalate`: hand to a human. */
  action?: 'decline' | 'escalate';
  reason: string;
  /** The reply to give when declining. */
  reply?: string;
}

/**
 * A check an agent runs on its input before working on it, e.g. refusing regulated advice.
 * Domain delegates (medical, legal, financial) carry their own.
 */
export interface Guardrail {
  readonly name: string;
  check(input: AgentInput): GuardrailResult | Promise<GuardrailResult>;
}
