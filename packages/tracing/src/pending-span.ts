import type { Attributes, HrTime, SpanContext } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { z } from 'zod';

const attributeValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])),
]);
const attributesSchema = z.record(z.string(), attributeValueSchema);
const hrTimeSchema = z.tuple([z.number(), z.number()]);

/**
 * A finished span as the Langfuse exporter was about to send it, kept whole (nanosecond times,
 * resource, scope, links) so that `pushLangfusePending` can send exactly that span later. Langfuse
 * upserts observations by span id, so sending one twice does not duplicate it.
 */
export const pendingSpanSchema = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().optional(),
  traceFlags: z.number().int(),
  name: z.string(),
  kind: z.number().int(),
  startTime: hrTimeSchema,
  endTime: hrTimeSchema,
  status: z.object({ code: z.number().int(), message: z.string().optional() }),
  attributes: attributesSchema,
  events: z.array(
    z.object({ name: z.string(), time: hrTimeSchema, attributes: attributesSchema.optional() }),
  ),
  links: z.array(
    z.object({
      traceId: z.string(),
      spanId: z.string(),
      traceFlags: z.number().int(),
      attributes: attributesSchema.optional(),
    }),
  ),
  resource: attributesSchema,
  scope: z.object({ name: z.string(), version: z.string().optional(), schemaUrl: z.string().optional() }),
  droppedAttributesCount: z.number().int(),
  droppedEventsCount: z.number().int(),
  droppedLinksCount: z.number().int(),
});

/** A span kept for a later push. */
export type PendingSpan = z.infer<typeof pendingSpanSchema>;

type PendingAttributes = PendingSpan['attributes'];

/** The span, in the form the pending file keeps it. */
export function toPendingSpan(span: ReadableSpan): PendingSpan {
  const context = span.spanContext();
  const record: PendingSpan = {
    traceId: context.traceId,
    spanId: context.spanId,
    traceFlags: context.traceFlags,
    name: span.name,
    kind: span.kind,
    startTime: [span.startTime[0], span.startTime[1]],
    endTime: [span.endTime[0], span.endTime[1]],
    status: { code: span.status.code },
    attributes: span.attributes as PendingAttributes,
    events: span.events.map((event) => ({
      name: event.name,
      time: [event.time[0], event.time[1]],
      ...(event.attributes ? { attributes: event.attributes as PendingAttributes } : {}),
    })),
    links: span.links.map((link) => ({
      traceId: link.context.traceId,
      spanId: link.context.spanId,
      traceFlags: link.context.traceFlags,
      ...(link.attributes ? { attributes: link.attributes as PendingAttributes } : {}),
    })),
    resource: span.resource.attributes as PendingAttributes,
    scope: { name: span.instrumentationScope.name },
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
  const parent = span.parentSpanContext?.spanId;
  if (parent) record.parentSpanId = parent;
  if (span.status.message) record.status.message = span.status.message;
  if (span.instrumentationScope.version) record.scope.version = span.instrumentationScope.version;
  if (span.instrumentationScope.schemaUrl) record.scope.schemaUrl = span.instrumentationScope.schemaUrl;
  return record;
}

/** A finished span again, for an OTLP exporter. */
export function fromPendingSpan(record: PendingSpan): ReadableSpan {
  const context: SpanContext = {
    traceId: record.traceId,
    spanId: record.spanId,
    traceFlags: record.traceFlags,
  };
  const durationNs =
    (record.endTime[0] - record.startTime[0]) * 1e9 + (record.endTime[1] - record.startTime[1]);
  const duration: HrTime = [Math.trunc(durationNs / 1e9), durationNs % 1e9];
  const scope: ReadableSpan['instrumentationScope'] = {
    name: record.scope.name,
    ...(record.scope.version !== undefined ? { version: record.scope.version } : {}),
    ...(record.scope.schemaUrl !== undefined ? { schemaUrl: record.scope.schemaUrl } : {}),
  };
  return {
    name: record.name,
    kind: record.kind,
    spanContext: () => context,
    ...(record.parentSpanId
      ? {
          parentSpanContext: {
            traceId: record.traceId,
            spanId: record.parentSpanId,
            traceFlags: record.traceFlags,
          },
        }
      : {}),
    startTime: record.startTime,
    endTime: record.endTime,
    status: record.status.message === undefined ? { code: record.status.code } : record.status,
    attributes: record.attributes as Attributes,
    links: record.links.map((link) => ({
      context: { traceId: link.traceId, spanId: link.spanId, traceFlags: link.traceFlags },
      ...(link.attributes ? { attributes: link.attributes as Attributes } : {}),
    })),
    events: record.events.map((event) => ({
      name: event.name,
      time: event.time,
      ...(event.attributes ? { attributes: event.attributes as Attributes } : {}),
    })),
    duration,
    ended: true,
    resource: resourceFromAttributes(record.resource as Attributes),
    instrumentationScope: scope,
    droppedAttributesCount: record.droppedAttributesCount,
    droppedEventsCount: record.droppedEventsCount,
    droppedLinksCount: record.droppedLinksCount,
  };
}
