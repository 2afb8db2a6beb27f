import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import {
  createTracingListener,
  type TracingListener,
  type TracingListenerOptions,
} from '../tracing-listener.js';
import { type SpanTreeOptions, spanTree } from './span-tree.js';

/** A tracing listener wired to an in-memory exporter, for tests. */
export interface TestTracing {
  listener: TracingListener;
  exporter: InMemorySpanExporter;
  provider: BasicTracerProvider;
  /** The tree of spans finished so far (see {@link spanTree}). */
  tree(options?: SpanTreeOptions): string;
}

/**
 * A listener whose spans land synchronously in an `InMemorySpanExporter`, so a test can drive
 * events (or a team) and assert the span tree right after.
 *
 * @example
 * ```ts
 * const tracing = createTestTracing();
 * await team.respond(turn, { onEvent: tracing.listener });
 * expect(tracing.tree()).toMatchInlineSnapshot();
 * ```
 */
export function createTestTracing(
  options: Omit<TracingListenerOptions, 'tracer' | 'tracerProvider'> = {},
): TestTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const listener = createTracingListener({ ...options, tracerProvider: provider });
  return { listener, exporter, provider, tree: (treeOptions) => spanTree(exporter, treeOptions) };
}
