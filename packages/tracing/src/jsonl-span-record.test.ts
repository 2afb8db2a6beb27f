import { describe, expect, it } from 'vitest';
import { toJsonlSpanRecord } from './jsonl-span-record.js';
import { createTestTracing } from './testing/create-test-tracing.js';
import { delegationEvents as e } from './testing/delegation-events.js';

describe('toJsonlSpanRecord', () => {
  it('writes start and end times exactly as Date#toISOString does, across minutes and years', () => {
    const times = [
      0, 0.999, 59_999.9, 60_000, 1_700_000_000_000, 1_700_000_059_999.5, 1_700_000_060_000.25,
      1_700_000_060_001, 1_700_000_069_010, 1_700_000_119_100, 951_782_400_000, 4_102_444_799_999,
    ];
    for (let index = 0; index < 200; index++) times.push(Math.random() * 4_000_000_000_000);
    const tracing = createTestTracing();
    for (const [index, time] of times.entries()) {
      tracing.listener(e.turnStart({ id: `turn-${index}`, time }));
      tracing.listener(e.turnEnd({ id: `turn-${index}`, time: time + 1234.5 }));
    }

    const spans = tracing.exporter.getFinishedSpans();
    expect(spans).toHaveLength(times.length);
    const toIso = (time: [number, number]) => new Date(time[0] * 1000 + time[1] / 1e6).toISOString();
    for (const span of spans) {
      const record = toJsonlSpanRecord(span);
      expect([record.start, record.end]).toEqual([toIso(span.startTime), toIso(span.endTime)]);
    }
  });
});
