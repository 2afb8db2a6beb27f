import type { Clock } from '../clock.js';

/** A {@link Clock} whose time moves only when a test says so. */
export interface ManualClock extends Clock {
  /**
   * Moves time forward by `ms`, firing the timers that fall due on the way in due order (timers
   * due together fire in the order they were set). Before the first timer and after each one it
   * waits one turn of the event loop, so promise callbacks run and may set further timers, which
   * fire too if they fall due within the same `ms`.
   */
  advance(ms: number): Promise<void>;
  /** Timers set and neither fired nor cancelled yet. */
  readonly pendingTimers: number;
}

interface ManualTimer {
  due: number;
  callback: () => void;
}

/** One turn of the event loop: every promise callback queued so far has run. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Creates a clock that stands still until `advance` moves it. Hand it to a model (`clock`), a
 * limiter registry (`clock`) and the mock server (`clock`), and a test decides exactly when a
 * timeout, a backoff or a scripted delay ends, whatever the speed of the machine. Unlike vitest's
 * fake timers it leaves the globals alone, so real sockets keep working beside it (`advance` uses
 * the real `setImmediate`: do not fake that one at the same time).
 *
 * @param start - The initial `now()` (default 0).
 *
 * @example
 * ```ts
 * const clock = createManualClock();
 * const model = createModel('openai:gpt-4.1-mini', {
 *   baseURL: server.url, apiKey: 'k', clock, timeoutMs: 60_000, retry: { sleep: async () => {} },
 * });
 * server.enqueue(reply.hang(), reply.chat({ content: 'Paris.' }));
 * const answer = model.generate(request);
 * await server.waitForRequests(1);
 * await clock.advance(60_000); // the first attempt times out and is retried
 * ```
 */
export function createManualClock(start = 0): ManualClock {
  let now = start;
  const timers = new Set<ManualTimer>();
  const nextDue = (until: number): ManualTimer | undefined => {
    let next: ManualTimer | undefined;
    for (const timer of timers) {
      if (timer.due > until) continue;
      // A set iterates in insertion order, so among timers due together the first one set wins.
      if (next === undefined || timer.due < next.due) next = timer;
    }
    return next;
  };
  return {
    now: () => now,
    setTimer(callback, ms) {
      const timer: ManualTimer = { due: now + Math.max(0, ms), callback };
      timers.add(timer);
      return () => {
        timers.delete(timer);
      };
    },
    async advance(ms) {
      const target = now + Math.max(0, ms);
      await turn();
      for (let timer = nextDue(target); timer !== undefined; timer = nextDue(target)) {
        timers.delete(timer);
        // Never backwards: a callback may itself have advanced the clock (e.g. a sleep in a test).
        now = Math.max(now, timer.due);
        timer.callback();
        await turn();
      }
      now = Math.max(now, target);
    },
    get pendingTimers() {
      return timers.size;
    },
  };
}
