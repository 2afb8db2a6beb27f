import { createWriteStream, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { toJsonlSpanRecord } from './jsonl-span-record.js';
import { makeFoldersSync } from './make-folders-sync.js';
import { stderrLogger, type TracingLogger, WarnOnce } from './tracing-logger.js';

/** Options of {@link JsonlSpanExporter}. */
export interface JsonlSpanExporterOptions {
  /** The file to append to; its folder is created. */
  path: string;
  /** Where to warn if the file cannot be written. Default: stderr. */
  logger?: TracingLogger;
}

/**
 * Appends finished spans to a JSON Lines file, one span a line (see `JsonlSpanRecord`): a local
 * trace that needs no service, survives an unreachable Langfuse, and greps well. Appending means
 * several runs may share a file; their trace ids tell them apart.
 *
 * @example
 * ```ts
 * const provider = new BasicTracerProvider({
 *   spanProcessors: [new BatchSpanProcessor(new JsonlSpanExporter({ path: '.baton/traces/run.jsonl' }))],
 * });
 * ```
 */
export class JsonlSpanExporter implements SpanExporter {
  readonly path: string;
  private stream: WriteStream | undefined;
  private failure: Error | undefined;
  private readonly pending = new Set<Promise<void>>();
  private readonly warnings: WarnOnce;
  private closed = false;
  private written = 0;

  constructor(options: JsonlSpanExporterOptions) {
    this.path = options.path;
    this.warnings = new WarnOnce(options.logger ?? stderrLogger);
  }

  /** Spans written so far. */
  get writtenSpans(): number {
    return this.written;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const stream = this.open();
    if (!stream || stream.destroyed || this.closed) {
      resultCallback({
        code: ExportResultCode.FAILED,
        error: this.failure ?? new Error('The trace file is closed.'),
      });
      return;
    }
    // One buffer per line rather than one string for the batch: a single non-Latin-1 character
    // would make the whole joined text two-byte, which encodes to UTF-8 at a fraction of the speed.
    const lines: Buffer[] = [];
    let length = 0;
    for (const span of spans) {
      const line = Buffer.from(`${JSON.stringify(toJsonlSpanRecord(span))}\n`);
      lines.push(line);
      length += line.length;
    }
    const written = new Promise<void>((resolve) => {
      stream.write(Buffer.concat(lines, length), (error) => {
        if (error) this.fail(error);
        else this.written += spans.length;
        resultCallback(error ? { code: ExportResultCode.FAILED, error } : { code: ExportResultCode.SUCCESS });
        resolve();
      });
    });
    this.pending.add(written);
    void written.finally(() => this.pending.delete(written));
  }

  async forceFlush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    this.closed = true;
    const stream = this.stream;
    if (!stream || stream.destroyed) return;
    await new Promise<void>((resolve) => stream.end(resolve));
  }

  private open(): WriteStream | undefined {
    if (this.stream || this.failure) return this.stream;
    try {
      makeFoldersSync(dirname(this.path));
      const stream = createWriteStream(this.path, { flags: 'a' });
      // Without a listener a stream error would crash the process; here it only loses the trace file.
      stream.on('error', (error) => this.fail(error));
      this.stream = stream;
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    }
    return this.stream;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.warnings.warn('write', `Could not write the trace file ${this.path}: ${error.message}`);
  }
}
