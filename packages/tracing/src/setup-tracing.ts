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
import { type Clock, systemClock } from './clock.js';
import { ConsoleSummaryProcessor, type TracingSummary } from './console-summary-processor.js';
import { JsonlSpanExporter } from './jsonl-span-exporter.js';
import { type LangfuseEnv, type LangfuseOptions, resolveLangfuseOptions } from './langfuse-config.js';
import type { LangfusePendingLog } from './langfuse-pending.js';
import { createLangfuseSpanProcessor } from './langfuse-span-processor.js';
import { toPendingSpan } from './pending-span.js';
import { redactingLogger } from './redact.js';
import type { ExportStats } from './resilient-batch-exporter.js';
import {
  createTracingListener,
  type TracingListener,
  type TracingListenerOptions,
} from './tracing-listener.js';
import { stderrLogger, type TracingLogger } from './tracing-logger.js';
import { waitForProgress } from './wait-for-progress.js';

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
  /**
   * A hard deadline for `flush()` and `shutdown()`. Default: none while Langfuse is on — they wait
   * as long as Langfuse acknowledges spans and give up after its stall timeout
   * (`stallTimeoutMs`, 30 s) without one — and 5,000 ms without Langfuse.
   */
  shutdownTimeoutMs?: number;
  /** Reads the time and runs the stall watch (tests inject one). Default: the system clock. */
  clock?: Clock;
}

/** Batching and failure handling of the Langfuse export. */
export interface LangfuseExportTuning {
  /** Spans per export request. Default 1,000. */
  maxBatchSize?: number;
  /** Spans held while Langfuse is slow before new ones are dropped. Default 50,000. */
  maxQueueSize?: number;
  /** How long a partial batch waits. Default 1,000 ms. */
  flushIntervalMs?: number;
  /** After a failed export, spans are dropped for this long rather than retried. Default 60,000 ms. */
  cooldownMs?: number;
  /** Export requests in flight at once. Default 4. */
  maxConcurrentExports?: number;
  /**
   * Where spans that do not reach Langfuse are kept (failed exports, the cooldown, a full queue, a
   * give-up at shutdown), for `pushLangfusePending` to send later. Without it they are only counted.
   */
  pending?: LangfusePendingLog;
}

/** What {@link Tracing.shutdown} did. */
export interface TracingShutdownReport {
  /**
   * Whether shutdown gave up waiting — at the deadline, or after Langfuse acknowledged nothing for
   * its stall timeout — while an exporter was still busy (its remaining spans are dropped, or kept
   * in the pending file).
   */
  timedOut: boolean;
  /** How long Langfuse had acknowledged no span when shutdown gave up after a stall. */
  stalledForMs?: number;
  /** Spans kept in the pending file instead of being delivered (they also count as dropped). */
  spansKept?: number;
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
  const clock = options.clock ?? systemClock;
  const mode = options.tracing ?? (env.BATON_TRACING?.trim().toLowerCase() === 'off' ? 'off' : 'on');
  if (mode === 'off') return disabledTracing();

