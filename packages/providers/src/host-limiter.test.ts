import { describe, expect, it } from 'vitest';
import { HostLimiter } from './host-limiter.js';
import { createLimiterRegistry } from './limiter-registry.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('HostLimiter', () => {
  it('never lets more calls run at once than maxConcurrency, and starts waiters in arrival order', async () => {
    const limiter = new HostLimiter({ maxConcurrency: 2 });
    const started: number[] = [];
    let running = 0;
    let peak = 0;
    const tasks = Array.from({ length: 6 }, (_, index) =>
      limiter.run(async () => {
        started.push(index);
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
      }),
    );
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
    const started = Date.now();
    const startTimes: number[] = [];
    await Promise.all(
      Array.from({ length: 4 }, () =>
        limiter.run(async () => {
          startTimes.push(Date.now() - started);
        }),
      ),
    );
    expect(startTimes[0]).toBeLessThan(25);
    expect(startTimes[1]).toBeLessThan(25);
    // The third waits for one token (30 ms), the fourth for another.
    expect(startTimes[2]).toBeGreaterThanOrEqual(25);
    expect(startTimes[3]).toBeGreaterThanOrEqual(55);
  });

  it('starts nothing while paused, then resumes', async () => {
    const limiter = new HostLimiter();
    limiter.pauseFor(40);
    const started = Date.now();
    await limiter.run(async () => undefined);
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
  });

  it('applies new limits to calls already waiting', async () => {
    const limiter = new HostLimiter({ maxConcurrency: 1 });
    await limiter.acquire();
    let second = false;
    void limiter.acquire().then(() => {
      second = true;
    });
    await tick();
    expect(second).toBe(false);
    limiter.configure({ maxConcurrency: 2 });
    await tick();
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
