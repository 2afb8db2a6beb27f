export type { A2aErrorCode } from './a2a-error.js';
export { A2aError, A2aTaskError } from './a2a-error.js';
export type { A2aAgent, A2aAgentOptions, A2aTaskUpdate } from './create-a2a-agent.js';
export { createA2aAgent } from './create-a2a-agent.js';
export type { A2aExecutor, A2aExecutorOptions, ServedTarget } from './create-a2a-executor.js';
export { createA2aExecutor } from './create-a2a-executor.js';
export type { A2aHttpHandlerOptions } from './create-a2a-http-handler.js';
export { createA2aHttpHandler } from './create-a2a-http-handler.js';
export type { AgentCardJson, ResolvedAgentCard } from './resolve-agent-card.js';
export { agentCardJsonSchema, agentCardUrl, parseAgentCard, resolveAgentCard } from './resolve-agent-card.js';
export type { ResultMetadata } from './result-metadata.js';
export { batonResultMetadataSchema, readResultMetadata } from './result-metadata.js';
export type { A2aServer, ServeA2aOptions } from './serve-a2a.js';
export { serveA2a } from './serve-a2a.js';
export type { Sleep } from './sleep.js';
export type { BatonTaskPayload } from './task-message.js';
export { batonTaskPayloadSchema, readTaskMessage, toTaskMessage } from './task-message.js';
export type { A2aTaskState } from './task-state.js';
export type { ToA2aAgentCardOptions } from './to-a2a-agent-card.js';
export { toA2aAgentCard } from './to-a2a-agent-card.js';
export type { CapabilityCardOverrides } from './to-capability-card.js';
export { toCapabilityCard } from './to-capability-card.js';
export type { TraceContext, TraceparentRequest, TraceparentSource } from './traceparent.js';
export {
  activeTraceparent,
  formatTraceparent,
  parseTraceparent,
  withRemoteTraceContext,
} from './traceparent.js';
