import { describe, expect, it } from 'vitest';
import { expectedQuality, uninformedQuality } from './expected-quality.js';
import { profileFixture } from './profile.fixture.js';
import { ProfileIndex } from './profile-index.js';

const profile = profileFixture({
  billing: {
    overall: [40, 0.1],
    slices: {
      'domain:billing': [10, 0.3],
      'domain:technical': [10, 0],
      'language:en': [30, 0.12],
      'intent:refund': [5, 0.4],
    },
  },
  technical: { overall: [60, 0.2] },
});
const index = new ProfileIndex(profile);
const options = { index, priorStrength: 10, minProbability: 0.05 };

describe('expectedQuality', () => {
  it('shrinks the agent’s overall mean towards the pooled mean of every agent', () => {
    // pooled μ₀ = (40·0.1 + 60·0.2) / 100 = 0.16; μ̃ = (40·0.1 + 10·0.16) / 50 = 0.112
    const result = expectedQuality({ ...options, agentId: 'billing', description: {} });
    expect(index.pooledQuality).toBeCloseTo(0.16, 10);
    expect(result.value).toBeCloseTo(0.112, 10);
    expect(result.overall).toMatchObject({ n: 40, mean: 0.1 });
  });

  it('shrinks a small slice towards the agent’s overall mean, by n / (n + k)', () => {
    // θ̃ = (10·0.3 + 10·0.112) / 20 = 0.206
    const result = expectedQuality({
      ...options,
      agentId: 'billing',
      description: { domains: [{ value: 'billing', probability: 1 }] },
    });
    expect(result.value).toBeCloseTo(0.206, 10);
    expect(result.slices).toEqual([
      {
        dimension: 'domain',
        value: 'billing',
        probability: 1,
        n: 10,
        mean: 0.3,
        estimate: expect.closeTo(0.206, 10),
      },
    ]);
  });

  it('falls back to the agent’s overall estimate on a slice it was never measured on', () => {
    const result = expectedQuality({
      ...options,
      agentId: 'billing',
      description: { language: 'de', domains: [{ value: 'legal', probability: 1 }] },
    });
    expect(result.value).toBeCloseTo(0.112, 10);
    expect(result.slices.map((slice) => [slice.value, slice.n, slice.mean])).toEqual([
      ['de', 0, null],
      ['legal', 0, null],
    ]);
  });

  it('gives an agent the profile never measured the pooled mean, and 0.5 when nobody was measured', () => {
    expect(
      expectedQuality({ ...options, agentId: 'orders', description: { language: 'en' } }).value,
    ).toBeCloseTo(0.16, 10);
    const empty = new ProfileIndex(profileFixture({}));
    expect(expectedQuality({ ...options, index: empty, agentId: 'orders', description: {} }).value).toBe(
      uninformedQuality,
    );
  });

  it('weights slices by the request’s probabilities and leaves the unknown rest at the overall estimate', () => {
    // 0.6·0.206 + 0.3·(10·0 + 10·0.112)/20 + 0.1·0.112 = 0.1236 + 0.0168 + 0.0112 = 0.1516
    const result = expectedQuality({
      ...options,
      agentId: 'billing',
      description: {
        domains: [
          { value: 'billing', probability: 0.6 },
          { value: 'technical', probability: 0.3 },
          { value: 'orders', probability: 0.04 },
        ],
      },
    });
    expect(result.value).toBeCloseTo(0.1516, 10);
    expect(result.slices.map((slice) => slice.value)).toEqual(['billing', 'technical']);
  });

  it('multiplies the language, domain and intent lifts', () => {
    const μ = 0.112;
    const language = (30 * 0.12 + 10 * μ) / 40 / μ;
    const domain = 0.206 / μ;
    const intent = (5 * 0.4 + 10 * μ) / 15 / μ;
    const result = expectedQuality({
      ...options,
      agentId: 'billing',
      description: {
        language: 'en',
        domains: [{ value: 'billing', probability: 1 }],
        intents: [{ value: 'refund', probability: 1 }],
      },
    });
    expect(result.value).toBeCloseTo(μ * language * domain * intent, 10);
  });

  it('plugs posterior draws into the same formula when sampling', () => {
    const draws: [number, number][] = [];
    const result = expectedQuality({
      ...options,
      agentId: 'billing',
      description: { domains: [{ value: 'billing', probability: 1 }] },
      draw: (alpha, beta) => {
        draws.push([alpha, beta]);
        return 0.25;
      },
    });
    // Overall: Beta(10·0.16 + 40·0.1, 10·0.84 + 40·0.9); slice: Beta(10·0.112 + 10·0.3, 10·0.888 + 10·0.7).
    expect(draws[0]![0]).toBeCloseTo(5.6, 10);
    expect(draws[0]![1]).toBeCloseTo(44.4, 10);
    expect(draws[1]![0]).toBeCloseTo(4.12, 10);
    expect(draws[1]![1]).toBeCloseTo(15.88, 10);
    expect(result.value).toBe(0.25);
  });
});
