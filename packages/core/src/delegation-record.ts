import type { BudgetLimits } from './budget.js';
import type { Usage } from './chat-model.js';
import type { ProfileEvidence } from './measured/delegate-profile.js';
import type { AcceptanceCriterion } from './verify/acceptance-criterion.js';

/** A rung of the failure ladder, in the order they are tried. */
export type FallbackRung = 'retry' | 'alternative' | 'self' | 'human';

/** Why an attempt was made: the first choice, or a ladder rung. */
export type AttemptRung = 'primary' | 'retry' | 'alternative' | 'self';

/** Why a proposed delegate was refused. */
export type ExclusionReason = 'unknown-agent' | 'not-allowed' | 'cycle' | 'depth';

/** What a delegation's record keeps of its task spec: everything but the output schema. */
export interface TaskRecord {
  goal: string;
  domain?: string;
  language?: string;
  replyLanguages?: string[];
  instructions?: string;
  constraints?: string[];
  acceptanceCriteria?: string[];
  criteria?: AcceptanceCriterion[];
  format?: 'text' | 'json';
  /** Whether the task asked for a structured result matching an output schema. */
  outputSchema?: boolean;
  budget?: BudgetLimits;
  /** Absolute deadline (epoch milliseconds). */
  deadline?: number;
}

/** A delegate considered during selection, with its score in [0, 1]. */
export interface CandidateScore {
  agentId: string;
  score: number;
  reason?: string;
  /** Set by a measured router: the profile entries (n, means, shrinkage) that decided the score. */
  profile?: ProfileEvidence;
}

/** One verifier's judgement of an attempt's result. */
export interface Verdict {
  verifier: string;
  passed: boolean;
  /** A score in [0, 1] where the verifier has one (confidence, groundedness…). */
  score?: number;
  reason: string;
  /**
   * Set when the verifier passed the result on a fallback it allows rather than the ideal, e.g.
   * `reply-language`: the answer is in a supported reply language, not the customer's.
   */
  fallback?: string;
}

/** An error as it is kept in records and events: serialisable, with its code. */
export interface ErrorInfo {
  code: string;
  message: string;
  /**
   * The code of the agent's own error, when the core wrapped one that had a code of its own (an A2A
   * delegate's `input-required` or `remote-failed` under `delegation-failed`).
   */
  cause?: string;
}

/**
 * Where an attempt's work ran when it left the process: the protocol, the endpoint and the remote
 * task. Reported by remote agents (an A2A agent) through {@link RunScope.reportRemote}.
 */
export interface RemoteCall {
  /** The wire protocol, e.g. `a2a`. */
  protocol: string;
  /** The endpoint the agent was called at (for A2A, the agent's base URL). */
  url: string;
  /** The remote side's task id, once the remote assigned one. */
  taskId?: string;
  /** The remote side's conversation context id, when the protocol has one. */
  contextId?: string;
}

/** One try at getting the task done by one agent. */
export interface AttemptRecord {
  /** 1-based position among the delegation's attempts. */
  index: number;
  agentId: string;
  rung: AttemptRung;
  /** The instructions this attempt ran with (retries revise them). */
  instructions?: string;
  outcome: 'accepted' | 'rejected' | 'error';
  error?: ErrorInfo;
  verdicts: Verdict[];
  output?: string;
  confidence?: number;
  usage: Usage;
  costUsd: number;
  latencyMs: number;
  /** Set when the agent ran remotely: where, and the remote task id (absent for local agents). */
  remote?: RemoteCall;
}

/** A failure-ladder step that ran. */
export interface FallbackStep {
  rung: FallbackRung;
  reason: string;
  fromAgentId?: string;
  toAgentId?: string;
}

/** What went over to the delegate (step 4, context transfer), measured. */
export interface ContextTransferInfo {
  policy: string;
  messages: number;
  characters: number;
  /** PII spans replaced because the delegate is not cleared to see them. */
  redactions: number;
}

/**
 * Everything that happened in one delegation: the harness derives fallback, escalation, routing and
 * cost metrics from these records, and tracing turns them into spans.
 */
export interface DelegationRecord {
  id: string;
  /** The enclosing delegation when nested. */
  parentId?: string;
  /** `delegate` keeps responsibility with the delegator; `handoff` gives the conversation away. */
  mode: 'delegate' | 'handoff';
  strategy: string;
  delegatorId: string;
  depth: number;
  /** The task as specified (step 3), without its output schema (not serialisable). */
  task: TaskRecord;
  candidates: CandidateScore[];
  /** The first-choice delegate, or null when none was eligible. */
  chosenAgentId: string | null;
  reason: string;
  context: ContextTransferInfo;
  attempts: AttemptRecord[];
  fallbacks: FallbackStep[];
  /** `completed`: an attempt was accepted; `escalated`: a human took over; `failed`: ladder exhausted. */
  outcome: 'completed' | 'escalated' | 'failed';
  /** The agent whose result was accepted (or `human`). */
  answeredBy?: string;
  /**
   * Candidates that selection proposed (a selector, or a model by tool call) but the rules refused:
   * not on the roster (`unknown-agent`), outside the delegation allowlist (`not-allowed`), already on
   * the delegation path (`cycle`) or too deep (`depth`). Every refusal is here, whoever proposed it.
   */
  excluded: { agentId: string; reason: ExclusionReason }[];
  usage: Usage;
  costUsd: number;
  latencyMs: number;
  startedAt: number;
}
