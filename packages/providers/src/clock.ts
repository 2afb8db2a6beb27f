/** Cancels a timer set with {@link Clock.setTimer}; calling it after the timer fired is harmless. */
export type CancelTimer = () => void;

/**
 * Where this package reads the time and sets its timers: the limiter's refills and pauses, the
 * per-attempt timeout, the retry backoff and the mock server's scripted delays. Inject one to make
 * time a test's input (e.g. `createManualClock` from `@baton/providers/testing`), so tests advance
 * time and assert order and counts instead of measuring elapsed milliseconds.
 */
export interface Clock {
  /** Milliseconds on a monotonic-enough scale, like `Date.now()`. */
  now(): number;
  /**
   * Calls `callback` once, `ms` milliseconds from now (at once-ish for zero or less).
   *
   * @returns A function that cancels the timer.
   */
  setTimer(callback: () => void, ms: number): CancelTimer;
}

/**
 * The real clock: `Date.now` and `setTimeout`. It looks the globals up on every call, so vitest's
 * fake timers (`vi.useFakeTimers()`) drive it as well as an injected clock does.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(callback, ms) {
    const timer = setTimeout(callback, Math.max(0, ms));
    return () => clearTimeout(timer);
  },
};
