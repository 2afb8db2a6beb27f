import { onAbort } from './on-abort.js';

/**
 * What a cancelled call rejects with: the signal's own reason (so a caller who aborted with a
 * reason gets it back, as with `fetch`), or a standard `AbortError`.
 */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted.', 'AbortError');
}

/**
 * Settles with `promise`, or rejects with the signal's reason the moment the signal aborts, so a
 * cancelled caller never waits for a slow host, a backoff or a queue.
 *
 * @param promise - The work; it keeps running when the signal wins, so it must clean itself up.
 * @param signal - The caller's signal, if any.
 */
export function raceWithAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    // The losing promise may still reject later; nobody listens to it any more.
    promise.catch(() => {});
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const unsubscribe = onAbort(signal, () => {
      promise.catch(() => {});
      reject(abortReason(signal));
    });
    promise.then(
      (value) => {
        unsubscribe();
        resolve(value);
      },
      (error: unknown) => {
        unsubscribe();
        reject(error);
      },
    );
  });
}
