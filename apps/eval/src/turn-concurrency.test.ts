import { describe, expect, it } from 'vitest';
import { liveHostConcurrency, offlineConcurrency, turnConcurrency } from './turn-concurrency.js';

describe('turnConcurrency', () => {
  it('keeps the chosen concurrency whatever the run calls', () => {
    expect(turnConcurrency({ chosen: 3, callsLiveHost: true })).toBe(3);
    expect(turnConcurrency({ chosen: 300, callsLiveHost: false })).toBe(300);
  });

  it('keeps a few turns in flight against a live host and many when nothing is called live', () => {
    expect(turnConcurrency({ callsLiveHost: true })).toBe(liveHostConcurrency);
    expect(turnConcurrency({ callsLiveHost: false })).toBe(offlineConcurrency);
    expect(liveHostConcurrency).toBeLessThan(offlineConcurrency);
  });
});
