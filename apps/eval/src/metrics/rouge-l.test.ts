import { describe, expect, it } from 'vitest';
import { rougeL } from './rouge-l.js';

describe('rougeL', () => {
  it('scores the longest common subsequence of words', () => {
    // candidate [the, cat, was, found, under, the, bed] (7), reference [the, cat, was, under, the, bed] (6).
    // LCS = the cat was under the bed = 6 → P = 6/7, R = 1, F = 2·(6/7)·1 / (6/7 + 1) = 12/13.
    const score = rougeL('The cat was found under the bed.', 'the cat was under the bed');
    expect(score.precision).toBeCloseTo(6 / 7, 12);
    expect(score.recall).toBe(1);
    expect(score.f).toBeCloseTo(12 / 13, 12);
  });

  it('rewards order, unlike token F1', () => {
    // Same words reversed: [c, b, a] vs [a, b, c] have LCS 1 → P = R = F = 1/3.
    expect(rougeL('c b a', 'a b c').f).toBeCloseTo(1 / 3, 12);
  });

  it('weights recall by beta', () => {
    // candidate [a, x] (2), reference [a, b, c, d] (4): LCS 1 → P = 1/2, R = 1/4.
    // β = 2: F = (1 + 4)·(1/2)·(1/4) / (1/4 + 4·(1/2)) = (5/8) / (9/4) = 5/18.
    expect(rougeL('a x', 'a b c d', { beta: 2 }).f).toBeCloseTo(5 / 18, 12);
    // β = 1: F = 2·(1/8) / (3/4) = 1/3.
    expect(rougeL('a x', 'a b c d').f).toBeCloseTo(1 / 3, 12);
  });

  it('normalises accents and punctuation before comparing', () => {
    // [él, está, aquí] vs [él, está, aquí, ahora]: LCS 3 → P = 1, R = 3/4, F = 2·(3/4)/(7/4) = 6/7.
    expect(rougeL('¡Él está AQUÍ!', 'él está aquí, ahora').f).toBeCloseTo(6 / 7, 12);
  });

  it('is 1 when neither text has words and 0 when only one has', () => {
    expect(rougeL('', '')).toEqual({ precision: 1, recall: 1, f: 1 });
    expect(rougeL('', 'hola')).toEqual({ precision: 0, recall: 0, f: 0 });
  });

  it('rejects a beta that is not positive', () => {
    expect(() => rougeL('a', 'a', { beta: 0 })).toThrow(/beta/);
  });
});
