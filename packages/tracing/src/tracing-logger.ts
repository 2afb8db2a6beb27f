/**
 * Where tracing reports trouble (an unreachable Langfuse, a shutdown that ran out of time). Inject
 * your own to route warnings into your logs, or to keep tests quiet.
 */
export interface TracingLogger {
  warn(message: string): void;
}

/** The default logger: one line on stderr, prefixed so it is clear which part of Baton speaks. */
export const stderrLogger: TracingLogger = {
  warn(message) {
    process.stderr.write(`[baton/tracing] ${message}\n`);
  },
};

/**
 * Wraps a logger so that only the first warning of a kind is written; later ones are counted.
 * Exporting to a dead endpoint fails on every batch, and one line says all there is to say.
 */
export class WarnOnce {
  private readonly warned = new Set<string>();
  private readonly suppressed = new Map<string, number>();

  constructor(private readonly logger: TracingLogger) {}

  /** Writes `message` the first time `kind` is seen; returns whether it was written. */
  warn(kind: string, message: string): boolean {
    if (this.warned.has(kind)) {
      this.suppressed.set(kind, (this.suppressed.get(kind) ?? 0) + 1);
      return false;
    }
    this.warned.add(kind);
    try {
      this.logger.warn(message);
    } catch {
      // A broken logger must not turn a warning into a failure.
    }
    return true;
  }

  /** How many warnings of `kind` were swallowed after the first. */
  suppressedCount(kind: string): number {
    return this.suppressed.get(kind) ?? 0;
  }
}
