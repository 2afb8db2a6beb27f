import { createWriteStream, type WriteStream } from 'node:fs';
import { type CancelTimer, type Clock, systemClock } from '@baton/providers/clock';
import { EvalError } from '../eval-error.js';

/** Options of {@link LineBatcher}. */
export interface LineBatcherOptions {
  /** The longest a line waits for more lines before its batch is written. Default 10 ms. */
  flushAfterMs?: number;
  /**
   * A batch this long (in UTF-16 code units, about bytes for JSON) is written at once; `append`
   * holds its caller back while more than twice this is still being written. Default 256 Ki.
   */
  batchSize?: number;
  /** Runs the flush timer (default: the system clock); inject one in tests. */
  clock?: Clock;
}

/**
 * Appends lines to a file, in order, a batch at a time: lines that come within `flushAfterMs` of
 * the first one of a batch go out in one write. A run's results come one line at a time, a few
 * milliseconds apart (an item per turn, a mark per finished unit), and one write per line cost
 * ~70 µs of CPU against ~15 in batches of ten (a loop of 6,000 lines of 2 KB): on the LLM path that
 * was 12,000 writes for 2,000 turns, on a 100,000-conversation run 600,000.
 *
 * What a line's durability is needed for is asked for separately: {@link LineBatcher.flushed}
 * resolves once every line appended so far is written, without writing early, so a caller that
 * must order two files (a unit's mark only after its items, for `--resume`) waits for that and
 * nothing else waits. A failed write fails every later call, so nothing is lost silently.
 *
 * @example
 * ```ts
 * const items = new LineBatcher('out/items.jsonl');
 * await items.append(JSON.stringify(item)); // waits only when the disk falls behind
 * await items.flushed(); // the item is in the file
 * await items.close();
 * ```
 */
export class LineBatcher {
  private readonly stream: WriteStream;
  private readonly flushAfterMs: number;
  private readonly batchSize: number;
  private readonly clock: Clock;
  /** Lines not yet handed to the file, and their length with line breaks. */
  private lines: string[] = [];
  private length = 0;
  /** Settles when the lines waiting now are written. */
  private next: Batch | undefined;
  /** Settles when the last batch handed to the file is written. */
  private lastWrite: Promise<void> = Promise.resolve();
  /** Length handed to the file and not yet written. */
  private writing = 0;
  private cancelTimer: CancelTimer | undefined;
  private failure: unknown;
  private closing: Promise<void> | undefined;

  /**
   * Opens `path` for appending.
   *
   * @param path - The file; created if missing, never truncated.
   * @param options - Flush delay, batch size, clock.
   */
  constructor(path: string, options: LineBatcherOptions = {}) {
    this.flushAfterMs = options.flushAfterMs ?? 10;
    this.batchSize = options.batchSize ?? 256 * 1024;
    this.clock = options.clock ?? systemClock;
    this.stream = createWriteStream(path, { flags: 'a', encoding: 'utf8' });
    this.stream.on('error', (error) => {
      this.failure ??= error;
    });
  }

  /**
   * Queues a line (without its line break) to be written.
   *
   * @returns Resolves at once unless more than two batches are still being written (then once the
   *   last of them is); rejects after a failed write or once closed.
   */
  append(line: string): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closing !== undefined) {
      return Promise.reject(new EvalError('internal', 'A line was appended to a closed file.'));
    }
    this.lines.push(line);
    this.length += line.length + 1;
    this.next ??= batch();
    if (this.length >= this.batchSize) this.flush();
    else this.cancelTimer ??= this.clock.setTimer(() => this.flush(), this.flushAfterMs);
    return this.writing > 2 * this.batchSize ? this.lastWrite : Promise.resolve();
  }

  /** Resolves once every line appended so far is in the file; rejects after a failed write. */
  flushed(): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return this.next?.promise ?? this.lastWrite;
  }

  /** Writes what waits and closes the file; rejects if any write failed. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.flush();
      await new Promise<void>((resolve) => this.stream.end(resolve));
      if (this.failure !== undefined) throw this.failure;
    })();
    return this.closing;
  }

  private flush(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const waiting = this.next;
    if (waiting === undefined) return;
    const text = `${this.lines.join('\n')}\n`;
    const length = this.length;
    this.lines = [];
    this.length = 0;
    this.next = undefined;
    this.writing += length;
    this.lastWrite = waiting.promise;
    this.stream.write(text, (error) => {
      this.writing -= length;
      if (error) {
        this.failure ??= error;
        waiting.reject(error);
      } else {
        waiting.resolve();
      }
    });
  }
}

/** A batch's outcome, settled by its write. */
interface Batch {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function batch(): Batch {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((done, fail) => {
    resolve = done;
    reject = fail;
  });
  // Nobody may be waiting when a write fails; the failure still reaches every later call.
  promise.catch(() => {});
  return { promise, resolve, reject };
}
