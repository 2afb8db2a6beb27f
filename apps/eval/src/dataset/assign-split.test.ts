import { describe, expect, it } from 'vitest';
import { assignSplit, primaryDomain } from './assign-split.js';

const candidates = (stratum: string, count: number) =>
  Array.from({ length: count }, (_, index) => ({
    id: `${stratum}-${String(index).padStart(3, '0')}`,
    stratum,
  }));

describe('assignSplit', () => {
  it('sends about 30% of every stratum to test and the rest to train', () => {
    const split = assignSplit(
      [...candidates('billing', 100), ...candidates('legal', 10), ...candidates('howto', 2)],
      {
        seed: 's',
      },
    );
    const testIn = (stratum: string) => split.test.filter((id) => id.startsWith(`${stratum}-`)).length;
    expect([testIn('billing'), testIn('legal'), testIn('howto')]).toEqual([30, 3, 1]);
    expect(split.train.length + split.test.length).toBe(112);
  });

  it('is deterministic whatever the input order, and writes sorted id lists', () => {
    const items = [...candidates('a', 20), ...candidates('b', 7)];
    const forward = assignSplit(items, { seed: 'x' });
    const backward = assignSplit([...items].reverse(), { seed: 'x' });
    expect(backward).toEqual(forward);
    expect(forward.train).toEqual([...forward.train].sort());
    expect(forward).toMatchObject({ method: 'stratified-hash', seed: 'x' });
  });

  it('depends on the seed', () => {
    const items = candidates('a', 50);
    expect(assignSplit(items, { seed: 'one' }).test).not.toEqual(assignSplit(items, { seed: 'two' }).test);
  });

  it('keeps a stratum of one conversation in train', () => {
    expect(assignSplit(candidates('rare', 1), { seed: 's' })).toMatchObject({
      train: ['rare-000'],
      test: [],
    });
  });
});

describe('primaryDomain', () => {
  it('takes the first domain of the first labelled user turn', () => {
    expect(
      primaryDomain({
        id: 'c',
        turns: [
          { role: 'agent', text: 'Hi!' },
          { role: 'user', text: 'hello' },
          { role: 'user', text: 'refund and return', domain: ['billing', 'orders'] },
        ],
      }),
    ).toBe('billing');
    expect(primaryDomain({ id: 'c', turns: [{ role: 'user', text: 'hello' }] })).toBe('unlabelled');
  });
});
