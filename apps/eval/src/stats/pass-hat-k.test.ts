import { describe, expect, it } from 'vitest';
import { EvalError } from '../eval-error.js';
import { passHatK, passHatKEstimate } from './pass-hat-k.js';

const T = true;
const F = false;

describe('passHatK', () => {
  it('is the share of turns that passed every one of k runs', () => {
    const items = [
      { id: 't1', outcomes: [T, T, T] },
      { id: 't2', outcomes: [T, F, T] },
      { id: 't3', outcomes: [F, F, F] },
    ];
    // Only t1 passed all 3 runs: 1/3.
    expect(passHatK(items)).toEqual({ value: 1 / 3, k: 3, units: 3, by: 'item' });
    // k = 1 from 3 runs is the mean pass rate: (3/3 + 2/3 + 0/3) / 3 = 5/9.
    expect(passHatK(items, { k: 1 }).value).toBeCloseTo(5 / 9, 12);
  });

  it('counts a conversation as passing a run only when all its turns pass that run', () => {
    const items = [
      { id: 'a1', cluster: 'A', outcomes: [T, T, F] },
      { id: 'a2', cluster: 'A', outcomes: [T, F, T] },
      { id: 'b1', cluster: 'B', outcomes: [T, T, T] },
    ];
    // Runs of A: [T∧T, T∧F, F∧T] = [T, F, F] → fails pass^3; B passes. (0 + 1)/2 = 1/2.
    expect(passHatK(items, { by: 'cluster' })).toEqual({ value: 0.5, k: 3, units: 2, by: 'cluster' });
    // By turn: a1 and a2 each failed a run, b1 did not: 1/3.
    expect(passHatK(items).value).toBeCloseTo(1 / 3, 12);
  });

  it('uses the unbiased estimator when there are more runs than k', () => {
    // 4 passes in 5 runs, k = 2: C(4, 2)/C(5, 2) = 6/10.
    expect(passHatK([{ id: 't', outcomes: [T, T, F, T, T] }], { k: 2 }).value).toBeCloseTo(0.6, 12);
  });

  it('reports no value for no turns', () => {
    expect(passHatK([])).toEqual({ value: undefined, k: undefined, units: 0, by: 'item' });
    expect(passHatK([], { k: 3 }).k).toBe(3);
  });

  it('rejects impossible requests', () => {
    expect(() => passHatK([{ id: 't', outcomes: [T, T] }], { k: 3 })).toThrow(/fewer than k/);
    expect(() => passHatK([{ id: 't', outcomes: [T] }], { k: 0 })).toThrow(EvalError);
    expect(() => passHatK([{ id: 't', outcomes: [T] }], { by: 'cluster' })).toThrow(/cluster/);
    expect(() =>
      passHatK(
        [
          { id: 'a1', cluster: 'A', outcomes: [T, T] },
          { id: 'a2', cluster: 'A', outcomes: [T] },
        ],
        { by: 'cluster' },
      ),
    ).toThrow(/runs/);
  });
});

describe('passHatKEstimate', () => {
  it('is C(passes, k) / C(samples, k)', () => {
    expect(passHatKEstimate(4, 5, 2)).toBeCloseTo(6 / 10, 12); // C(4,2)=6, C(5,2)=10
    expect(passHatKEstimate(8, 10, 3)).toBeCloseTo(56 / 120, 12); // C(8,3)=56, C(10,3)=120
    expect(passHatKEstimate(1, 5, 2)).toBe(0);
    expect(passHatKEstimate(3, 3, 3)).toBe(1);
  });

  it('rejects inconsistent counts', () => {
    expect(() => passHatKEstimate(6, 5, 2)).toThrow(EvalError);
    expect(() => passHatKEstimate(1, 1, 2)).toThrow(EvalError);
  });
});
