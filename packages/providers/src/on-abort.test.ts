import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { onAbort } from './on-abort.js';

describe('onAbort', () => {
  it('calls every subscriber once through a single listener on the signal', () => {
    const controller = new AbortController();
    const calls: number[] = [];
    for (let index = 0; index < 100; index++) onAbort(controller.signal, () => calls.push(index));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    controller.abort();
    expect(calls).toHaveLength(100);
    expect(new Set(calls).size).toBe(100);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('removes the listener when the last subscriber leaves, and adds it again for a new one', () => {
    const controller = new AbortController();
    const leave = [onAbort(controller.signal, () => {}), onAbort(controller.signal, () => {})];
    leave[0]!();
    leave[0]!();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    leave[1]!();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    let called = 0;
    onAbort(controller.signal, () => called++);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    expect(called).toBe(1);
  });

  it('treats the same function subscribed twice as two subscriptions', () => {
    const controller = new AbortController();
    let called = 0;
    const callback = () => called++;
    const leaveFirst = onAbort(controller.signal, callback);
    onAbort(controller.signal, callback);
    leaveFirst();
    controller.abort();
    expect(called).toBe(1);
  });
});
