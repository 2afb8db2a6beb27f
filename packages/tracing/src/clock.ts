/** Cancels a timer set with {@link Clock.setTimer}; calling it after the timer fired is harmless. */
export type CancelTimer = () => void;

/**
 * Where Langfuse delivery reads the time and sets its timers: retry backoff, the stall watch, the
 * probe after giving up. Inject one to make time a test's input (tests advance it and assert order
 * and counts, never elapsed milliseconds).
 *
 * The same shape as `@baton/providers`' clock; duplicated rather than shared because tracing builds
 * on core only, and core has no timers of its own (see STYLE rule 19).
 */
export interface Clock {
  /** Milliseconds on a monotonic-enough scale, like `Date.now()`. */
  now(): number;
  /**
   * Calls `callback` once, `ms` milliseconds from now.
   *
   * @returns A function that cancels the timer.
   */
  setTimer(callback: () => void, ms: number): CancelTimer;
}

/**
 * The real clock: `Date.now` and `setTimeout`. It looks the globals up on every call, so vitest's
 * fake timers drive it as well as an injected clock does. Its timers keep the process alive (a
 * CLI awaiting delivery at the top level must not exit mid-wait); their owners cancel them when idle.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(callback, ms) {
    const timer = setTimeout(callback, Math.max(0, ms));
    return () => clearTimeout(timer);
  },
};
