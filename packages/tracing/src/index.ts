export type { BatonUnit } from './baton-attributes.js';
export { BATON_TRACER_NAME, BatonAttributes } from './baton-attributes.js';
export { GenAiAttributes, GenAiOperation } from './gen-ai-attributes.js';
export type { TracingErrorCode } from './tracing-error.js';
export { TracingError } from './tracing-error.js';
export type { TracingListener, TracingListenerOptions, TurnTrace } from './tracing-listener.js';
export { createTracingListener } from './tracing-listener.js';
export type { TracingLogger } from './tracing-logger.js';
export { stderrLogger } from './tracing-logger.js';
