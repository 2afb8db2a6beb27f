import { join } from 'node:path';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { BATON_TRACER_NAME } from './baton-attributes.js';
import { ConsoleSummaryProcessor, type TracingSummary } from './console-summary-processor.js';
import { JsonlSpanExporter } from './jsonl-span-exporter.js';
import { type LangfuseEnv, type LangfuseOptions, resolveLangfuseOptions } from './langfuse-config.js';
import { createLangfuseSpanProcessor } from './langfuse-span-processor.js';
import type { ExportStats } from './resilient-batch-exporter.js';
import {
  createTracingListener,
  type TracingListener,
  type TracingListenerOptions,
} from './tracing-listener.js';
import { stderrLogger, type TracingLogger } from './tracing-logger.js';
import { withDeadline } from './with-deadline.js';

/** Something text can be written to, e.g. `process.stderr`. */
export interface TextSink {
  write(text: string): unknown;
}

/** Options of {@link setupTracing}. */
export interface SetupTracingOptions
  extends Pick<
    TracingListenerOptions,
    | 'captureContent'
    | 'tags'
    | 'metadata'
    | 'onTurnEnd'
    | 'spanBuilding'
    | 'maxQueuedEvents'
    | 'maxQueueDelayMs'
    | 'experimentOf'
  > {
  /** `off` returns no listener at all, so the core builds no events. Default: `BATON_TRACING` from `env`, else `on`. */
  tracing?: 'on' | 'off';
  /** Where `LANGFUSE_*` and `BATON_TRACING` are read. Default: `process.env`. */
  env?: LangfuseEnv;
  /**
   * Langfuse export: explicit options, `false` for none, or (when omitted) on exactly when
   * `LANGFUSE_PUBLIC_KEY` and `LANGFUSE_SECRET_KEY` are set in `env`.
   */
  langfuse?: (LangfuseOptions & LangfuseExportTuning) | false;
  /**
   * The local trace file (JSON Lines, one span a line), written whether or not Langfuse is on.
   * Default path: `.baton/traces/trace-<timestamp>-<pid>.jsonl` under the working directory.
   */
  jsonl?: { path?: string } | false;
  /** The short summary printed at shutdown. Default: on, to `process.stderr`. */
  consoleSummary?: { stream?: TextSink } | false;
  /** More exporters, each behind a `SimpleSpanProcessor` (e.g. an `InMemorySpanExporter` in tests). */
  exporters?: readonly SpanExporter[];
  /** `service.name` of the trace resource. Default `baton`. */
  serviceName?: string;
  /** Where warnings go (an unreachable Langfuse, a shutdown out of time). Default: stderr. */
  logger?: TracingLogger;
  /** `shutdown()` gives up waiting for exports after this long. Default 5,000 ms. */
  shutdownTimeoutMs?: number;
}

/** Batching and failure handling of the Langfuse export. */
export interface LangfuseExportTuning {
  /** Spans per export request. Default 512. */
  maxBatchSize?: number;
  /** Spans held while Langfuse is slow before new ones are dropped. Default 50,000. */
  maxQueueSize?: number;
  /** How long a partial batch waits. Default 1,000 ms. */
  flushIntervalMs?: number;
  /** After a failed export, spans are dropped for this long rather than retried. Default 60,000 ms. */
  cooldownMs?: number;
}

/** What {@link Tracing.shutdown} did. */
export interface TracingShutdownReport {
  /** Whether some exporter was still busy at the deadline (its remaining spans are lost). */
  timedOut: boolean;
  /** Spans still open at shutdown and ended as unfinished (an interrupted run). */
  unfinishedSpans: number;
  /** Langfuse delivery, when Langfuse was on. */
  langfuse?: ExportStats;
  /** The trace file, when one was written. */
  jsonlPath?: string;
  summary: TracingSummary;
}

/** Tracing for one process: the listener to hand to the core, and the means to end it cleanly. */
export interface Tracing {
  /** Pass to the core; `undefined` when tracing is off, so the core skips building events. */
  listener: TracingListener | undefined;
  /**
   * The provider behind the listener, e.g. to trace your own code into the same traces. Flush
   * through {@link Tracing.flush} rather than the provider's own `forceFlush`: the listener builds
   * spans in batches, and only `flush` builds the ones still queued.
   */
  tracerProvider: BasicTracerProvider | undefined;
  /** Whether spans go to Langfuse. */
  langfuse: boolean;
  /** The local trace file, if any. */
  jsonlPath: string | undefined;
  /** Builds the spans of the events so far and exports everything finished (bounded by the shutdown timeout). */
  flush(): Promise<void>;
  /**
   * Ends open spans, exports what is left within the deadline, prints the summary and stops.
   * Never throws; call it before a CLI exits. Calling it again returns the first report.
   */
  shutdown(): Promise<TracingShutdownReport>;
}

/**
 * Sets up tracing for a process: a tracer provider with the chosen exporters — Langfuse (when its
 * keys are set), a local JSONL trace file, a console summary — and the core listener feeding it.
 * Exports run in the background, bounded in memory and time; an unreachable Langfuse warns once
 * and never fails or stalls the run.
 *
 * @example
 * ```ts
 * const tracing = setupTracing({ tags: [`run:${runId}`] });
 * try {
 *   const result = await team.respond(turn, { onEvent: tracing.listener });
 *   const trace = tracing.listener?.traceOf(result.turnId); // link it to a dataset run item
 * } finally {
 *   await tracing.shutdown();
 * }
 * ```
 */
