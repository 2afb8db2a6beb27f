import { describe, expect, it } from 'vitest';
import { EvalError } from '../eval-error.js';
import {
  clusterBootstrap,
  clusterBootstrapTogether,
  resampleClusterMeans,
  resampleClusterMeansTogether,
  sumByCluster,
} from './cluster-bootstrap.js';
import { SeededRandom } from './seeded-random.js';

const z95 = 1.959963984540054;

describe('clusterBootstrap', () => {
  it('collapses the interval to the value when every turn has the same value', () => {
    // 0.1 is not exact in binary; sums of it are not either, so this also checks the clamping.
    const items = ['a', 'a', 'a', 'b', 'c', 'c'].map((cluster) => ({ cluster, value: 0.1 }));
    expect(clusterBootstrap(items)).toEqual({ mean: 0.1, ci95: [0.1, 0.1], n: 6, clusters: 3 });
  });

  it('reports no mean and no interval for no turns', () => {
    expect(clusterBootstrap([])).toEqual({ mean: undefined, ci95: undefined, n: 0, clusters: 0 });
  });

  it('collapses the interval to the mean with a single conversation', () => {
    const result = clusterBootstrap([
      { cluster: 'only', value: 0 },
      { cluster: 'only', value: 1 },
      { cluster: 'only', value: 1 },
    ]);
    expect(result.mean).toBeCloseTo(2 / 3, 12);
    expect(result.ci95).toEqual([result.mean, result.mean]);
  });

  it('weights conversations by their turns (ratio estimator)', () => {
    // Conversation a: three turns of 1; b: one turn of 0. Turn-weighted mean 3/4 (the mean of the
    // conversation means would be 1/2). Resampling two conversations: aa → 1 (p 1/4), ab or ba →
    // 3/4 (p 1/2), bb → 0 (p 1/4). About 500 of 2000 resamples are 0 and 500 are 1, so the 2.5th
    // and 97.5th percentiles are exactly 0 and 1.
    const items = [
      { cluster: 'a', value: 1 },
      { cluster: 'a', value: 1 },
      { cluster: 'a', value: 1 },
      { cluster: 'b', value: 0 },
    ];
    expect(clusterBootstrap(items, { seed: 3 })).toEqual({ mean: 0.75, ci95: [0, 1], n: 4, clusters: 2 });
  });

  it('resamples the turn-weighted mean, not the mean of conversation means', () => {
    // One conversation of 9 turns scoring 1, four of 1 turn scoring 0: mean 9/13. A resample of 5
    // conversations holds the big one k ~ Binomial(5, 0.2) times: P(k = 0) = 0.33, so the lower
    // bound is 0; the expanded interval's upper percentile for 5 conversations is 99.905
    // (expandedTailPercent(5) = 0.0954, scipy), and P(k ≤ 3) = 0.9933, P(k ≤ 4) = 0.99968, so it
    // falls among the k = 4 resamples, whose turn-weighted mean is 36/(36 + 1) = 36/37 (the
    // unweighted mean of conversation means would be 4/5).
    const items = [
      ...Array.from({ length: 9 }, () => ({ cluster: 'big', value: 1 })),
      ...['b', 'c', 'd', 'e'].map((cluster) => ({ cluster, value: 0 })),
    ];
    const result = clusterBootstrap(items, { seed: 9 });
    expect(result.mean).toBeCloseTo(9 / 13, 12);
    expect(result.ci95![0]).toBe(0);
    expect(result.ci95![1]).toBeCloseTo(36 / 37, 12);
  });

  it('gives the same interval for the same seed and another one for another seed', () => {
    const items = Array.from({ length: 60 }, (_, index) => ({
      cluster: `c${index % 12}`,
      // Values spread enough that the interval's percentiles fall between resamples, not on a
      // lattice of conversation means every seed reaches.
      value: (index * 37) % 101,
    }));
    const first = clusterBootstrap(items, { seed: 11 });
    expect(clusterBootstrap(items, { seed: 11 })).toEqual(first);
    expect(clusterBootstrap(items, { seed: 12 }).ci95).not.toEqual(first.ci95);
  });

  it('gives a bit-identical result whatever order the turns come in', () => {
    // Values whose float sums depend on the order they are added in (0.1 + 0.2 + 0.3 ≠ 0.3 + 0.2 + 0.1).
    const items = Array.from({ length: 60 }, (_, index) => ({
      cluster: `c${(index * 7) % 13}`,
      value: [0.1, 0.2, 0.3, 0.7][index % 4]!,
    }));
    const forward = clusterBootstrap(items, { seed: 5 });
    expect(clusterBootstrap([...items].reverse(), { seed: 5 })).toEqual(forward);
    const rotated = [...items.slice(17), ...items.slice(0, 17)];
    expect(clusterBootstrap(rotated, { seed: 5 })).toEqual(forward);
  });

  it('covers the true rate of a Bernoulli(0.3) sample with a plausible width', () => {
    // 400 independent Bernoulli(0.3) turns in 100 conversations of 4. Turns within a conversation
    // are independent here, so the clustered interval should match the textbook one:
    // width ≈ 2·1.96·√(p̂(1 − p̂)/400) ≈ 0.09. Allow ±25% for bootstrap noise and discreteness.
    const random = new SeededRandom(2024);
    const items = Array.from({ length: 400 }, (_, index) => ({
      cluster: `conversation-${Math.floor(index / 4)}`,
      value: random.nextFloat() < 0.3 ? 1 : 0,
    }));
    const sampleMean = items.reduce((sum, item) => sum + item.value, 0) / items.length;
    const result = clusterBootstrap(items, { seed: 1 });
    const [low, high] = result.ci95!;
    const expectedWidth = 2 * z95 * Math.sqrt((sampleMean * (1 - sampleMean)) / 400);

    expect(result.mean).toBeCloseTo(sampleMean, 12);
    expect(result.clusters).toBe(100);
    expect(low).toBeLessThan(0.3);
    expect(high).toBeGreaterThan(0.3);
    expect(high - low).toBeGreaterThan(0.75 * expectedWidth);
    expect(high - low).toBeLessThan(1.25 * expectedWidth);
  });

  it('gives a wider interval than turn-level resampling when turns of a conversation agree', () => {
    // 20 conversations of 10 turns; in 8 of them every turn scores 1, in 12 every turn scores 0.
    // p̂ = 0.4. By conversation there are only 20 independent units:
    //   width ≈ 2·1.96·√(0.24/20) ≈ 0.43;
    // treating the 200 turns as independent pretends to 200 units:
    //   width ≈ 2·1.96·√(0.24/200) ≈ 0.14.
    const items = Array.from({ length: 200 }, (_, index) => {
      const conversation = Math.floor(index / 10);
      return { id: `turn-${index}`, cluster: `c${conversation}`, value: conversation < 8 ? 1 : 0 };
    });
    const clustered = clusterBootstrap(items, { seed: 5 });
    const independent = clusterBootstrap(
      items.map((item) => ({ cluster: item.id, value: item.value })),
      { seed: 5 },
    );
    const width = (result: typeof clustered) => result.ci95![1] - result.ci95![0];
    const clusteredExpected = 2 * z95 * Math.sqrt(0.24 / 20);
    const independentExpected = 2 * z95 * Math.sqrt(0.24 / 200);

    expect(clustered.mean).toBeCloseTo(0.4, 12);
    expect(width(clustered)).toBeGreaterThan(0.75 * clusteredExpected);
    expect(width(clustered)).toBeLessThan(1.25 * clusteredExpected);
    expect(width(independent)).toBeGreaterThan(0.75 * independentExpected);
    expect(width(independent)).toBeLessThan(1.25 * independentExpected);
    expect(width(clustered)).toBeGreaterThan(2.5 * width(independent));
  });

  it('rejects non-finite values and bad options', () => {
    expect(() => clusterBootstrap([{ cluster: 'a', value: Number.NaN }])).toThrow(EvalError);
    expect(() => clusterBootstrap([{ cluster: 'a', value: 1 }], { resamples: 0 })).toThrow(/resamples/);
    expect(() => clusterBootstrap([{ cluster: 'a', value: 1 }], { seed: 0.5 })).toThrow(/seed/);
  });
});

