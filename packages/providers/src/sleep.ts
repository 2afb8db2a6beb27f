import { type Clock, systemClock } from './clock.js';
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
    const onAbort = () => {
      cancel();
      reject(abortReason(signal!));
    };
    const cancel = clock.setTimer(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
