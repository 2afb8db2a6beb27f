/** Something text is written to; `isTTY` decides between a live bar and plain lines. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * Reports progress on stderr: a single live bar on a terminal, or a plain line every 10% in CI logs
 * (where carriage returns make a mess).
 */
export class ProgressReporter {
  private total = 0;
  private lastPlainStep = -1;
  private readonly started = Date.now();
  private active = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly enabled: boolean,
  ) {}

  /** Sets the number of items expected (unknown until the data is read: 0). */
  plan(total: number): void {
    this.total = total;
  }

  /** Reports that `done` items are finished. */
  update(done: number, label = ''): void {
    if (!this.enabled) return;
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    if (this.stream.isTTY) {
      const width = 24;
      const share = this.total > 0 ? Math.min(1, done / this.total) : 0;
      const bar = this.total > 0 ? `[${'#'.repeat(Math.round(share * width)).padEnd(width, '.')}] ` : '';
      const count = this.total > 0 ? `${done}/${this.total}` : `${done}`;
      this.stream.write(
        `\r${bar}${count} items ${seconds}s ${label}`.slice(0, (this.stream.columns ?? 100) - 1).padEnd(40),
      );
      this.active = true;
      return;
    }
    const step = this.total > 0 ? Math.floor((done / this.total) * 10) : Math.floor(done / 100);
    if (step !== this.lastPlainStep) {
      this.lastPlainStep = step;
      this.stream.write(`progress: ${done}${this.total > 0 ? `/${this.total}` : ''} items (${seconds}s)\n`);
    }
  }

  /** Ends the live line so later output starts on a fresh line. */
  finish(): void {
    if (this.active) this.stream.write('\n');
    this.active = false;
  }
}
