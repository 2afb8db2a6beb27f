import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { stderrLogger, type TracingLogger, WarnOnce } from './tracing-logger.js';

/** Options of {@link ResilientBatchExporter}. */
export interface ResilientBatchExporterOptions {
  /** The exporter that talks to the network (e.g. an `OTLPTraceExporter`). */
  exporter: SpanExporter;
  /** Names the destination in warnings, e.g. `Langfuse at https://cloud.langfuse.com`. */
  destination: string;
  /** Appended to the first failure warning, e.g. where the traces can still be found. */
  failureHint?: string;
  logger?: TracingLogger;
  /** Spans per export request. Default 512. */
  maxBatchSize?: number;
  /** Spans waiting to be sent before new ones are dropped (and counted). Default 50,000. */
  maxQueueSize?: number;
  /** How long a partial batch waits for company. Default 1,000 ms. */
  flushIntervalMs?: number;
  /** How long one export may take before it counts as failed. Default 5,000 ms. */
  timeoutMs?: number;
  /** After a failure, spans are dropped without trying for this long. Default 60,000 ms. */
  cooldownMs?: number;
  /** Export requests in flight at once. Default 2. */
  maxConcurrentExports?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
}

/** What happened to the spans handed to a {@link ResilientBatchExporter}. */
export interface ExportStats {
  /** Spans the destination accepted. */
  sent: number;
  /** Spans lost: failed or timed-out exports, a full queue, the cooldown after a failure, shutdown. */
  dropped: number;
  /** Export requests that failed or timed out. */
  failedExports: number;
  /** Spans still queued or in flight. */
  pending: number;
  /** The first failure's message, if any. */
  firstError?: string;
}

/**
 * Batches spans and exports them through another exporter so that a slow or unreachable
 * destination can never fail, block or bloat a run: `export()` only enqueues (bounded), sending
 * happens in the background with a timeout per request, and the first failure warns once and
 * pauses sending for a cooldown (spans in that window are dropped and counted, not retried, so a
 * dead endpoint costs one timeout rather than one per batch).
 *
 * Used in place of `BatchSpanProcessor` because that one holds at most 2,048 spans by default and
 * drops the rest silently, which a fast offline eval run overflows.
 */
