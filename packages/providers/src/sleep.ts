import { abortReason } from './race-with-abort.js';

/**
 * Waits `ms` milliseconds; rejects with the signal's reason as soon as the signal aborts.
 *
 * @param ms - How long to wait; zero or less resolves on the next macrotask.
 * @param signal - Stops the wait at once when aborted.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
