import type { Clock } from '@baton/providers';

// Type-only: the CLI's first module must not load the providers package (and the `openai` SDK with
// it), which `--version` or `report` never need; the handler reads only the time.
const systemTime: Pick<Clock, 'now'> = { now: () => Date.now() };

/** Options of {@link createInterruptHandler}. */
export interface InterruptHandlerOptions {
  /** The first interrupt: stop scheduling, let the run write what it has. */
  onStop: () => void;
  /** An interrupt after the grace period: the user insists, leave at once. */
  onQuit: () => void;
  /** Where the one notice goes (stderr in the CLI). */
  write: (text: string) => void;
  /**
   * Interrupts this soon after the first count as the same Ctrl-C (default 1 000 ms). A terminal
   * sends SIGINT to its whole foreground process group, and `npm run` forwards the one it gets to
   * its child too, so under `npm run eval` one Ctrl-C arrives twice within milliseconds.
   */
  graceMs?: number;
  /** Reads the time (default: the system clock). */
  clock?: Pick<Clock, 'now'>;
}

/**
 * Decides what each Ctrl-C (SIGINT) means: the first stops the run cleanly (it writes the items
 * finished so far and a partial summary, and exits 130); a second one, once the grace period is
 * over, quits at once. A duplicate delivered within the grace period is ignored, so `npm run eval`
 * stops cleanly too instead of dying without a summary.
 *
 * @returns The function to call on every SIGINT.
 * @example
 * ```ts
 * const controller = new AbortController();
 * process.on('SIGINT', createInterruptHandler({
 *   onStop: () => controller.abort(),
 *   onQuit: () => process.exit(130),
 *   write: (text) => process.stderr.write(text),
 * }));
 * ```
 */
export function createInterruptHandler(options: InterruptHandlerOptions): () => void {
  const clock = options.clock ?? systemTime;
  const graceMs = options.graceMs ?? 1_000;
  let firstAt: number | undefined;
  return () => {
    const now = clock.now();
    if (firstAt === undefined) {
      firstAt = now;
      options.write(
        '\nStopping… the finished items and a partial summary are being written (Ctrl-C again to quit at once)\n',
      );
      options.onStop();
      return;
    }
    if (now - firstAt < graceMs) return;
    options.onQuit();
  };
}
