/**
 * Where the core reads the time and sets its timers. Injected (through `createTeam({ clock })` or
 * `new RunScope({ clock })`) so tests drive time with fake timers or a manual clock and assert order
 * and counts, never elapsed milliseconds.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `callback` after `ms` milliseconds; returns a handle for {@link Clock.clearTimeout}. */
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * The real clock: `Date.now` and the global timers, looked up at each call so that fake timers
 * installed after import (vitest's `vi.useFakeTimers()`) take effect.
 */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
  clearTimeout: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
});
