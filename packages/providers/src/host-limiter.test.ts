import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HostLimiter } from './host-limiter.js';
import { createLimiterRegistry } from './limiter-registry.js';

/** A promise the test settles by hand. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('HostLimiter', () => {
  // Time is vitest's fake clock here: the limiter's default clock reads the (faked) globals.
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never lets more calls run at once than maxConcurrency, and starts waiters in arrival order', async () => {
    const limiter = new HostLimiter({ maxConcurrency: 2 });
    const started: number[] = [];
    const gates = Array.from({ length: 6 }, () => gate());
    let running = 0;
    let peak = 0;
    const tasks = gates.map(({ opened }, index) =>
      limiter.run(async () => {
        started.push(index);
        running++;
        peak = Math.max(peak, running);
        await opened;
        running--;
      }),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect([started, limiter.active, limiter.pending]).toEqual([[0, 1], 2, 4]);
    // Finish them out of order: each end lets exactly the next waiter in.
    for (const index of [1, 0, 3, 2, 5, 4]) {
      gates[index]!.open();
      await vi.advanceTimersByTimeAsync(0);
      expect(running).toBeLessThanOrEqual(2);
    }
    await Promise.all(tasks);
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(limiter.active).toBe(0);
  });

  it('rejects a queued call at once when its signal aborts, and gives its place to the next', async () => {
    const limiter = new HostLimiter({ maxConcurrency: 1 });
    const release = await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    expect(limiter.pending).toBe(2);
    controller.abort(new Error('gave up'));
    await expect(aborted).rejects.toThrow('gave up');
    expect(limiter.pending).toBe(1);
    release();
    const releaseNext = await next;
    expect(limiter.active).toBe(1);
    releaseNext();
    releaseNext();
    expect(limiter.active).toBe(0);
  });

  it('rejects immediately when the signal is already aborted', async () => {
    const limiter = new HostLimiter();
    await expect(limiter.acquire(AbortSignal.abort(new Error('late')))).rejects.toThrow('late');
  });

  it('starts at most requestsPerInterval calls per interval', async () => {
    const limiter = new HostLimiter({ maxConcurrency: 10, requestsPerInterval: 2, intervalMs: 60 });
    const started = Date.now(); // vitest's fake time, like every Date.now() in this suite
    const startTimes: number[] = [];
    const all = Promise.all(
      Array.from({ length: 4 }, () =>
        limiter.run(async () => {
          startTimes.push(Date.now() - started);
        }),
      ),
    );
    // The bucket starts full: two at once. Then one token every 30 ms.
    await vi.advanceTimersByTimeAsync(0);
    expect(startTimes).toEqual([0, 0]);
    await vi.advanceTimersByTimeAsync(29);
    expect(startTimes).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(startTimes).toEqual([0, 0, 30]);
    await vi.advanceTimersByTimeAsync(29);
    expect(startTimes).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    await all;
    expect(startTimes).toEqual([0, 0, 30, 60]);
  });

  it('starts nothing while paused, then resumes', async () => {
    const limiter = new HostLimiter();
    limiter.pauseFor(40);
    let ran = false;
    const call = limiter.run(async () => {
      ran = true;
    });
    await vi.advanceTimersByTimeAsync(39);
    expect([ran, limiter.pending]).toEqual([false, 1]);
    await vi.advanceTimersByTimeAsync(1);
    await call;
    expect(ran).toBe(true);
  });

  it('runs its timers on an injected clock', async () => {
    vi.useRealTimers();
    let now = 1_000;
    const wakeUps: Array<{ callback: () => void; ms: number }> = [];
    const limiter = new HostLimiter(
      {},
      {
        clock: {
          now: () => now,
          setTimer: (callback, ms) => {
            wakeUps.push({ callback, ms });
            return () => {};
          },
        },
      },
    );
    limiter.pauseFor(500);
    let ran = false;
    const call = limiter.run(async () => {
      ran = true;
    });
    expect(wakeUps.map((wakeUp) => wakeUp.ms)).toEqual([500]);
    now += 500;
    wakeUps[0]!.callback();
    await call;
    expect(ran).toBe(true);
  });

  it('applies new limits to calls already waiting', async () => {
    const limiter = new HostLimiter({ maxConcurrency: 1 });
    await limiter.acquire();
    let second = false;
    void limiter.acquire().then(() => {
      second = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(second).toBe(false);
    limiter.configure({ maxConcurrency: 2 });
    await vi.advanceTimersByTimeAsync(0);
    expect(second).toBe(true);
  });

  it('refuses nonsensical limits', () => {
    expect(() => new HostLimiter({ maxConcurrency: 0 })).toThrow(RangeError);
    expect(() => new HostLimiter({ requestsPerInterval: 0 })).toThrow(RangeError);
  });
});

describe('createLimiterRegistry', () => {
  it('hands out one shared limiter per host', () => {
    const registry = createLimiterRegistry({ hosts: { 'api.example.com': { maxConcurrency: 3 } } });
    expect(registry.get('api.example.com')).toBe(registry.get('API.EXAMPLE.COM'));
    expect(registry.get('api.example.com')).not.toBe(registry.get('localhost:8000'));
  });

  it('configures a host before or after its first use', async () => {
    const registry = createLimiterRegistry({ defaults: { maxConcurrency: 1 } });
    const limiter = registry.get('h');
    await limiter.acquire();
    registry.configure('h', { maxConcurrency: 2 });
    await limiter.acquire();
    expect(limiter.active).toBe(2);
  });
});
