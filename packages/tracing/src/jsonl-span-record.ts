import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { type HrTime, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { z } from 'zod';
import { TracingError } from './tracing-error.js';

const attributeValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])),
]);

/** One line of a Baton trace file: a finished span, self-contained. */
export const jsonlSpanRecordSchema = z.object({
  name: z.string(),
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().nullable(),
  kind: z.enum(['internal', 'server', 'client', 'producer', 'consumer']),
  /** ISO 8601, millisecond precision; `durationMs` keeps the sub-millisecond part. */
  start: z.iso.datetime(),
  end: z.iso.datetime(),
  durationMs: z.number(),
  status: z.object({ code: z.enum(['unset', 'ok', 'error']), message: z.string().optional() }),
  attributes: z.record(z.string(), attributeValueSchema),
  events: z.array(
    z.object({
      name: z.string(),
      time: z.iso.datetime(),
      attributes: z.record(z.string(), attributeValueSchema),
    }),
  ),
  /** The instrumentation scope (`@baton/tracing` for Baton's spans). */
  scope: z.string(),
});

/** One line of a Baton trace file. */
export type JsonlSpanRecord = z.infer<typeof jsonlSpanRecordSchema>;

const kinds: Record<SpanKind, JsonlSpanRecord['kind']> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};

const statuses: Record<SpanStatusCode, JsonlSpanRecord['status']['code']> = {
  [SpanStatusCode.UNSET]: 'unset',
  [SpanStatusCode.OK]: 'ok',
  [SpanStatusCode.ERROR]: 'error',
};

function toMilliseconds(time: HrTime): number {
  return time[0] * 1000 + time[1] / 1e6;
}

/** The last minute {@link toIso} formatted, as `YYYY-MM-DDTHH:MM:`: spans come in time order. */
let cachedMinute = Number.NaN;
let cachedMinutePrefix = '';
/** Years 0 to 9999, where `toISOString` has its plain form. */
const latestPlainIso = 253_402_300_800_000;

/** `new Date(ms).toISOString()`, without a `Date` per call: the exporter formats two or three per span. */
function toIso(time: HrTime): string {
  const ms = Math.floor(toMilliseconds(time));
  if (!(ms >= 0 && ms < latestPlainIso)) return new Date(ms).toISOString();
  const minute = Math.floor(ms / 60_000);
  if (minute !== cachedMinute) {
    cachedMinute = minute;
    cachedMinutePrefix = new Date(minute * 60_000).toISOString().slice(0, 17);
  }
  const withinMinute = ms - minute * 60_000;
  const seconds = Math.floor(withinMinute / 1000);
  const millis = withinMinute - seconds * 1000;
  return `${cachedMinutePrefix}${seconds < 10 ? '0' : ''}${seconds}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

/** Turns a finished span into its trace-file record. */
export function toJsonlSpanRecord(span: ReadableSpan): JsonlSpanRecord {
  const status: JsonlSpanRecord['status'] = { code: statuses[span.status.code] };
  if (span.status.message) status.message = span.status.message;
  return {
    name: span.name,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    kind: kinds[span.kind],
    start: toIso(span.startTime),
    end: toIso(span.endTime),
    durationMs: toMilliseconds(span.duration),
    status,
    attributes: span.attributes as JsonlSpanRecord['attributes'],
    events: span.events.map((event) => ({
      name: event.name,
      time: toIso(event.time),
      attributes: (event.attributes ?? {}) as JsonlSpanRecord['attributes'],
    })),
    scope: span.instrumentationScope.name,
  };
}

/**
 * Reads a Baton trace file (JSON Lines, one span a line) as a stream of validated records, so a
 * large file never sits in memory whole.
 *
 * @param path - the file `JsonlSpanExporter` wrote
 * @throws TracingError `invalid-trace-file` naming the first line that is not a span record
 * @example
 * ```ts
 * for await (const span of readJsonlSpans('.baton/traces/run.jsonl')) if (span.status.code === 'error') …
 * ```
 */
export async function* readJsonlSpans(path: string): AsyncGenerator<JsonlSpanRecord> {
  const lines = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new TracingError('invalid-trace-file', `${path}:${lineNumber} is not JSON.`, { cause: error });
    }
    const result = jsonlSpanRecordSchema.safeParse(parsed);
    if (!result.success) {
      throw new TracingError(
        'invalid-trace-file',
        `${path}:${lineNumber} is not a span record: ${z.prettifyError(result.error)}`,
        {
          cause: result.error,
        },
      );
    }
    yield result.data;
  }
}
