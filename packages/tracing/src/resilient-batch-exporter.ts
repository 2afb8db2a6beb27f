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
  /** Spans per export request. Default 1,000. */
  maxBatchSize?: number;
  /** Spans waiting to be sent before new ones are dropped (and counted). Default 50,000. */
  maxQueueSize?: number;
  /** How long a partial batch waits for company. Default 1,000 ms. */
  flushIntervalMs?: number;
  /** How long one export may take before it counts as failed. Default 5,000 ms. */
  timeoutMs?: number;
  /** After a failure, spans are dropped without trying for this long. Default 60,000 ms. */
  cooldownMs?: number;
  /** Export requests in flight at once. Default 4. */
  maxConcurrentExports?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
  /**
   * Receives every span that is not delivered — a failed or timed-out export, the cooldown after a
   * failure, a full queue, after shutdown, {@link ResilientBatchExporter.abandon} — e.g. to keep it
   * in a pending file for a later push. Such spans still count as `dropped`.
   */
  onUndelivered?: (spans: readonly ReadableSpan[], reason: string) => void;
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

/** When the destination last answered, for a caller that waits as long as exports make progress. */
export interface ExportProgress {
  /** Export requests answered so far (acknowledged or failed). */
  answeredExports: number;
  /** When the last export was acknowledged (the injected clock), if one was. */
  lastAcknowledgedAt: number | undefined;
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
  private readonly onUndelivered: ((spans: readonly ReadableSpan[], reason: string) => void) | undefined;
  private queue: ReadableSpan[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  /** The batches in flight, so that {@link abandon} can hand them over. */
  private readonly inFlightBatches = new Set<ReadableSpan[]>();
  private readonly abandonedBatches = new WeakSet<ReadableSpan[]>();
  private answeredExports = 0;
  private lastAcknowledgedAt: number | undefined;
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
    this.maxBatchSize = Math.max(1, options.maxBatchSize ?? 1_000);
    this.maxQueueSize = Math.max(this.maxBatchSize, options.maxQueueSize ?? 50_000);
    this.flushIntervalMs = options.flushIntervalMs ?? 1_000;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.cooldownMs = options.cooldownMs ?? 60_000;
    this.maxConcurrentExports = Math.max(1, options.maxConcurrentExports ?? 4);
    this.now = options.now ?? Date.now;
    this.onUndelivered = options.onUndelivered;
  }

  /** How far exports have got: a caller waits while this moves. */
  progress(): ExportProgress {
    return { answeredExports: this.answeredExports, lastAcknowledgedAt: this.lastAcknowledgedAt };
  }

  /**
   * Stops waiting for the destination: spans queued or in flight are dropped (handed to
   * `onUndelivered`), later answers to requests in flight are ignored, and later spans are dropped.
   */
  abandon(reason: string): void {
    this.clearTimer();
    this.stopped = true;
    const spans: ReadableSpan[] = [];
    for (const batch of this.inFlightBatches) {
      this.abandonedBatches.add(batch);
      spans.push(...batch);
    }
    this.inFlightBatches.clear();
    // Nobody waits for their answers any more (forceFlush returns at once).
    this.inFlight.clear();
    spans.push(...this.queue);
    this.queue = [];
    this.inFlightSpans = 0;
    this.drop(spans, reason);
  }

  private drop(spans: readonly ReadableSpan[], reason: string): void {
    if (spans.length === 0) return;
    this.counts.dropped += spans.length;
    try {
      this.onUndelivered?.(spans, reason);
    } catch {
      // Keeping undelivered spans is a courtesy; it must never fail an export.
    }
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
      this.drop(spans, this.stopped ? 'exporter stopped' : 'paused after a failed export');
      resultCallback({ code: ExportResultCode.SUCCESS });
      return;
    }
    const room = this.maxQueueSize - this.queue.length;
    if (room < spans.length) {
      this.drop(spans.slice(Math.max(0, room)), 'queue full');
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
        const paused = this.queue;
        this.queue = [];
        this.drop(paused, 'paused after a failed export');
        break;
      }
      const batch = this.queue.splice(0, this.maxBatchSize);
      this.inFlightSpans += batch.length;
      this.inFlightBatches.add(batch);
      const sending: Promise<void> = this.send(batch).then(() => {
        this.inFlight.delete(sending);
        if (this.abandonedBatches.has(batch)) return;
        this.inFlightBatches.delete(batch);
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
        if (!this.abandonedBatches.has(batch)) this.record(batch, result);
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

  private record(batch: readonly ReadableSpan[], result: ExportResult): void {
    this.answeredExports += 1;
    if (result.code === ExportResultCode.SUCCESS) {
      this.counts.sent += batch.length;
      this.lastAcknowledgedAt = this.now();
      return;
    }
    const reason = describeError(result.error);
    this.drop(batch, reason);
    this.counts.failedExports += 1;
    this.pausedUntil = this.now() + this.cooldownMs;
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
