/** Something text is written to; `isTTY` decides between a live bar and plain lines. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Options of {@link ProgressReporter}. */
export interface ProgressReporterOptions {
  /** Whether to report at all (`--no-progress` turns it off). */
  enabled: boolean;
  /** Paint the bar (on a terminal only). Default false. */
  color?: boolean;
  /** The terminal's width; the live line never wraps. Default: the stream's columns, else 100. */
  width?: number;
  /** The clock, injectable for tests. Default `Date.now`. */
  now?: () => number;
  /** How often the live line is redrawn while waiting, in ms. Default 250. */
  redrawMs?: number;
}

const barWidth = 24;

/**
 * Reports progress on stderr. On a terminal: one live line from the moment the run starts —
 * "preparing" with the time spent until the number of items is known, then a bar with
 * done/total, the rate in items per second and the time left (ETA), redrawn every quarter second so
 * the clock moves even while a slow item holds the rest. In a CI log (no terminal): a plain line
 * with the first finished item and at every tenth after that, each with the rate and ETA, since
 * carriage returns make a mess of logs. Hand-written (about a hundred lines) rather than a library:
 * it needs the rate over the replay only, not over the preparation, and the plain mode for logs.
 *
 * @example
 * ```ts
 * const progress = new ProgressReporter(process.stderr, { enabled: true });
 * progress.start();
 * progress.plan(3096);
 * progress.update(310); // [##......] 310/3096 items · 180/s · ETA 15s
 * progress.finish();
 * ```
 */
export class ProgressReporter {
  private total = 0;
  private done = 0;
  private lastPlainStep = -1;
  private readonly now: () => number;
  private readonly started: number;
  private planned: number | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private active = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly options: ProgressReporterOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.started = this.now();
  }

  /** Shows the live line at once and keeps its clock moving (on a terminal). */
  start(): void {
    if (!this.options.enabled || !this.stream.isTTY || this.timer !== undefined) return;
    this.draw();
    this.timer = setInterval(() => this.draw(), this.options.redrawMs ?? 250);
    // The line must never keep the process alive on its own.
    (this.timer as { unref?: () => void }).unref?.();
  }

  /**
   * Whether the reporter shows anything, and so needs the total: counting it means reading the
   * whole dataset once before the run (a streaming pre-pass), which a disabled reporter never uses.
   */
  get wantsTotal(): boolean {
    return this.options.enabled;
  }

  /** Sets the number of items expected; the rate and ETA count from here. */
  plan(total: number): void {
    this.total = total;
    this.planned = this.now();
    // In a log, the first line comes with the first finished item (it has a rate then).
    if (this.options.enabled && this.stream.isTTY) this.draw();
  }

  /** Reports that `done` items are finished. */
  update(done: number): void {
    this.done = done;
    if (!this.options.enabled) return;
    if (this.stream.isTTY) this.draw();
    else this.plain();
  }

  /** Wipes the live line so a log line can take its place; the next redraw brings it back. */
  clear(): void {
    if (this.active) this.stream.write('\r\u001b[K');
    this.active = false;
  }

  /** Stops the live line and ends it, so later output starts on a fresh line. */
  finish(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.active) this.stream.write('\n');
    this.active = false;
  }

  /** The text of the progress line as it would be drawn now, without colour. */
  line(): string {
    const elapsed = formatDuration(this.now() - this.started);
    if (this.planned === undefined) return `preparing… ${elapsed}`;
    const share = this.total > 0 ? Math.min(1, this.done / this.total) : 0;
    const filled = Math.round(share * barWidth);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]`;
    return `${bar} ${this.done}/${this.total} items · ${this.rateText()} · ETA ${this.etaText()} · ${elapsed}`;
  }

  private rateText(): string {
    const rate = this.rate();
    return rate === undefined ? '–/s' : `${rate >= 10 ? Math.round(rate) : rate.toFixed(1)}/s`;
  }

  private etaText(): string {
    if (this.total > 0 && this.done >= this.total) return '0s';
    const rate = this.rate();
    if (rate === undefined || rate === 0) return '…';
    return formatDuration(((this.total - this.done) / rate) * 1000);
  }

  /** Items a second since the total was known, once an item is done. */
  private rate(): number | undefined {
    if (this.planned === undefined || this.done === 0) return undefined;
    const seconds = Math.max(this.now() - this.planned, 1) / 1000;
    return this.done / seconds;
  }

  private draw(): void {
    const width = this.options.width ?? this.stream.columns ?? 100;
    let text = this.line().slice(0, Math.max(10, width - 1));
    if (this.options.color && this.planned !== undefined) {
      text = text.replace(/^\[(#*)/, (_, filled: string) => `[\u001b[32m${filled}\u001b[0m`);
    }
    // Clear to the end of the line, so a shorter line leaves nothing of the last one behind.
    this.stream.write(`\r${text}\u001b[K`);
    this.active = true;
  }

  private plain(): void {
    const step = this.total > 0 ? Math.floor((this.done / this.total) * 10) : Math.floor(this.done / 100);
    if (step === this.lastPlainStep) return;
    this.lastPlainStep = step;
    const count = this.total > 0 ? `${this.done}/${this.total}` : `${this.done}`;
    const percent = this.total > 0 ? ` (${Math.floor((this.done / this.total) * 100)}%)` : '';
    this.stream.write(
      `progress: ${count} items${percent} · ${this.rateText()} · ETA ${this.etaText()} · ${formatDuration(this.now() - this.started)} elapsed\n`,
    );
  }
}

/**
 * A duration for a progress line: `0.4s`, `12s`, `3m 05s`, `1h 02m`.
 *
 * @param ms - Milliseconds.
 */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 9.95) return `${seconds.toFixed(1)}s`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes}m ${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}
