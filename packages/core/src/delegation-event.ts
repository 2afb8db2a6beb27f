import type { ChatRequest, ChatResponse, Usage } from './chat-model.js';
import type {
  AttemptRung,
  CandidateScore,
  DelegationRecord,
  ErrorInfo,
  FallbackRung,
  RemoteCall,
  Verdict,
} from './delegation-record.js';

/**
 * Fields every event carries. `id` names the unit (turn, delegation, attempt, agent run, model call);
 * `-start` and `-end` events of one unit share it, and `parentId` nests units into a tree.
 */
export interface EventBase {
  id: string;
  parentId?: string;
  /** Epoch milliseconds with sub-millisecond precision. */
  time: number;
}

/** A strategy began answering one user turn. */
export interface TurnStartEvent extends EventBase {
  type: 'turn-start';
  strategy: string;
  conversationId?: string;
  turnIndex?: number;
  input: string;
  sessionId?: string;
  userId?: string;
}

/** A strategy finished a turn. */
export interface TurnEndEvent extends EventBase {
  type: 'turn-end';
  strategy: string;
  outcome: 'answered' | 'escalated' | 'failed';
  answer: string | null;
  respondedBy: string[];
  usage: Usage;
  costUsd: number;
  latencyMs: number;
  error?: ErrorInfo;
}

/** A delegator chose a delegate and handed over a task. */
export interface DelegationStartEvent extends EventBase {
  type: 'delegation-start';
  mode: 'delegate' | 'handoff';
  strategy: string;
  delegatorId: string;
  depth: number;
  goal: string;
  candidates: CandidateScore[];
  chosenAgentId: string | null;
  reason: string;
}

/** A delegation finished; carries its full record. */
export interface DelegationEndEvent extends EventBase {
  type: 'delegation-end';
  record: DelegationRecord;
}

/** One try of one agent inside a delegation. */
export interface AttemptStartEvent extends EventBase {
  type: 'attempt-start';
  agentId: string;
  attempt: number;
  rung: AttemptRung;
  contextCharacters: number;
}

/** An attempt ended (accepted, rejected by verification, or errored). */
export interface AttemptEndEvent extends EventBase {
  type: 'attempt-end';
  agentId: string;
  attempt: number;
  rung: AttemptRung;
  outcome: 'accepted' | 'rejected' | 'error';
  error?: ErrorInfo;
  usage: Usage;
  costUsd: number;
  latencyMs: number;
  /** Set when the agent ran remotely (see {@link RemoteCall}). */
  remote?: RemoteCall;
}

/** An agent started running (inside an attempt, or alone in `solo`). */
export interface AgentRunStartEvent extends EventBase {
  type: 'agent-run-start';
  agentId: string;
  agentKind: string;
  goal: string;
}

/** An agent finished running. */
export interface AgentRunEndEvent extends EventBase {
  type: 'agent-run-end';
  agentId: string;
  output?: string;
  confidence?: number;
  error?: ErrorInfo;
  usage: Usage;
}

/** A model call started; carries the request as sent. */
export interface ModelCallStartEvent extends EventBase {
  type: 'model-call-start';
  agentId: string;
  provider: string;
  modelId: string;
  request: ChatRequest;
}

/** A model call ended. */
export interface ModelCallEndEvent extends EventBase {
  type: 'model-call-end';
  agentId: string;
  provider: string;
  modelId: string;
  response?: ChatResponse;
  error?: ErrorInfo;
  usage: Usage;
  costUsd: number;
  latencyMs: number;
}

/** An embedding call started (a selector embedding the request or the cards). */
export interface EmbeddingCallStartEvent extends EventBase {
  type: 'embedding-call-start';
  agentId: string;
  provider: string;
  modelId: string;
  /** How many texts are embedded. */
  values: number;
}

/** An embedding call ended. */
export interface EmbeddingCallEndEvent extends EventBase {
  type: 'embedding-call-end';
  agentId: string;
  provider: string;
  modelId: string;
  error?: ErrorInfo;
  usage: Usage;
  costUsd: number;
  latencyMs: number;
}

/** Verifiers judged an attempt (a point in time; parent is the attempt). */
export interface VerificationEndEvent extends EventBase {
  type: 'verification-end';
  agentId: string;
  attempt: number;
  passed: boolean;
  verdicts: Verdict[];
}

/** A failure-ladder rung begins (a point in time; parent is the delegation). */
export interface FallbackStartEvent extends EventBase {
  type: 'fallback-start';
  rung: FallbackRung;
  reason: string;
  fromAgentId?: string;
  toAgentId?: string;
}

/** A guardrail inspected an agent's input (a point in time; parent is the agent run). */
export interface GuardrailEndEvent extends EventBase {
  type: 'guardrail-end';
  agentId: string;
  guardrail: string;
  triggered: boolean;
  action?: 'decline' | 'escalate';
  reason: string;
}

/** Control of a conversation moved to a specialist. */
export interface HandoffStartEvent extends EventBase {
  type: 'handoff-start';
  fromAgentId: string;
  toAgentId: string;
  reason: string;
}

/** A specialist handed a conversation back. */
export interface HandoffEndEvent extends EventBase {
  type: 'handoff-end';
  agentId: string;
  reason: string;
}

/** Every event the core emits. Narrow on `type`. */
export type DelegationEvent =
  | TurnStartEvent
  | TurnEndEvent
  | DelegationStartEvent
  | DelegationEndEvent
  | AttemptStartEvent
  | AttemptEndEvent
  | AgentRunStartEvent
  | AgentRunEndEvent
  | ModelCallStartEvent
  | ModelCallEndEvent
  | EmbeddingCallStartEvent
  | EmbeddingCallEndEvent
  | VerificationEndEvent
  | FallbackStartEvent
  | GuardrailEndEvent
  | HandoffStartEvent
  | HandoffEndEvent;

/** Receives events synchronously; must not throw (errors are swallowed so tracing never breaks a run). */
export type DelegationEventListener = (event: DelegationEvent) => void;
