import { type Clock, systemClock } from './clock.js';
import { onAbort } from './on-abort.js';
import { abortReason } from './race-with-abort.js';

/**
 * Waits `ms` milliseconds; rejects with the signal's reason as soon as the signal aborts.
 *
 * @param ms - How long to wait; zero or less resolves on the next timer turn.
 * @param signal - Stops the wait at once when aborted.
 * @param clock - Whose time passes (default {@link systemClock}).
 */
export function sleep(ms: number, signal?: AbortSignal, clock: Clock = systemClock): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const cancel = clock.setTimer(
      () => {
        unsubscribe?.();
        resolve();
      },
      Math.max(0, ms),
    );
    const unsubscribe =
      signal &&
      onAbort(signal, () => {
        cancel();
        reject(abortReason(signal));
      });
  });
}
