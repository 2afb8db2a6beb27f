import { type CancelTimer, type Clock, systemClock } from './clock.js';
import { onAbort, type Unsubscribe } from './on-abort.js';
import { abortReason } from './race-with-abort.js';

/** Limits for the calls to one host. */
export interface HostLimits {
  /** Calls in flight at once (default 32). `Infinity` removes the cap. */
  maxConcurrency?: number;
  /**
   * Calls started per {@link HostLimits.intervalMs} (default: no rate limit). A token bucket that
   * starts full, so a burst of this size may start at once.
   */
  requestsPerInterval?: number;
  /** The window of {@link HostLimits.requestsPerInterval} (default 60 000 ms, i.e. per minute). */
  intervalMs?: number;
}

/** Options of {@link HostLimiter}. */
export interface HostLimiterOptions {
  /** Reads the time and wakes waiters after a pause or a refill (default {@link systemClock}). */
  clock?: Clock;
  /** Overrides `clock.now` alone (kept for compatibility; prefer `clock`). */
  now?: () => number;
}

/** Frees a slot taken by {@link HostLimiter.acquire}. Calling it twice is harmless. */
export type ReleaseSlot = () => void;

interface Waiter {
  resolve: (release: ReleaseSlot) => void;
  reject: (error: unknown) => void;
  unsubscribe: Unsubscribe | undefined;
  settled: boolean;
}

/**
 * A concurrency and rate limiter for one host, shared by every model that calls it. Waiters start
 * in arrival order; an aborted waiter leaves the queue at once. After a 429 the host can be paused
 * for its `Retry-After`, so the other calls stop hammering it too.
 *
 * @example
 * ```ts
 * const limiter = new HostLimiter({ maxConcurrency: 8, requestsPerInterval: 500, intervalMs: 60_000 });
 * const answer = await limiter.run(() => callTheHost(), signal);
 * ```
 */
export class HostLimiter {
  #maxConcurrency = 32;
  #capacity = Number.POSITIVE_INFINITY;
  #refillPerMs = 0;
  #tokens = Number.POSITIVE_INFINITY;
  #lastRefill: number;
  #pausedUntil = 0;
  #active = 0;
  #queue: Waiter[] = [];
  #head = 0;
  #cancelTimer: CancelTimer | undefined;
  #timerDue = 0;
  readonly #clock: Clock;
  readonly #now: () => number;

  /**
   * @param limits - See {@link HostLimits}.
   * @param options - The clock; inject one to test rate limits and pauses (see {@link HostLimiterOptions}).
   */
  constructor(limits: HostLimits = {}, options: HostLimiterOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#now = options.now ?? (() => this.#clock.now());
    this.#lastRefill = this.#now();
    this.configure(limits);
  }

  /** Changes the limits; waiting calls see the new limits at once. */
  configure(limits: HostLimits): void {
    const maxConcurrency = limits.maxConcurrency ?? 32;
    if (!(maxConcurrency >= 1)) throw new RangeError('maxConcurrency must be at least 1.');
    this.#maxConcurrency = maxConcurrency;
    if (limits.requestsPerInterval === undefined) {
      this.#capacity = Number.POSITIVE_INFINITY;
      this.#tokens = Number.POSITIVE_INFINITY;
      this.#refillPerMs = 0;
    } else {
      if (!(limits.requestsPerInterval >= 1)) throw new RangeError('requestsPerInterval must be at least 1.');
      const intervalMs = limits.intervalMs ?? 60_000;
      if (!(intervalMs > 0)) throw new RangeError('intervalMs must be positive.');
      this.#capacity = limits.requestsPerInterval;
      this.#refillPerMs = limits.requestsPerInterval / intervalMs;
      this.#tokens = Math.min(this.#tokens, this.#capacity);
      this.#lastRefill = this.#now();
    }
    this.#drain();
  }

  /** Calls holding a slot right now. */
  get active(): number {
    return this.#active;
  }

  /** Calls waiting for a slot. */
  get pending(): number {
    let count = 0;
    for (let index = this.#head; index < this.#queue.length; index++) {
      if (!this.#queue[index]!.settled) count++;
    }
    return count;
  }

  /**
   * Waits for a slot. Rejects with the signal's reason the moment it aborts.
   *
   * @returns A function that frees the slot; call it exactly when the call ends.
   */
  acquire(signal?: AbortSignal): Promise<ReleaseSlot> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<ReleaseSlot>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, unsubscribe: undefined, settled: false };
      if (signal !== undefined) {
        // One listener on the signal however many calls wait with it (see onAbort).
        waiter.unsubscribe = onAbort(signal, () => {
          if (waiter.settled) return;
          waiter.settled = true;
          reject(abortReason(signal));
          this.#drain();
        });
      }
      this.#queue.push(waiter);
      this.#drain();
    });
  }

  /** Runs `task` inside a slot and frees the slot however the task ends. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await task();
    } finally {
      release();
    }
  }

  /** Starts no call on this host for `ms` milliseconds (calls in flight continue). */
  pauseFor(ms: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#now() + ms);
    this.#drain();
  }

  #drain(): void {
    while (this.#head < this.#queue.length) {
      const waiter = this.#queue[this.#head]!;
      if (waiter.settled) {
        this.#shift();
        continue;
      }
      if (this.#active >= this.#maxConcurrency) return;
      const now = this.#now();
      if (now < this.#pausedUntil) {
        this.#wakeAt(this.#pausedUntil);
        return;
      }
      if (this.#refillPerMs > 0) {
        this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#lastRefill) * this.#refillPerMs);
        this.#lastRefill = now;
        if (this.#tokens < 1) {
          this.#wakeAt(now + Math.ceil((1 - this.#tokens) / this.#refillPerMs));
          return;
        }
        this.#tokens -= 1;
      }
      this.#shift();
      waiter.settled = true;
      waiter.unsubscribe?.();
      this.#active++;
      waiter.resolve(this.#releaser());
    }
  }

  #releaser(): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
      this.#drain();
    };
  }

  #shift(): void {
    this.#head++;
    // Compact now and then so a long-lived limiter does not keep every settled waiter.
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  #wakeAt(due: number): void {
    if (this.#cancelTimer !== undefined && this.#timerDue <= due) return;
    this.#cancelTimer?.();
    this.#timerDue = due;
    this.#cancelTimer = this.#clock.setTimer(
      () => {
        this.#cancelTimer = undefined;
        this.#drain();
      },
      Math.max(0, due - this.#now()),
    );
  }
}