  const langfuse = resolveLangfuseOptions({
    explicit: options.langfuse,
    env,
    logger: options.logger ?? stderrLogger,
  });
  // Nothing tracing prints may carry a key (URLs lose their credentials when resolved).
  const logger = redactingLogger(options.logger ?? stderrLogger, [langfuse?.publicKey, langfuse?.secretKey]);
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? (langfuse ? undefined : 5_000);
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
  const tuning = options.langfuse === false ? undefined : options.langfuse;
  const pending = tuning?.pending;
  let spansKept = 0;
  if (langfuse) {
    remote = createLangfuseSpanProcessor({
      ...langfuse,
      maxBatchSize: tuning?.maxBatchSize,
      maxQueueSize: tuning?.maxQueueSize,
      flushIntervalMs: tuning?.flushIntervalMs,
      cooldownMs: tuning?.cooldownMs,
      maxConcurrentExports: tuning?.maxConcurrentExports,
      logger,
      failureHint: pending
        ? `undelivered spans are kept in ${pending.path} for a later push`
        : jsonlPath
          ? `traces stay in ${jsonlPath}`
          : 'traces are not kept elsewhere',
      ...(pending
        ? {
            onUndelivered: (spans) => {
              pending.append(spans.map((span) => ({ kind: 'span', span: toPendingSpan(span) })));
              spansKept += spans.length;
            },
          }
        : {}),
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

  /**
   * Runs `work` on every processor and waits: while Langfuse acknowledges spans (giving up after
   * its stall timeout without one) and, when set, until the hard deadline. On a give-up the
   * Langfuse exporter stops, handing what it still holds to the pending file.
   */
  async function settleAll(
    work: (processor: SpanProcessor) => Promise<void>,
  ): Promise<{ finished: boolean; stalledForMs?: number; stats?: ExportStats }> {
    const all = Promise.all(processors.map((processor) => work(processor).catch(() => undefined)));
    const outcome = await waitForProgress(all, {
      clock,
      ...(shutdownTimeoutMs !== undefined ? { deadlineMs: shutdownTimeoutMs } : {}),
      ...(remote && langfuse
        ? {
            stallTimeoutMs: langfuse.stallTimeoutMs,
            lastProgressAt: () => remote?.exporter.progress().lastAcknowledgedAt,
          }
        : {}),
    });
    if (outcome.ended === 'done') return { finished: true };
    // What was still on its way at that moment, before the exporter lets go of it.
    const stats = remote?.exporter.stats();
    const pendingSpans = stats?.pending ?? 0;
    if (outcome.ended === 'deadline') {
      logger.warn(
        `Tracing did not finish exporting within ${shutdownTimeoutMs} ms and gave up${
          stats
            ? ` (${pendingSpans} spans still on their way to Langfuse${pending ? `, kept in ${pending.path}` : ''})`
            : ''
        }.`,
      );
    } else {
      logger.warn(
        `Langfuse acknowledged no spans for ${Math.round(outcome.stalledForMs / 1000)} s, so tracing stopped waiting (${pendingSpans} spans ${
          pending ? `kept in ${pending.path} for a later push` : 'not delivered'
        }).`,
      );
    }
    remote?.exporter.abandon(outcome.ended === 'deadline' ? 'shutdown deadline' : 'Langfuse stalled');
    return {
      finished: false,
      ...(outcome.ended === 'stalled' ? { stalledForMs: outcome.stalledForMs } : {}),
      ...(stats ? { stats } : {}),
    };
  }

  async function shutdown(): Promise<TracingShutdownReport> {
    const unfinishedSpans = listener.endOpenSpans();
    const settled = await settleAll((processor) => processor.shutdown());
    const result: TracingShutdownReport = {
      timedOut: !settled.finished,
      unfinishedSpans,
      summary: summary.summary(),
    };
    if (settled.stalledForMs !== undefined) result.stalledForMs = settled.stalledForMs;
    if (remote) result.langfuse = settled.stats ?? remote.exporter.stats();
    if (pending) result.spansKept = spansKept;
    if (jsonlPath !== undefined) result.jsonlPath = jsonlPath;
    if (options.consoleSummary !== false) {
      const stream = options.consoleSummary?.stream ?? process.stderr;
      try {
        stream.write(summary.format(describeDestinations(result, langfuse?.baseUrl, jsonlExporter, pending)));
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
  pending: LangfusePendingLog | undefined,
): string[] {
  const notes: string[] = [];
  if (report.langfuse && langfuseUrl) {
    const { sent, dropped } = report.langfuse;
    const kept = report.spansKept ?? 0;
    const lost = dropped - kept;
    notes.push(
      `Langfuse (${langfuseUrl}): ${spans(sent)} sent${lost > 0 ? `, ${lost} dropped` : ''}${
        kept > 0 && pending ? `, ${kept} kept in ${pending.path}` : ''
      }`,
    );
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
