import { createManualClock } from '@baton/providers/testing';
import { describe, expect, it } from 'vitest';
import { createInterruptHandler } from './interrupt-handler.js';

function handler() {
  const clock = createManualClock();
  const calls: string[] = [];
  const onInterrupt = createInterruptHandler({
    onStop: () => calls.push('stop'),
    onQuit: () => calls.push('quit'),
    write: () => calls.push('notice'),
    clock,
  });
  return { clock, calls, onInterrupt };
}

describe('createInterruptHandler', () => {
  it('stops cleanly on the first Ctrl-C and says so once', () => {
    const { calls, onInterrupt } = handler();
    onInterrupt();
    expect(calls).toEqual(['notice', 'stop']);
  });

  it('treats the copy npm forwards right after as the same Ctrl-C', async () => {
    const { clock, calls, onInterrupt } = handler();
    onInterrupt();
    await clock.advance(5);
    onInterrupt();
    await clock.advance(994);
    onInterrupt();
    expect(calls).toEqual(['notice', 'stop']);
  });

  it('quits at once on a Ctrl-C after the grace period', async () => {
    const { clock, calls, onInterrupt } = handler();
    onInterrupt();
    await clock.advance(1_000);
    onInterrupt();
    expect(calls).toEqual(['notice', 'stop', 'quit']);
  });
});
