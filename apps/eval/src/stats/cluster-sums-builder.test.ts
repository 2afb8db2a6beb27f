import { describe, expect, it } from 'vitest';
import { EvalError } from '../eval-error.js';
import { ClusterSumsBuilder } from './cluster-sums-builder.js';

describe('ClusterSumsBuilder', () => {
  it('sums and counts each cluster in the order the clusters come, with the turn-weighted mean', () => {
    const builder = new ClusterSumsBuilder();
    for (const [cluster, value] of [
      ['a', 0],
      ['a', 1],
      ['b', 0.5],
      ['c', 0.25],
      ['c', 0.75],
    ] as const) {
      builder.add(cluster, value);
    }
    expect(builder.turns).toBe(5);
    expect(builder.finish()).toEqual({
      sums: Float64Array.from([1, 0.5, 1]),
      counts: Float64Array.from([2, 1, 2]),
      mean: 0.5,
      minimum: 0,
      maximum: 1,
    });
  });

  it('gives no mean and no clusters when nothing was added', () => {
    const sums = new ClusterSumsBuilder().finish();
    expect(sums.sums).toHaveLength(0);
    expect(sums.mean).toBeUndefined();
  });

  it('clamps the mean into the range of the values', () => {
    // Ten times 0.1 sums to 0.9999999999999999, and ÷ 10 leaves 0.09999999999999999 < 0.1.
    const builder = new ClusterSumsBuilder();
    for (let turn = 0; turn < 10; turn++) builder.add('a', 0.1);
    expect(builder.finish().mean).toBe(0.1);
  });

  it('takes -0 as 0, so the range does not depend on which came first', () => {
    for (const order of [
      [0, -0],
      [-0, 0],
    ]) {
      const builder = new ClusterSumsBuilder();
      for (const value of order) builder.add('a', value);
      const { minimum, maximum } = builder.finish();
      expect(Object.is(minimum, 0) && Object.is(maximum, 0)).toBe(true);
    }
  });

  it('refuses a cluster that comes back after a later one, and a value that is not finite', () => {
    const unordered = new ClusterSumsBuilder();
    unordered.add('b', 1);
    expect(() => unordered.add('a', 1)).toThrow(/cluster order/);
    expect(() => new ClusterSumsBuilder().add('a', Number.NaN)).toThrow(EvalError);
  });
});
