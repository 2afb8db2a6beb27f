import { describe, expect, it } from 'vitest';
import { RecentResults } from './recent-results.js';

/** A function returning its key, and the keys it was computed for, in order. */
function recordingEcho(): { computed: string[]; echo: (key: string) => string } {
  const computed: string[] = [];
  return {
    computed,
    echo: (key) => {
      computed.push(key);
      return key;
    },
  };
}

describe('RecentResults', () => {
  it('computes a key once while it is remembered', () => {
    const results = new RecentResults<string, number>(2);
    let computed = 0;
    const length = (key: string) => {
      computed += 1;
      return key.length;
    };
    expect(results.get('abc', length)).toBe(3);
    expect(results.get('abc', length)).toBe(3);
    expect(computed).toBe(1);
  });

  it('remembers an undefined result as a result, not as a miss', () => {
    const results = new RecentResults<string, string | undefined>(2);
    let computed = 0;
    const nothing = () => {
      computed += 1;
      return undefined;
    };
    results.get('x', nothing);
    results.get('x', nothing);
    expect(computed).toBe(1);
  });

  it('drops the oldest key not used again beyond its capacity, and keeps a used one', () => {
    const results = new RecentResults<string, string>(2);
    const { computed: seen, echo } = recordingEcho();
    results.get('a', echo);
    results.get('b', echo);
    results.get('a', echo); // a is used again: it gets a second chance
    results.get('c', echo); // pushes b out, the oldest not used again
    expect(results.size).toBe(2);
    results.get('a', echo);
    results.get('c', echo);
    results.get('b', echo);
    expect(seen).toEqual(['a', 'b', 'c', 'b']);
  });

  it('keeps the keys every input shares through a stream of one-off keys', () => {
    const results = new RecentResults<string, string>(4);
    const { computed, echo } = recordingEcho();
    for (let message = 0; message < 100; message += 1) {
      results.get('shared-1', echo);
      results.get('shared-2', echo);
      results.get(`ticket-${message}`, echo);
    }
    expect(computed.filter((key) => key.startsWith('shared'))).toEqual(['shared-1', 'shared-2']);
    expect(results.size).toBe(4);
  });

  it('never drops the result it has just computed, even when every other one was used', () => {
    const results = new RecentResults<string, string>(1);
    let computed = 0;
    const echo = (key: string) => {
      computed += 1;
      return key;
    };
    results.get('old', echo);
    results.get('old', echo);
    results.get('new', echo);
    results.get('new', echo);
    expect(computed).toBe(2);
  });

  it('recomputes exactly what a second-chance (CLOCK) list would, under any mix of keys', () => {
    // A reference model: oldest first, each with its mark. Beyond capacity, the oldest marked entries
    // move to the back unmarked until an unmarked one is at the front, which goes; then the new key
    // comes in last, unmarked.
    // Small alphabets keep most keys in; larger ones make the hand wrap round a ring many times.
    for (const [capacity, keys] of [
      [1, 7],
      [2, 7],
      [3, 7],
      [5, 7],
      [16, 40],
      [64, 100],
    ] as const) {
      const results = new RecentResults<string, string>(capacity);
      const model: { key: string; used: boolean }[] = [];
      let state = 7 + capacity;
      for (let step = 0; step < 3_000; step += 1) {
        state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
        const key = `k${state % keys}`;
        let computed = false;
        results.get(key, (value) => {
          computed = true;
          return value;
        });
        const entry = model.find((candidate) => candidate.key === key);
        expect(computed).toBe(entry === undefined);
        if (entry) {
          entry.used = true;
          continue;
        }
        if (model.length >= capacity) {
          while (model[0]!.used) model.push({ key: model.shift()!.key, used: false });
          model.shift();
        }
        model.push({ key, used: false });
        expect(results.size).toBe(model.length);
      }
    }
  });

  it('does not remember a result that is not worth keeping, nor let it push out one that is', () => {
    const results = new RecentResults<string, string>(1);
    const computed: string[] = [];
    const upper = (key: string) => {
      computed.push(key);
      return key.toUpperCase();
    };
    const worthKeeping = (value: string) => value !== 'MISS';
    results.get('kept', upper, worthKeeping);
    expect(results.get('miss', upper, worthKeeping)).toBe('MISS');
    expect(results.get('miss', upper, worthKeeping)).toBe('MISS');
    expect(results.get('kept', upper, worthKeeping)).toBe('KEPT');
    expect(computed).toEqual(['kept', 'miss', 'miss']);
    expect(results.size).toBe(1);
  });

  it('refuses a capacity below one or not whole', () => {
    expect(() => new RecentResults(0)).toThrow(RangeError);
    expect(() => new RecentResults(Number.NaN)).toThrow(RangeError);
    expect(() => new RecentResults(2.5)).toThrow(RangeError);
  });

  it('never drops a result with an infinite capacity', () => {
    const results = new RecentResults<number, number>(Number.POSITIVE_INFINITY);
    let computed = 0;
    const square = (key: number) => {
      computed += 1;
      return key * key;
    };
    for (let round = 0; round < 2; round += 1)
      for (let key = 0; key < 5_000; key += 1) results.get(key, square);
    expect(computed).toBe(5_000);
    expect(results.size).toBe(5_000);
  });
});
