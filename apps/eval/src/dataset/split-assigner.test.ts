import { describe, expect, it } from 'vitest';
import type { Split } from './split.js';
import { createSplitAssigner, defaultSplitSeed } from './split-assigner.js';

const split: Split = { method: 'manual', seed: 1, train: ['a', 'b'], test: ['c'] };
const ids = (count: number) => Array.from({ length: count }, (_, index) => `faq-export-${index + 1}`);

describe('createSplitAssigner', () => {
  it('places the ids of the split file where the file says', () => {
    // With testShare 1 the hash would send every id to test: the file still wins.
    const assigner = createSplitAssigner(split, { testShare: 1 });
    expect(['a', 'b', 'c'].map((id) => assigner.partOf(id))).toEqual(['train', 'train', 'test']);
    expect(assigner.placed).toEqual({ byFile: 3, byHash: 0 });
  });

  it('hashes other ids to a side, the same side every time and in every assigner', () => {
    const first = createSplitAssigner(split);
    const second = createSplitAssigner(undefined);
    const sides = ids(200).map((id) => first.partOf(id));
    expect(ids(200).map((id) => first.partOf(id))).toEqual(sides);
    expect(ids(200).map((id) => second.partOf(id))).toEqual(sides);
    expect(first.placed).toEqual({ byFile: 0, byHash: 400 });
    expect(new Set(sides)).toEqual(new Set(['train', 'test']));
  });

  it('places hashed ids by its seed', () => {
    const one = createSplitAssigner(undefined, { seed: 'one' });
    const two = createSplitAssigner(undefined, { seed: 'two' });
    expect(ids(200).map((id) => one.partOf(id))).not.toEqual(ids(200).map((id) => two.partOf(id)));
  });

  it('sends about testShare of many ids to test', () => {
    for (const testShare of [0.3, 0.5]) {
      const assigner = createSplitAssigner(undefined, { testShare });
      const tested = ids(5000).filter((id) => assigner.partOf(id) === 'test').length;
      // Binomial(5000, p): a standard deviation is under 0.0071, so 0.03 is over four.
      expect(Math.abs(tested / 5000 - testShare)).toBeLessThan(0.03);
    }
  });

  it('sends every hashed id to train with testShare 0 and to test with 1', () => {
    const never = createSplitAssigner(undefined, { testShare: 0 });
    const always = createSplitAssigner(undefined, { testShare: 1 });
    expect(new Set(ids(100).map((id) => never.partOf(id)))).toEqual(new Set(['train']));
    expect(new Set(ids(100).map((id) => always.partOf(id)))).toEqual(new Set(['test']));
  });

  it('states its seed and test share, with defaults', () => {
    expect(createSplitAssigner(undefined)).toMatchObject({ seed: defaultSplitSeed, testShare: 0.3 });
    expect(createSplitAssigner(split, { seed: 's', testShare: 0.2 })).toMatchObject({
      seed: 's',
      testShare: 0.2,
    });
  });
});
