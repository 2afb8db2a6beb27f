import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ResilientBatchExporter } from './resilient-batch-exporter.js';

/** A destination that records batches and answers as told. */
class ScriptedDestination implements SpanExporter {
  readonly batches: number[] = [];
  answer: 'ok' | 'fail' | 'never' | 'throw' = 'ok';

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.batches.push(spans.length);
    if (this.answer === 'throw') throw new Error('exporter bug');
    if (this.answer === 'never') return;
    queueMicrotask(() =>
      resultCallback(
        this.answer === 'ok'
          ? { code: ExportResultCode.SUCCESS }
          : {
              code: ExportResultCode.FAILED,
              error: Object.assign(new Error('Service Unavailable'), { code: 503 }),
            },
      ),
    );
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const spans = (count: number) => Array.from({ length: count }, () => ({}) as ReadableSpan);

function setup(options: Partial<ConstructorParameters<typeof ResilientBatchExporter>[0]> = {}) {
  const destination = new ScriptedDestination();
  const warnings: string[] = [];
  let clock = 0;
  const exporter = new ResilientBatchExporter({
    exporter: destination,
    destination: 'Langfuse at http://langfuse',
    failureHint: 'traces stay in trace.jsonl',
    logger: { warn: (message) => warnings.push(message) },
    maxBatchSize: 3,
    now: () => clock,
    ...options,
  });
  const results: ExportResultCode[] = [];
  const hand = (count: number) => exporter.export(spans(count), (result) => results.push(result.code));
  return { destination, warnings, exporter, results, hand, advance: (ms: number) => (clock += ms) };
}

describe('ResilientBatchExporter', () => {
  it('accepts spans at once and sends them in batches', async () => {
    const { destination, exporter, results, hand } = setup();
    hand(2);
    hand(5);
    expect(results).toEqual([ExportResultCode.SUCCESS, ExportResultCode.SUCCESS]);
    await exporter.forceFlush();

    expect(destination.batches).toEqual([3, 3, 1]);
    expect(exporter.stats()).toEqual({ sent: 7, dropped: 0, failedExports: 0, pending: 0 });
  });

  describe('on a fake clock', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('sends a partial batch after the flush interval', async () => {
      vi.useFakeTimers();
      const { destination, exporter, hand } = setup({ flushIntervalMs: 5 });
      hand(1);
      await vi.advanceTimersByTimeAsync(4);
      expect(destination.batches).toEqual([]);

      await vi.advanceTimersByTimeAsync(1);
      expect(destination.batches).toEqual([1]);
      expect(exporter.stats().sent).toBe(1);
    });

    it('counts an export that never answers as failed after its timeout', async () => {
      vi.useFakeTimers();
      const { destination, exporter, hand } = setup({ timeoutMs: 20 });
      destination.answer = 'never';
      hand(3);
      let flushed = false;
      const flushing = exporter.forceFlush().then(() => {
        flushed = true;
      });
      await vi.advanceTimersByTimeAsync(19);
      expect(flushed).toBe(false);
      expect(exporter.stats()).toMatchObject({ dropped: 0, failedExports: 0, pending: 3 });

      await vi.advanceTimersByTimeAsync(1);
      await flushing;
      expect(exporter.stats()).toMatchObject({
        dropped: 3,
        failedExports: 1,
        pending: 0,
        firstError: 'no answer within 20 ms',
      });
    });
  });

  it('warns once on failure, then drops spans without trying until the cooldown has passed', async () => {
    const { destination, exporter, warnings, hand, advance } = setup({ cooldownMs: 10_000 });
    destination.answer = 'fail';
    hand(3);
    await exporter.forceFlush();
    hand(3);
    await exporter.forceFlush();
    expect(destination.batches).toEqual([3]);

    advance(10_000);
    hand(3);
    await exporter.forceFlush();
    expect(destination.batches).toEqual([3, 3]);
    expect(exporter.stats()).toEqual({
      sent: 0,
      dropped: 9,
      failedExports: 2,
      pending: 0,
      firstError: 'HTTP 503 Service Unavailable',
    });
    expect(warnings).toEqual([
      'Could not export traces to Langfuse at http://langfuse (HTTP 503 Service Unavailable). The run continues; traces stay in trace.jsonl. Sending pauses for 10 s after each failure; further failures are counted, not logged.',
    ]);
  });

  it('resumes sending after a cooldown once the destination recovers', async () => {
    const { destination, exporter, hand, advance } = setup({ cooldownMs: 1_000 });
    destination.answer = 'fail';
    hand(3);
    await exporter.forceFlush();
    advance(1_000);
    destination.answer = 'ok';
    hand(3);
    await exporter.forceFlush();

    expect(exporter.stats()).toMatchObject({ sent: 3, dropped: 3, failedExports: 1 });
  });

  it('survives an exporter that throws', async () => {
    const { destination, exporter, hand, warnings } = setup();
    destination.answer = 'throw';
    hand(3);
    await exporter.forceFlush();

    expect(exporter.stats()).toMatchObject({ dropped: 3, failedExports: 1, firstError: 'exporter bug' });
    expect(warnings).toHaveLength(1);
  });

  it('holds at most maxQueueSize spans, dropping and counting the rest', async () => {
    const { destination, exporter, hand, warnings } = setup({ maxQueueSize: 4, maxConcurrentExports: 1 });
    destination.answer = 'never';
    hand(3); // in flight
    hand(2);
    hand(3); // two fit, one is dropped
    hand(1); // dropped

    expect(exporter.stats()).toMatchObject({ dropped: 2, pending: 7 });
    expect(warnings).toEqual([
      'More than 4 spans were waiting for Langfuse at http://langfuse; newer spans are dropped until it catches up.',
    ]);
  });

  it('drops spans handed over after shutdown', async () => {
    const { exporter, hand, results } = setup();
    await exporter.shutdown();
    hand(2);

    expect(results).toEqual([ExportResultCode.SUCCESS]);
    expect(exporter.stats()).toMatchObject({ sent: 0, dropped: 2 });
  });
});
