import { describe, expect, it } from 'vitest';
import { EvalError } from '../eval-error.js';
import { SeededRandom } from './seeded-random.js';

describe('SeededRandom', () => {
  it('reproduces the xoshiro128** reference outputs', () => {
    // Test vector generated with the C reference implementation (xoshiro128starstar.c), as
    // published in edorfaus/xoshiro-6502 test-rom/testdata.asm: state 964D4A0C D40AB895 AD7FDECB
    // 3006F0F0 gives F1391922, 6FE53806, A5BE2840, F510EE70. Also re-derived with a 5-line Python
    // transcription of the C code.
    const random = SeededRandom.fromState([0x964d4a0c, 0xd40ab895, 0xad7fdecb, 0x3006f0f0]);
    expect([random.nextUint32(), random.nextUint32(), random.nextUint32(), random.nextUint32()]).toEqual([
      0xf1391922, 0x6fe53806, 0xa5be2840, 0xf510ee70,
    ]);
  });

  it('gives the same stream for the same seed and different streams for nearby seeds', () => {
    const draw = (seed: number) => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 5 }, () => random.nextUint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(-1)).not.toEqual(draw(0));
  });

  it('draws floats in [0, 1)', () => {
    const random = new SeededRandom(7);
    for (let draw = 0; draw < 10_000; draw++) {
      const value = random.nextFloat();
      expect(value >= 0 && value < 1).toBe(true);
    }
  });

  it('draws integers below the bound with equal frequency', () => {
    // 60 000 draws over 6 faces: each count ~ Binomial(60 000, 1/6), mean 10 000, standard
    // deviation √(60 000·(1/6)·(5/6)) ≈ 91. ±500 is more than 5 standard deviations.
    const random = new SeededRandom(2024);
    const counts = new Array<number>(6).fill(0);
    for (let draw = 0; draw < 60_000; draw++) counts[random.nextInt(6)]! += 1;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(500);
    expect(new SeededRandom(1).nextInt(1)).toBe(0);
  });

  it('rejects seeds and bounds it cannot honour', () => {
    expect(() => new SeededRandom(1.5)).toThrow(EvalError);
    expect(() => new SeededRandom(Number.NaN)).toThrow(EvalError);
    expect(() => new SeededRandom(1).nextInt(0)).toThrow(EvalError);
    expect(() => SeededRandom.fromState([0, 0, 0, 0])).toThrow(EvalError);
  });

  it('sums values at exactly the indices nextInt would draw, and ends in the same state', () => {
    // 1,000,003 rejects a draw about once in 4,500 (2^32 mod 1,000,003 = 954,414): 100,000 draws
    // cross the rejection path some twenty times.
    for (const [bound, draws] of [
      [1, 10],
      [3, 2_000],
      [1_000_003, 100_000],
    ] as const) {
      const values = Float64Array.from({ length: bound }, (_, index) => (index * 7919) % 1009);
      const weights = Float64Array.from({ length: bound }, (_, index) => 1 + (index % 3));
      const oneByOne = new SeededRandom(42);
      let sum = 0;
      let weight = 0;
      for (let draw = 0; draw < draws; draw++) {
        const picked = oneByOne.nextInt(bound);
        sum += values[picked]!;
        weight += weights[picked]!;
      }
      const fused = new SeededRandom(42);
      const into = new Float64Array(2);
      fused.sumAtDrawn(values, draws, into, weights);
      expect([into[0], into[1]], `bound ${bound}`).toEqual([sum, weight]);
      expect(fused.nextUint32()).toBe(oneByOne.nextUint32());
      const withoutWeights = new SeededRandom(42);
      withoutWeights.sumAtDrawn(values, draws, into);
      expect(into[0]).toBe(sum);
    }
    expect(() => new SeededRandom(1).sumAtDrawn(new Float64Array(0), 1, new Float64Array(2))).toThrow(
      EvalError,
    );
    expect(() =>
      new SeededRandom(1).sumAtDrawn(new Float64Array(2), 1, new Float64Array(2), new Float64Array(3)),
    ).toThrow(EvalError);
  });
  it('sums every column of a matrix at the draws nextInt would make, in the same order', () => {
    for (const [bound, width, draws] of [
      [1, 1, 10],
      [3, 4, 2_000],
      [1_000_003, 3, 50_000],
    ] as const) {
      const rows = Float64Array.from({ length: bound * width }, (_, index) => ((index * 7919) % 1009) / 7);
      const oneByOne = new SeededRandom(9);
      const sums = new Array<number>(width).fill(0);
      for (let draw = 0; draw < draws; draw++) {
        const picked = oneByOne.nextInt(bound);
        for (let column = 0; column < width; column++) sums[column]! += rows[picked * width + column]!;
      }
      const fused = new SeededRandom(9);
      // Longer than a row, and not zero: only the row's sums are written, from 0.
      const into = new Float64Array(width + 1).fill(5);
      fused.sumRowsAtDrawn(rows, width, draws, into);
      expect([...into.subarray(0, width)], `bound ${bound}`).toEqual(sums);
      expect(into[width]).toBe(5);
      expect(fused.nextUint32()).toBe(oneByOne.nextUint32());
    }
    const into = new Float64Array(2);
    expect(() => new SeededRandom(1).sumRowsAtDrawn(new Float64Array(0), 1, 1, into)).toThrow(EvalError);
    expect(() => new SeededRandom(1).sumRowsAtDrawn(new Float64Array(3), 2, 1, into)).toThrow(EvalError);
    expect(() => new SeededRandom(1).sumRowsAtDrawn(new Float64Array(4), 0, 1, into)).toThrow(EvalError);
    expect(() => new SeededRandom(1).sumRowsAtDrawn(new Float64Array(6), 3, 1, into)).toThrow(EvalError);
  });
});
