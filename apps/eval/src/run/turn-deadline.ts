import { BatonError } from '@baton/core';
import { type Clock, systemClock } from '@baton/providers/clock';

/** The signal of one replayed turn, and how to hold work to it. */
export interface TurnDeadline {
  /** Aborts when the run's signal does, or with a `timeout` error once the turn's time is up. */
  readonly signal: AbortSignal;
  /**
   * Settles with `work`, or rejects with the signal's reason soon after it aborts: a strategy that
   * ignores its signal still cannot hold a turn past its deadline. Work that does honour the
   * signal settles first (its promise callbacks run before the next turn of the event loop), so a
   * team's own `failed` result, with its delegation records, is kept.
   */
  race<T>(work: Promise<T>): Promise<T>;
  /** Stops the timer and unlinks the run's signal; call it when the turn ends. */
  dispose(): void;
}

/**
 * A deadline for one turn (`--turn-timeout`): a signal that aborts with a core `timeout` error
 * after `timeoutMs` on `clock`, so the team ends the turn as failed with that error and the item
 * says so, or when the run's own signal aborts (Ctrl-C), which stays a cancellation. Without a
 * timeout the run's signal is used as it is.
 *
 * @param runSignal - The run's signal.
 * @param timeoutMs - The turn's time limit, or undefined for none.
 * @param clock - Runs the timer (default: the system clock).
 * @example
 * ```ts
 * const deadline = turnDeadline(signal, 60_000);
 * try { result = await deadline.race(team.respond(turn, { signal: deadline.signal })); }
 * finally { deadline.dispose(); }
 * ```
 */
export function turnDeadline(
  runSignal: AbortSignal,
  timeoutMs: number | undefined,
  clock: Clock = systemClock,
): TurnDeadline {
  if (timeoutMs === undefined) return { signal: runSignal, race: (work) => work, dispose: () => undefined };
  const controller = new AbortController();
  const onRunAbort = () => controller.abort(runSignal.reason);
  if (runSignal.aborted) controller.abort(runSignal.reason);
  else runSignal.addEventListener('abort', onRunAbort, { once: true });
  const cancelTimer = clock.setTimer(() => {
    controller.abort(
      new BatonError('timeout', `The turn did not finish within ${timeoutMs} ms (--turn-timeout).`),
    );
  }, timeoutMs);
  const { signal } = controller;
  return {
    signal,
    race<T>(work: Promise<T>): Promise<T> {
      if (signal.aborted) {
        work.catch(() => undefined);
        return Promise.reject(signal.reason);
      }
      return new Promise<T>((resolve, reject) => {
        const onAbort = () => {
          work.catch(() => undefined);
          setImmediate(() => reject(signal.reason));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        work.then(
          (value) => {
            signal.removeEventListener('abort', onAbort);
            resolve(value);
          },
          (error: unknown) => {
            signal.removeEventListener('abort', onAbort);
            reject(error);
          },
        );
      });
    },
    dispose() {
      cancelTimer();
      runSignal.removeEventListener('abort', onRunAbort);
    },
  };
}
