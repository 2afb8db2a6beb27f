import { BatonError } from '@baton/core';
import { createManualClock } from '@baton/providers/testing';
import { describe, expect, it } from 'vitest';
import { turnDeadline } from './turn-deadline.js';

const never = () => new Promise<never>(() => {});

describe('turnDeadline', () => {
  it('ends a turn whose work ignores its signal with a timeout error once the time is up', async () => {
    const clock = createManualClock();
    const deadline = turnDeadline(new AbortController().signal, 1_000, clock);
    let outcome: unknown = 'running';
    deadline.race(never()).catch((error: unknown) => {
      outcome = error;
    });
    await clock.advance(999);
    expect(outcome).toBe('running');
    await clock.advance(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(BatonError.isInstance(outcome) && outcome.code).toBe('timeout');
    expect((outcome as Error).message).toBe('The turn did not finish within 1000 ms (--turn-timeout).');
    deadline.dispose();
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps the result of work that honours the signal and settles on its own', async () => {
    const clock = createManualClock();
    const deadline = turnDeadline(new AbortController().signal, 50, clock);
    const work = new Promise<string>((resolve) => {
      deadline.signal.addEventListener('abort', () => resolve('failed with its records'));
    });
    const raced = deadline.race(work);
    await clock.advance(50);
    await expect(raced).resolves.toBe('failed with its records');
  });

  it('passes the run’s cancellation through as it is, and leaves no listener behind', async () => {
    const run = new AbortController();
    const deadline = turnDeadline(run.signal, 60_000, createManualClock());
    const raced = deadline.race(never());
    run.abort(new Error('Ctrl-C'));
    await expect(raced).rejects.toThrow('Ctrl-C');
    expect(deadline.signal.reason).toEqual(new Error('Ctrl-C'));
    deadline.dispose();
  });

  it('uses the run’s signal as it is without a timeout', () => {
    const run = new AbortController();
    expect(turnDeadline(run.signal, undefined).signal).toBe(run.signal);
  });
});