export class ResilientBatchExporter implements SpanExporter {
  private readonly exporter: SpanExporter;
  private readonly destination: string;
  private readonly failureHint: string | undefined;
  private readonly warnings: WarnOnce;
  private readonly maxBatchSize: number;
  private readonly maxQueueSize: number;
  private readonly flushIntervalMs: number;
  private readonly timeoutMs: number;
  private readonly cooldownMs: number;
  private readonly maxConcurrentExports: number;
  private readonly now: () => number;
  private queue: ReadableSpan[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private inFlightSpans = 0;
  private timer: NodeJS.Timeout | undefined;
  private pausedUntil = 0;
  private stopped = false;
  private readonly counts = { sent: 0, dropped: 0, failedExports: 0 };
  private firstError: string | undefined;

  constructor(options: ResilientBatchExporterOptions) {
    this.exporter = options.exporter;
    this.destination = options.destination;
    this.failureHint = options.failureHint;
    this.warnings = new WarnOnce(options.logger ?? stderrLogger);
    this.maxBatchSize = Math.max(1, options.maxBatchSize ?? 512);
    this.maxQueueSize = Math.max(this.maxBatchSize, options.maxQueueSize ?? 50_000);
    this.flushIntervalMs = options.flushIntervalMs ?? 1_000;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.cooldownMs = options.cooldownMs ?? 60_000;
    this.maxConcurrentExports = Math.max(1, options.maxConcurrentExports ?? 2);
    this.now = options.now ?? Date.now;
  }

  /** What happened to the spans so far. */
  stats(): ExportStats {
    const stats: ExportStats = { ...this.counts, pending: this.queue.length + this.inFlightSpans };
    if (this.firstError !== undefined) stats.firstError = this.firstError;
    return stats;
  }

  /** Enqueues spans and reports success at once; the outcome of sending shows in {@link stats}. */
  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped || this.now() < this.pausedUntil) {
      this.counts.dropped += spans.length;
      resultCallback({ code: ExportResultCode.SUCCESS });
      return;
    }
    const room = this.maxQueueSize - this.queue.length;
    if (room < spans.length) {
      this.counts.dropped += spans.length - Math.max(0, room);
      this.warnings.warn(
        'queue-full',
        `More than ${this.maxQueueSize} spans were waiting for ${this.destination}; newer spans are dropped until it catches up.`,
      );
    }
    for (let index = 0; index < Math.min(room, spans.length); index++) this.queue.push(spans[index]!);
    // The caller's span is safely queued; delivery failures are ours to count, not theirs to handle.
    resultCallback({ code: ExportResultCode.SUCCESS });
    if (this.queue.length >= this.maxBatchSize) this.pump();
    else this.schedule();
  }

  /** Sends everything queued and waits for it (or for its timeouts). */
  async forceFlush(): Promise<void> {
    this.clearTimer();
    for (;;) {
      this.pump();
      if (this.inFlight.size === 0) break;
      await Promise.race(this.inFlight);
    }
  }

  /** Flushes, then stops: later spans are dropped. */
  async shutdown(): Promise<void> {
    await this.forceFlush();
    this.stopped = true;
    try {
      await this.exporter.shutdown();
    } catch {
      // The destination is already unreachable or closed; nothing is left to lose.
    }
  }

  private schedule(): void {
    if (this.timer || this.queue.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, this.flushIntervalMs);
    // A pending flush must not keep a finished CLI process alive; shutdown() flushes explicitly.
    this.timer.unref();
  }

  private clearTimer(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inFlight.size < this.maxConcurrentExports) {
      if (this.now() < this.pausedUntil) {
        this.counts.dropped += this.queue.length;
        this.queue = [];
        break;
      }
      const batch = this.queue.splice(0, this.maxBatchSize);
      this.inFlightSpans += batch.length;
      const sending: Promise<void> = this.send(batch).then(() => {
        this.inFlight.delete(sending);
        this.inFlightSpans -= batch.length;
        if (this.queue.length >= this.maxBatchSize) this.pump();
        else this.schedule();
      });
      this.inFlight.add(sending);
    }
    if (this.queue.length > 0 && this.inFlight.size < this.maxConcurrentExports) this.schedule();
  }

  private send(batch: ReadableSpan[]): Promise<void> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result: ExportResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        this.record(batch.length, result);
        resolve();
      };
      // The inner exporter has its own timeout; this one guards against one that never answers.
      const timeout = setTimeout(
        () =>
          finish({
            code: ExportResultCode.FAILED,
            error: new Error(`no answer within ${this.timeoutMs} ms`),
          }),
        this.timeoutMs,
      );
      timeout.unref();
      try {
        this.exporter.export(batch, finish);
      } catch (error) {
        finish({
          code: ExportResultCode.FAILED,
          error: error instanceof Error ? error : new Error(String(error)),
        });
      }
    });
  }

  private record(count: number, result: ExportResult): void {
    if (result.code === ExportResultCode.SUCCESS) {
      this.counts.sent += count;
      return;
    }
    this.counts.dropped += count;
    this.counts.failedExports += 1;
    this.pausedUntil = this.now() + this.cooldownMs;
    const reason = describeError(result.error);
    this.firstError ??= reason;
    this.warnings.warn(
      'export-failed',
      `Could not export traces to ${this.destination} (${reason}). The run continues${
        this.failureHint ? `; ${this.failureHint}` : ''
      }. Sending pauses for ${Math.round(this.cooldownMs / 1000)} s after each failure; further failures are counted, not logged.`,
    );
  }
}

function describeError(error: Error | undefined): string {
  if (!error) return 'export failed';
  const code = (error as { code?: unknown }).code;
  const message = error.message || error.name;
  if (typeof code === 'number') return `HTTP ${code}${message ? ` ${message}` : ''}`;
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
