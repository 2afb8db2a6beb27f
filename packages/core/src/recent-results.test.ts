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
