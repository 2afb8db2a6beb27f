import { describe, expect, it } from 'vitest';
import { seededUniform } from './profile.fixture.js';
import { sampleBeta } from './sample-beta.js';

describe('sampleBeta', () => {
  it('gives the same draws for the same seeded source', () => {
    const first = seededUniform(7);
    const second = seededUniform(7);
    const a = Array.from({ length: 5 }, () => sampleBeta(2, 5, first));
    const b = Array.from({ length: 5 }, () => sampleBeta(2, 5, second));
    expect(a).toEqual(b);
  });

  it('draws around the mean α / (α + β), within [0, 1], for large and small shapes', () => {
    for (const [alpha, beta] of [
      [2, 8],
      [30, 10],
      [0.5, 0.5],
    ] as const) {
      const random = seededUniform(42);
      const draws = Array.from({ length: 2000 }, () => sampleBeta(alpha, beta, random));
      expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...draws)).toBeLessThanOrEqual(1);
      const mean = draws.reduce((sum, draw) => sum + draw, 0) / draws.length;
      expect(mean).toBeCloseTo(alpha / (alpha + beta), 1);
    }
  });

  it('refuses shapes that are not positive', () => {
    expect(() => sampleBeta(0, 1, Math.random)).toThrow(RangeError);
    expect(() => sampleBeta(1, Number.NaN, Math.random)).toThrow(RangeError);
  });
});
