import type { CancelTimer, Clock } from './clock.js';

/** How a {@link waitForProgress} ended. */
export type WaitOutcome =
  | { ended: 'done' }
  /** Nothing progressed for `stalledForMs` (at least the stall timeout). */
  | { ended: 'stalled'; stalledForMs: number }
  /** The hard deadline passed first. */
  | { ended: 'deadline' };

/**
 * Waits for `work` as long as it makes progress: gives up once `lastProgressAt()` is more than
 * `stallTimeoutMs` in the past (counted from the start of the wait at the earliest), or at the
 * optional hard `deadlineMs`. Never rejects; the work keeps running, unobserved, after a give-up.
 *
 * @example
 * ```ts
 * const outcome = await waitForProgress(exporter.shutdown(), { clock, stallTimeoutMs: 30_000, lastProgressAt: () => exporter.progress().lastAcknowledgedAt });
 * ```
 */
export function waitForProgress(
  work: Promise<unknown>,
  options: {
    clock: Clock;
    stallTimeoutMs?: number;
    lastProgressAt?: () => number | undefined;
    deadlineMs?: number;
  },
): Promise<WaitOutcome> {
  const { clock, stallTimeoutMs, lastProgressAt, deadlineMs } = options;
  const started = clock.now();
  return new Promise<WaitOutcome>((resolve) => {
    let cancelStall: CancelTimer | undefined;
    let cancelDeadline: CancelTimer | undefined;
    let settled = false;
    const finish = (outcome: WaitOutcome) => {
      if (settled) return;
      settled = true;
      cancelStall?.();
      cancelDeadline?.();
      resolve(outcome);
    };
    const since = () => Math.max(started, lastProgressAt?.() ?? started);
    const watch = () => {
      if (stallTimeoutMs === undefined) return;
      cancelStall = clock.setTimer(
        () => {
          const stalledForMs = clock.now() - since();
          if (stalledForMs < stallTimeoutMs) return watch();
          // Confirmed after the I/O the event loop still holds: this process may itself have been
          // busy, with acknowledgements waiting unread.
          const seen = since();
          cancelStall = clock.setTimer(() => {
            if (since() === seen) finish({ ended: 'stalled', stalledForMs });
            else watch();
          }, 0);
        },
        since() + stallTimeoutMs - clock.now(),
      );
    };
    watch();
    if (deadlineMs !== undefined)
      cancelDeadline = clock.setTimer(() => finish({ ended: 'deadline' }), deadlineMs);
    work.then(
      () => finish({ ended: 'done' }),
      () => finish({ ended: 'done' }),
    );
  });
}
