export type { BatonErrorCode } from './baton-error.js';
export { BatonError, BudgetExceededError, NoSuchAgentError, toBatonError } from './baton-error.js';
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
