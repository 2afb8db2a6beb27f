import type { CapabilityCard } from './capability-card.js';
import type { Usage } from './chat-model.js';
import type { ContextTransferInfo, Verdict } from './delegation-record.js';
import type { RunScope } from './run-scope.js';
import type { TaskSpec } from './task-spec.js';
import type { ConversationMessage } from './turn-input.js';

/** The context a delegate receives (after the context policy and any redaction). */
export interface TransferredContext {
  messages: ConversationMessage[];
  summary?: string;
  fields?: Record<string, unknown>;
  info: ContextTransferInfo;
}

/** A knowledge source an answer drew on. */
export interface SourceRef {
  id: string;
  title?: string;
  score?: number;
}

/** A failed earlier attempt on the same task, so a retry can do something different. */
export interface PreviousAttempt {
  agentId: string;
  output?: string;
  sources: string[];
  verdicts: Verdict[];
  error?: string;
}

/** What an agent is asked to do. */
export interface AgentInput<TOutput = unknown> {
  task: TaskSpec<TOutput>;
  context: TransferredContext;
  /** Earlier failed attempts at this task (retries and alternatives see them). */
  previousAttempts: PreviousAttempt[];
  /** True when the conversation was handed off: the agent answers the user directly and may hand back. */
  handoff?: boolean;
}

/**
 * What an agent did. `status` lets a guarded agent decline, ask for a human, or (in handoff mode)
 * hand the conversation back.
 */
export interface AgentOutput<TOutput = unknown> {
  text: string;
  status: 'answered' | 'declined' | 'needs-human' | 'hand-back';
  /** Structured result, validated against `task.output` when one was asked for. */
  data?: TOutput;
  /** The agent's own confidence in [0, 1], when it has one. */
  confidence?: number;
  sources?: SourceRef[];
  usage: Usage;
  costUsd: number;
}

/**
 * Anything that can take a task: an LLM agent, a retrieval agent, a team acting as one agent, or
 * your own implementation. The engine supplies the scope; implementations should pass
 * `scope.signal` to their I/O and make model calls through `scope.callModel`.
 */
export interface Agent {
  readonly id: string;
  readonly card: CapabilityCard;
  /** `llm`, `retrieval`, `team`, or your own label; shown in traces. */
  readonly kind: string;
  run(input: AgentInput, scope: RunScope): Promise<AgentOutput>;
}