describe('clusterBootstrapTogether', () => {
  // Inputs of several shapes: one turn per conversation, several, all values equal, and cluster
  // counts that two, one or no other input share.
  const random = new SeededRandom(3);
  const turns = (conversations: number, perConversation: () => number, value: () => number) =>
    Array.from({ length: conversations }, (_, conversation) =>
      Array.from({ length: perConversation() }, () => ({ cluster: `c${conversation}`, value: value() })),
    ).flat();
  const inputs = [
    turns(
      40,
      () => 1,
      () => random.nextInt(2),
    ),
    turns(
      40,
      () => 1 + random.nextInt(3),
      () => random.nextFloat(),
    ),
    turns(
      40,
      () => 1,
      () => 0.1,
    ),
    turns(
      40,
      () => 1,
      () => random.nextFloat() * 3 - 1,
    ),
    turns(
      7,
      () => 2,
      () => random.nextInt(5),
    ),
    [],
    turns(
      1,
      () => 3,
      () => random.nextFloat(),
    ),
    turns(
      120,
      () => 1 + random.nextInt(2),
      () => random.nextInt(2),
    ),
  ];

  it('gives each input exactly what clusterBootstrap gives it alone', () => {
    for (const options of [
      { seed: 11, resamples: 300 },
      { seed: -4, resamples: 1 },
    ]) {
      expect(clusterBootstrapTogether(inputs, options)).toEqual(
        inputs.map((input) => clusterBootstrap(input, options)),
      );
    }
  });

  it('resamples each input as resampleClusterMeans does, draw for draw', () => {
    const sums = inputs.filter((input) => input.length > 0).map(sumByCluster);
    const together = resampleClusterMeansTogether(sums, { seed: 5, resamples: 250 });
    expect(together).toEqual(
      sums.map((input) => resampleClusterMeans({ ...input, seed: 5, resamples: 250 })),
    );
  });

  it('reads its inputs one at a time from any iterable', () => {
    let alive = 0;
    let mostAlive = 0;
    const oneByOne = function* () {
      for (const input of inputs) {
        alive += 1;
        mostAlive = Math.max(mostAlive, alive);
        yield input;
        alive -= 1;
      }
    };
    expect(clusterBootstrapTogether(oneByOne(), { seed: 2, resamples: 50 })).toEqual(
      clusterBootstrapTogether(inputs, { seed: 2, resamples: 50 }),
    );
    expect(mostAlive).toBe(1);
  });

  it('rejects non-finite values and bad options as clusterBootstrap does', () => {
    expect(() => clusterBootstrapTogether([[{ cluster: 'a', value: Number.NaN }]])).toThrow(EvalError);
    expect(() => clusterBootstrapTogether([], { resamples: 0 })).toThrow(EvalError);
    expect(() => clusterBootstrapTogether([], { seed: 0.5 })).toThrow(EvalError);
  });
});
