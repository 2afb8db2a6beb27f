import { describe, expect, it } from 'vitest';
import { sumByCluster } from '../stats/cluster-bootstrap.js';
import { SeededRandom } from '../stats/seeded-random.js';
import { makeItem } from './example-items.fixture.js';
import { compareText, singleRepeatClusterSums, turnUnits } from './turn-units.js';

const item = (conversationId: string, turnIndex: number, repeat: number, quality: number | null) =>
  makeItem({ strategy: 's', conversationId, turnIndex, repeat, scores: { answerQuality: quality } });
const quality = (value: ReturnType<typeof item>) => {
  const score = value.scores.answerQuality;
  return typeof score === 'number' ? score : null;
};

describe('turnUnits', () => {
  it('folds the repeats of a turn into one unit, their mean', () => {
    const units = turnUnits([item('a', 0, 0, 1), item('a', 0, 1, 0), item('a', 0, 2, 0.5)], quality);
    expect(units).toEqual([{ id: 'a#0', cluster: 'a', value: 0.5 }]);
  });

  it('gives exactly the common value when the repeats agree', () => {
    // 0.1 + 0.1 + 0.1 is not 0.3 in binary, and 0.3 / 3 is not 0.1: agreeing repeats are not averaged.
    const units = turnUnits([item('a', 0, 0, 0.1), item('a', 0, 1, 0.1), item('a', 0, 2, 0.1)], quality);
    expect(units[0]!.value).toBe(0.1);
  });

  it('leaves out items without a value, and a turn without any', () => {
    const units = turnUnits([item('a', 0, 0, null), item('a', 0, 1, 0.4), item('b', 0, 0, null)], quality);
    expect(units).toEqual([{ id: 'a#0', cluster: 'a', value: 0.4 }]);
  });

  it('returns units in canonical order, whatever order the items came in', () => {
    const items = [item('b', 0, 0, 1), item('a', 2, 0, 0), item('a', 0, 0, 1), item('a', 0, 1, 0)];
    const forward = turnUnits(items, quality);
    expect(forward.map((unit) => unit.id)).toEqual(['a#0', 'a#2', 'b#0']);
    expect(turnUnits([...items].reverse(), quality)).toEqual(forward);
  });
});

describe('singleRepeatClusterSums', () => {
  const bits = (values: Float64Array) => [
    ...new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  ];
  // Ids that code-point order and locale order disagree on, turns past 9 (so "#10" sorts before
  // "#2"), and values whose sums depend on their order, repeated so that ties occur.
  const conversations = ['a', 'B', 'Ä', 'a10', 'a2', 'b', 'z'];
  const values = [0, -0, 0.1, 0.2, 0.30000000000000004, 1 / 3, 0.7, 1, 1e-17, null];

  it('gives sumByCluster(turnUnits(…))’s sums bit for bit, from items in canonical order', () => {
    const random = new SeededRandom(7);
    for (let round = 0; round < 200; round++) {
      const items = conversations.flatMap((conversationId) =>
        Array.from({ length: random.nextInt(13) }, (_, turnIndex) =>
          item(conversationId, turnIndex, 0, values[random.nextInt(values.length)]!),
        ),
      );
      const sorted = [...items].sort(
        (a, b) => compareText(a.conversationId, b.conversationId) || a.turnIndex - b.turnIndex,
      );
      const expected = sumByCluster(turnUnits(items.reverse(), quality));
      const actual = singleRepeatClusterSums(sorted, quality);
      expect(bits(actual.sums)).toEqual(bits(expected.sums));
      expect(bits(actual.counts)).toEqual(bits(expected.counts));
      expect([actual.mean, actual.minimum, actual.maximum]).toEqual([
        expected.mean,
        expected.minimum,
        expected.maximum,
      ]);
    }
  });

  it('refuses items that are not in conversation order', () => {
    expect(() => singleRepeatClusterSums([item('b', 0, 0, 1), item('a', 0, 0, 1)], quality)).toThrow(
      /cluster order/,
    );
  });
});

describe('compareText', () => {
  it('orders by code point, not by locale', () => {
    expect(['b', 'B', 'a', 'Ä'].sort(compareText)).toEqual(['B', 'a', 'b', 'Ä']);
  });
});
