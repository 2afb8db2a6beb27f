import { describe, expect, it } from 'vitest';
import { purposeSeed } from './purpose-seed.js';

describe('purposeSeed', () => {
  it('gives the same seed for the same run seed and purpose', () => {
    expect(purposeSeed(42, 'interval:answerQuality')).toBe(purposeSeed(42, 'interval:answerQuality'));
  });

  it('gives each purpose and each run seed its own stream', () => {
    const seeds = new Set(
      [1, 2, 42].flatMap((seed) =>
        ['interval:answerQuality', 'interval:humanCleanup', 'paired:answerQuality'].map((purpose) =>
          purposeSeed(seed, purpose),
        ),
      ),
    );
    expect(seeds.size).toBe(9);
  });

  it('keeps the run seed and the purpose apart', () => {
    // Without a separator, seed 1 with "2:x" and seed 12 with ":x" would hash the same text.
    expect(purposeSeed(1, '2:x')).not.toBe(purposeSeed(12, ':x'));
  });

  it('is a 32-bit unsigned integer, usable as a bootstrap seed', () => {
    const seed = purposeSeed(-7, 'paired:passRate');
    expect(Number.isInteger(seed)).toBe(true);
    expect(seed).toBeGreaterThanOrEqual(0);
    expect(seed).toBeLessThan(2 ** 32);
  });
});
