export type { BatonErrorCode } from './baton-error.js';
export { BatonError, BudgetExceededError, NoSuchAgentError, toBatonError } from './baton-error.js';
export type { BudgetLimits } from './budget.js';
export { Budget } from './budget.js';
export type { A2AAgentCard, CapabilityCard, CapabilityCardInput, Skill } from './capability-card.js';
export {
  a2aAgentCardSchema,
  capabilityCardSchema,
  defineCapabilityCard,
  fromA2AAgentCard,
  skillSchema,
} from './capability-card.js';
export type {
  ChatCallOptions,
  ChatMessage,
  ChatModel,
  ChatRequest,
  ChatResponse,
  ChatStreamPart,
  EmbeddingModel,
  FinishReason,
  ResponseFormat,
  ToolCall,
  ToolChoice,
  ToolDefinition,
  Usage,
} from './chat-model.js';
export { addUsage, emptyUsage } from './chat-model.js';
export type {
  AgentRunEndEvent,
  AgentRunStartEvent,
  AttemptEndEvent,
  AttemptStartEvent,
  DelegationEndEvent,
  DelegationEvent,
  DelegationEventListener,
  DelegationStartEvent,
  EventBase,
  FallbackStartEvent,
  GuardrailEndEvent,
  HandoffEndEvent,
  HandoffStartEvent,
  ModelCallEndEvent,
  ModelCallStartEvent,
  TurnEndEvent,
  TurnStartEvent,
  VerificationEndEvent,
} from './delegation-event.js';
export type {
  AttemptRecord,
  AttemptRung,
  CandidateScore,
  ContextTransferInfo,
  DelegationRecord,
  ErrorInfo,
  FallbackRung,
  FallbackStep,
  Verdict,
} from './delegation-record.js';
export type { TaskSpec } from './task-spec.js';
export { defineTask } from './task-spec.js';