export function setupTracing(options: SetupTracingOptions = {}): Tracing {
  const env = options.env ?? process.env;
  const logger = options.logger ?? stderrLogger;
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 5_000;
  const mode = options.tracing ?? (env.BATON_TRACING?.trim().toLowerCase() === 'off' ? 'off' : 'on');
  if (mode === 'off') return disabledTracing();

  const langfuse = resolveLangfuseOptions({ explicit: options.langfuse, env, logger });
  const jsonlPath =
    options.jsonl === false
      ? undefined
      : (options.jsonl?.path ?? join('.baton', 'traces', `trace-${fileTimestamp()}-${process.pid}.jsonl`));

  const local: SpanProcessor[] = [];
  let jsonlExporter: JsonlSpanExporter | undefined;
  if (jsonlPath !== undefined) {
    jsonlExporter = new JsonlSpanExporter({ path: jsonlPath, logger });
    // A large queue: a fast offline run ends thousands of spans between two event-loop turns.
    local.push(
      new BatchSpanProcessor(jsonlExporter, {
        maxQueueSize: 50_000,
        maxExportBatchSize: 1_000,
        scheduledDelayMillis: 500,
      }),
    );
  }
  for (const exporter of options.exporters ?? []) local.push(new SimpleSpanProcessor(exporter));
  const summary = new ConsoleSummaryProcessor();
  local.push(summary);

  let remote: ReturnType<typeof createLangfuseSpanProcessor> | undefined;
  if (langfuse) {
    const tuning = options.langfuse === false ? undefined : options.langfuse;
    remote = createLangfuseSpanProcessor({
      ...langfuse,
      maxBatchSize: tuning?.maxBatchSize,
      maxQueueSize: tuning?.maxQueueSize,
      flushIntervalMs: tuning?.flushIntervalMs,
      cooldownMs: tuning?.cooldownMs,
      logger,
      failureHint: jsonlPath ? `traces stay in ${jsonlPath}` : 'traces are not kept elsewhere',
    });
  }

  const processors = remote ? [...local, remote.processor] : local;
  const tracerProvider = new BasicTracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({ 'service.name': options.serviceName ?? 'baton' }),
    ),
    spanProcessors: processors,
  });
  const listener = createTracingListener({
    tracer: tracerProvider.getTracer(BATON_TRACER_NAME),
    captureContent: options.captureContent,
    tags: options.tags,
    metadata: options.metadata,
    onTurnEnd: options.onTurnEnd,
    logger,
    // This object owns flush and shutdown, so spans can be built across turns (the cheapest way).
    spanBuilding: options.spanBuilding ?? 'batched',
    maxQueuedEvents: options.maxQueuedEvents,
    maxQueueDelayMs: options.maxQueueDelayMs,
    experimentOf: options.experimentOf,
  });

  let report: Promise<TracingShutdownReport> | undefined;

  async function settleAll(work: (processor: SpanProcessor) => Promise<void>): Promise<boolean> {
    const all = Promise.all(processors.map((processor) => work(processor).catch(() => undefined)));
    return withDeadline(all, shutdownTimeoutMs);
  }

  async function shutdown(): Promise<TracingShutdownReport> {
    const unfinishedSpans = listener.endOpenSpans();
    const finished = await settleAll((processor) => processor.shutdown());
    if (!finished) {
      const stats = remote?.exporter.stats();
      logger.warn(
        `Tracing did not finish exporting within ${shutdownTimeoutMs} ms and gave up${
          stats ? ` (${stats.pending} spans still on their way to Langfuse)` : ''
        }.`,
      );
    }
    const result: TracingShutdownReport = {
      timedOut: !finished,
      unfinishedSpans,
      summary: summary.summary(),
    };
    if (remote) result.langfuse = remote.exporter.stats();
    if (jsonlPath !== undefined) result.jsonlPath = jsonlPath;
    if (options.consoleSummary !== false) {
      const stream = options.consoleSummary?.stream ?? process.stderr;
      try {
        stream.write(summary.format(describeDestinations(result, langfuse?.baseUrl, jsonlExporter)));
      } catch {
        // The summary is a courtesy; a closed stream must not fail the shutdown.
      }
    }
    return result;
  }

  return {
    listener,
    tracerProvider,
    langfuse: remote !== undefined,
    jsonlPath,
    async flush() {
      listener.flush();
      await settleAll((processor) => processor.forceFlush());
    },
    shutdown() {
      report ??= shutdown();
      return report;
    },
  };
}

function describeDestinations(
  report: TracingShutdownReport,
  langfuseUrl: string | undefined,
  jsonl: JsonlSpanExporter | undefined,
): string[] {
  const notes: string[] = [];
  if (report.langfuse && langfuseUrl) {
    const { sent, dropped } = report.langfuse;
    notes.push(`Langfuse (${langfuseUrl}): ${spans(sent)} sent${dropped > 0 ? `, ${dropped} dropped` : ''}`);
  }
  if (jsonl) notes.push(`trace file: ${jsonl.path} (${spans(jsonl.writtenSpans)})`);
  return notes;
}

function spans(count: number): string {
  return `${count} span${count === 1 ? '' : 's'}`;
}

function disabledTracing(): Tracing {
  const summary = new ConsoleSummaryProcessor().summary();
  return {
    listener: undefined,
    tracerProvider: undefined,
    langfuse: false,
    jsonlPath: undefined,
    flush: () => Promise.resolve(),
    shutdown: () => Promise.resolve({ timedOut: false, unfinishedSpans: 0, summary }),
  };
}

function fileTimestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}
