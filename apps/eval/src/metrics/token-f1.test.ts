import { describe, expect, it } from 'vitest';
import { tokenF1 } from './token-f1.js';

describe('tokenF1', () => {
  it('scores shared words as a bag with multiplicities', () => {
    // candidate [the, cat, the, cat] (4), reference [the, cat, sat] (3).
    // Shared: min(2, 1) "the" + min(2, 1) "cat" = 2 → P = 2/4, R = 2/3,
    // F1 = 2·(1/2)·(2/3) / (1/2 + 2/3) = (2/3) / (7/6) = 4/7.
    const score = tokenF1('the cat the cat', 'the cat sat');
    expect(score.precision).toBe(0.5);
    expect(score.recall).toBeCloseTo(2 / 3, 12);
    expect(score.f1).toBeCloseTo(4 / 7, 12);
  });

  it('ignores case, punctuation and word order', () => {
    expect(tokenF1('Sat, the CAT!', 'the cat sat').f1).toBe(1);
  });

  it('keeps accents: "está" and "esta" are different words', () => {
    // candidate [la, tienda, está, abierta], reference [esta, tienda, abierta] (3).
    // Shared: tienda, abierta = 2 → P = 2/4, R = 2/3, F1 = 4/7.
    expect(tokenF1('¡La tienda está abierta!', 'Esta tienda abierta').f1).toBeCloseTo(4 / 7, 12);
    expect(tokenF1('Größe', 'GRÖSSE').f1).toBe(0); // ß is not folded to "ss"; documented limitation
  });

  it('is 1 when neither text has words and 0 when only one has', () => {
    expect(tokenF1('', '...')).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(tokenF1('hola', '')).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(tokenF1('!!!', 'hola')).toEqual({ precision: 0, recall: 0, f1: 0 });
  });

  it('is 0 when no word is shared', () => {
    expect(tokenF1('yes', 'no').f1).toBe(0);
  });
});
