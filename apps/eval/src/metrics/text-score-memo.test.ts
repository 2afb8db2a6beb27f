import { describe, expect, it } from 'vitest';
import { TextScoreMemo } from './text-score-memo.js';

describe('TextScoreMemo', () => {
  it('computes a key once and returns the remembered result after that', () => {
    const memo = new TextScoreMemo();
    let calls = 0;
    const compute = () => {
      calls += 1;
      return { rate: 0.25 };
    };
    const first = memo.remember('cleanup\u0000a', compute);
    expect(memo.remember('cleanup\u0000a', compute)).toBe(first);
    expect(calls).toBe(1);
  });

  it('drops the oldest result past its capacity', () => {
    const memo = new TextScoreMemo(2);
    let calls = 0;
    const compute = () => {
      calls += 1;
      return calls;
    };
    memo.remember('a', compute);
    memo.remember('b', compute);
    memo.remember('c', compute);
    expect(memo.remember('b', compute)).toBe(2);
    expect(memo.remember('a', compute)).toBe(4);
  });

  it('keys texts and lists so that different inputs never share a key', () => {
    expect(TextScoreMemo.key('cleanup', 'ab', 'c')).not.toBe(TextScoreMemo.key('cleanup', 'a', 'bc'));
    expect(TextScoreMemo.key('nuggets', 'x', ['a', 'b'])).not.toBe(
      TextScoreMemo.key('nuggets', 'x', ['a b']),
    );
    expect(TextScoreMemo.key('nuggets', 'x', ['a'])).not.toBe(TextScoreMemo.key('token-f1', 'x', ['a']));
  });
});
