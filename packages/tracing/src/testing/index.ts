export type { TestTracing } from './create-test-tracing.js';
export { createTestTracing } from './create-test-tracing.js';
export { delegationEvents, delegationRecord } from './delegation-events.js';
export type {
  FakeDatasetItem,
  FakeDatasetItemInput,
  FakeLangfuseArrivals,
  FakeLangfuseServer,
  FakeLangfuseServerOptions,
  ReceivedSpan,
  RecordedRequest,
  StoredRunItem,
  StoredScore,
} from './fake-langfuse-server.js';
export { startFakeLangfuseServer } from './fake-langfuse-server.js';
export type { SpanMatcher } from './find-span.js';
export { findSpan, findSpans } from './find-span.js';
export type { SpanSource, SpanTreeOptions } from './span-tree.js';
export { spansOf, spanTree } from './span-tree.js';
