/** Removes a subscription made with {@link onAbort}; calling it twice, or after the abort, is harmless. */
export type Unsubscribe = () => void;

interface Subscribers {
  callbacks: Set<{ callback: () => void }>;
  listener: () => void;
}

const subscribersOf = new WeakMap<AbortSignal, Subscribers>();

/**
 * Calls `callback` once when `signal` aborts (not at all when it already has: check `aborted`
 * first). However many calls subscribe to one signal at a time, the signal carries a single
 * `abort` listener: a run that hands one signal to hundreds of calls in flight, queued in a
 * limiter or sleeping in a backoff (as `baton eval --concurrency 64` with a judge does) never
 * trips Node's `MaxListenersExceededWarning`, and no listener outlives its subscription.
 *
 * @returns A function that ends the subscription; the last one to leave removes the listener.
 */
export function onAbort(signal: AbortSignal, callback: () => void): Unsubscribe {
  let subscribers = subscribersOf.get(signal);
  if (subscribers === undefined) {
    const callbacks = new Set<{ callback: () => void }>();
    const listener = () => {
      subscribersOf.delete(signal);
      for (const entry of [...callbacks]) entry.callback();
      callbacks.clear();
    };
    subscribers = { callbacks, listener };
    subscribersOf.set(signal, subscribers);
    signal.addEventListener('abort', listener, { once: true });
  }
  const { callbacks, listener } = subscribers;
  // An object per subscription, so the same function may subscribe twice and leave twice.
  const entry = { callback };
  callbacks.add(entry);
  return () => {
    if (!callbacks.delete(entry) || callbacks.size > 0) return;
    signal.removeEventListener('abort', listener);
    if (subscribersOf.get(signal) === subscribers) subscribersOf.delete(signal);
  };
}
