import { describe, expect, it } from 'vitest';
import { RecentResults } from './recent-results.js';

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

  it('drops the least recently used key beyond its capacity and keeps the rest', () => {
    const results = new RecentResults<string, string>(2);
    const seen: string[] = [];
    const echo = (key: string) => {
      seen.push(key);
      return key;
    };
    results.get('a', echo);
    results.get('b', echo);
    results.get('a', echo); // a is used again: b is now the least recently used
    results.get('c', echo); // pushes b out
    expect(results.size).toBe(2);
    results.get('a', echo);
    results.get('c', echo);
    results.get('b', echo);
    expect(seen).toEqual(['a', 'b', 'c', 'b']);
  });

  it('recomputes exactly what a plain least-recently-used list would, repeats in a row included', () => {
    // A reference model: an array, most recently used last. Keys repeat in runs, so the shortcut for
    // the key already at the back is exercised between ordinary moves and evictions.
    const capacity = 3;
    const results = new RecentResults<string, string>(capacity);
    const model: string[] = [];
    let state = 7;
    for (let step = 0; step < 2_000; step += 1) {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      const key = 'abcde'[state % 5]!;
      const repeats = 1 + (Math.floor(state / 5) % 3);
      for (let repeat = 0; repeat < repeats; repeat += 1) {
        let computed = false;
        results.get(key, (value) => {
          computed = true;
          return value;
        });
        const index = model.indexOf(key);
        expect(computed).toBe(index === -1);
        if (index !== -1) model.splice(index, 1);
        model.push(key);
        if (model.length > capacity) model.shift();
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

  it('refuses a capacity below one', () => {
    expect(() => new RecentResults(0)).toThrow(RangeError);
    expect(() => new RecentResults(Number.NaN)).toThrow(RangeError);
  });
});
