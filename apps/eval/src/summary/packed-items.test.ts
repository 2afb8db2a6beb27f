import { describe, expect, it } from 'vitest';
import type { ItemResult } from '../item-result.js';
import { itemSummaryFields } from '../report/parse-items.js';
import { buildRunSummary } from './build-run-summary.js';
import { lexicalItems, makeItem, trainedItems } from './example-items.fixture.js';
import { exampleRunInput } from './example-run.fixture.js';
import { itemMetricValue } from './item-metric-value.js';
import { PackedItems, scoreNamesOf, scoreOf } from './packed-items.js';
import { summaryMetricNames } from './summary-metrics.js';

/** What a packed item is expected to read back: the summary fields, texts reduced to presence. */
function summaryFieldsOf(item: ItemResult): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const field of itemSummaryFields) fields[field] = item[field];
  fields.reference = item.reference === null ? null : '';
  fields.nuggets = item.nuggets === undefined ? undefined : item.nuggets.length > 0 ? [''] : [];
  return fields;
}

const unusual: ItemResult[] = [
  {
    ...makeItem({ strategy: 'judge', conversationId: 'u1', turnIndex: 0, reference: null, nuggets: [] }),
    nuggets: undefined,
    nuggetSource: undefined,
    outcome: 'error',
    error: { code: 'timeout', message: 'the delegate did not answer' },
    scores: { answerQuality: null, 'judge.tone': 'friendly', 'judge.score': 0.25, 'judge.ok': false },
  },
  {
    ...makeItem({ strategy: 'judge', conversationId: 'u2', turnIndex: 3, repeat: 1, costUsd: 0.0042 }),
    usage: { inputTokens: 1_234, outputTokens: 56 },
    latencyMs: 812.5,
    freeRun: {
      user: 'simulated',
      step: 2,
      goalTurnIndex: 3,
      goals: { reached: 1, total: 2, reachedNow: [0] },
      next: 'end',
      end: 'resolved',
    },
  },
];

describe('PackedItems', () => {
  it('reads back every field a summary reads, as each item carried it', () => {
    const packed = new PackedItems();
    const items = [...lexicalItems, ...trainedItems, ...unusual];
    const views = items.map((item) => packed.add(item));
    expect(packed.size).toBe(items.length);
    views.forEach((view, index) => {
      const item = items[index]!;
      expect(summaryFieldsOf(view), item.itemId).toEqual(summaryFieldsOf(item));
      expect(scoreNamesOf(view).sort()).toEqual(Object.keys(item.scores).sort());
      for (const name of Object.keys(item.scores)) expect(scoreOf(view, name)).toBe(item.scores[name]);
      expect(scoreOf(view, 'never-scored')).toBeUndefined();
      for (const metric of summaryMetricNames) {
        expect(itemMetricValue(view, metric), `${item.itemId} ${metric}`).toBe(itemMetricValue(item, metric));
      }
    });
  });

  it('gives the same run summary as the items themselves', () => {
    const items = [...lexicalItems, ...trainedItems];
    const packed = new PackedItems();
    const input = { ...exampleRunInput, gate: { rules: [] } };
    expect(buildRunSummary({ ...input, items: items.map((item) => packed.add(item)) })).toEqual(
      buildRunSummary({ ...input, items }),
    );
  });

  it('keeps every row as its columns grow, including a score first seen late', () => {
    const packed = new PackedItems();
    const views = Array.from({ length: 3_000 }, (_, index) =>
      packed.add(
        makeItem({
          strategy: 'lexical',
          conversationId: `c${index}`,
          turnIndex: index % 7,
          latencyMs: index / 4,
          scores:
            index >= 2_500 ? { answerQuality: index / 3_000, late: index % 2 === 0 } : { answerQuality: 0.5 },
        }),
      ),
    );
    expect(views[0]!.latencyMs).toBe(0);
    expect(views[1_025]!.turnIndex).toBe(1_025 % 7);
    expect(scoreOf(views[100]!, 'late')).toBeUndefined();
    expect(scoreOf(views[2_999]!, 'answerQuality')).toBe(2_999 / 3_000);
    expect(scoreOf(views[2_998]!, 'late')).toBe(true);
    expect(views[2_999]!.scores).toEqual({ answerQuality: 2_999 / 3_000, late: false });
  });
});
