export type { ChatModelContractOptions, ContractScript, ContractTestApi } from './chat-model-contract.js';
export { chatModelContract } from './chat-model-contract.js';
export type { ManualClock } from './manual-clock.js';
export { createManualClock } from './manual-clock.js';
export type {
  MockHandler,
  MockOpenAIServer,
  MockOpenAIServerOptions,
  MockReply,
  MockRequest,
  ReplyTiming,
} from './mock-openai-server.js';
export { createMockOpenAIServer, reply } from './mock-openai-server.js';
export type {
  ChatCompletionChunksOptions,
  ChatCompletionOptions,
  EmbeddingResponseOptions,
  ScriptedToolCall,
  ScriptedUsage,
} from './openai-payloads.js';
export {
  chatCompletion,
  chatCompletionChunks,
  embeddingResponse,
  errorBody,
  roughTokenCount,
} from './openai-payloads.js';
