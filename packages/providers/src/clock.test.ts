import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from './clock.js';

describe('systemClock', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 5_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads the global timers at each call, so vitest fake timers drive it', async () => {
    const fired: number[] = [];
    systemClock.setTimer(() => fired.push(systemClock.now()), 100);
    const cancel = systemClock.setTimer(() => fired.push(-1), 50);
    cancel();
    await vi.advanceTimersByTimeAsync(99);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fired).toEqual([5_100]);
  });
});
