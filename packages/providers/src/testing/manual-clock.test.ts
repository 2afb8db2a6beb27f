import { describe, expect, it } from 'vitest';
import { createManualClock } from './manual-clock.js';

describe('createManualClock', () => {
  it('stands still until advanced, then fires the timers due on the way in due order', async () => {
    const clock = createManualClock(1_000);
    const fired: string[] = [];
    clock.setTimer(() => fired.push(`b@${clock.now()}`), 20);
    clock.setTimer(() => fired.push(`a@${clock.now()}`), 10);
    clock.setTimer(() => fired.push(`c@${clock.now()}`), 20);
    clock.setTimer(() => fired.push(`late@${clock.now()}`), 31);
    expect([clock.now(), clock.pendingTimers]).toEqual([1_000, 4]);
    await clock.advance(30);
    expect(fired).toEqual(['a@1010', 'b@1020', 'c@1020']);
    expect([clock.now(), clock.pendingTimers]).toEqual([1_030, 1]);
  });

  it('fires timers that promise callbacks set within the same advance', async () => {
    const clock = createManualClock();
    const fired: number[] = [];
    const sleep = (ms: number) => new Promise<void>((resolve) => clock.setTimer(resolve, ms));
    const chain = (async () => {
      await sleep(10);
      fired.push(clock.now());
      await sleep(10);
      fired.push(clock.now());
      await sleep(10);
      fired.push(clock.now());
    })();
    await clock.advance(25);
    expect(fired).toEqual([10, 20]);
    await clock.advance(5);
    await chain;
    expect(fired).toEqual([10, 20, 30]);
  });

  it('never fires a cancelled timer', async () => {
    const clock = createManualClock();
    let fired = false;
    const cancel = clock.setTimer(() => {
      fired = true;
    }, 0);
    cancel();
    await clock.advance(100);
    expect([fired, clock.pendingTimers]).toEqual([false, 0]);
  });
});
