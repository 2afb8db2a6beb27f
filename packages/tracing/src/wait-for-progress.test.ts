import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from './clock.js';
import { type WaitOutcome, waitForProgress } from './wait-for-progress.js';

describe('waitForProgress', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Work that makes progress every `everyMs` for `forMs`, then stops moving without finishing. */
  function progressingWork(everyMs: number, forMs: number) {
    let last: number | undefined;
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started <= forMs) last = Date.now();
    }, everyMs);
    return {
      work: new Promise<void>(() => undefined),
      lastProgressAt: () => last,
      stop: () => clearInterval(timer),
    };
  }

  it('waits as long as the work makes progress, and gives up after a stall, saying how long', async () => {
    const { work, lastProgressAt, stop } = progressingWork(1_000, 100_000);
    let outcome: WaitOutcome | undefined;
    void waitForProgress(work, { clock: systemClock, stallTimeoutMs: 5_000, lastProgressAt }).then(
      (value) => {
        outcome = value;
      },
    );
    await vi.advanceTimersByTimeAsync(104_999);
    expect(outcome).toBeUndefined();
    // Seen at 105 s, confirmed a tick later once pending I/O has had its turn.
    await vi.advanceTimersByTimeAsync(2);
    expect(outcome).toEqual({ ended: 'stalled', stalledForMs: 5_000 });
    stop();
  });

  it('ends when the work does, and at a hard deadline when there is one', async () => {
    const done = waitForProgress(Promise.resolve(), { clock: systemClock, stallTimeoutMs: 5_000 });
    await vi.advanceTimersByTimeAsync(0);
    expect(await done).toEqual({ ended: 'done' });

    const { work, lastProgressAt, stop } = progressingWork(100, 100_000);
    const deadline = waitForProgress(work, {
      clock: systemClock,
      stallTimeoutMs: 5_000,
      lastProgressAt,
      deadlineMs: 2_000,
    });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await deadline).toEqual({ ended: 'deadline' });
    stop();
  });
});
