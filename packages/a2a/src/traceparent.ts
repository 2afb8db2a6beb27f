import type { RunScope } from '@baton/core';

type OpenTelemetryApi = typeof import('@opentelemetry/api');

/** What a {@link TraceparentSource} is asked for: the trace context of one remote call. */
export interface TraceparentRequest {
  /** The scope of the agent run making the call; `scope.parentEventId` is its `agent-run` event id. */
  scope: RunScope;
  /** The remote agent's id. */
  agentId: string;
}

/**
 * Gives the W3C `traceparent` header value for a remote call, or `undefined` for none. The default,
 * {@link activeTraceparent}, reads the active OpenTelemetry span; pass your own to join another
 * tracing system, or to parent the remote on a span you look up by `scope.parentEventId`.
 */
export type TraceparentSource = (
  request: TraceparentRequest,
) => string | undefined | Promise<string | undefined>;

/** A parsed `traceparent` header (W3C Trace Context, version 00). */
export interface TraceContext {
  traceId: string;
  spanId: string;
  /** Trace flags; bit 0 is "sampled". */
  traceFlags: number;
}

const traceparentPattern = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;

/**
 * Parses a `traceparent` header. Returns `undefined` for anything malformed, an all-zero id, or
 * version `ff`, as the W3C specification asks.
 */
export function parseTraceparent(header: string | undefined): TraceContext | undefined {
  const match = header === undefined ? null : traceparentPattern.exec(header.trim().toLowerCase());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags] = match as unknown as [string, string, string, string, string];
  if (version === 'ff' || (version === '00' && match[0].length !== 55)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) };
}

/** Formats a trace context as a version-00 `traceparent` header. */
export function formatTraceparent(context: TraceContext): string {
  return `00-${context.traceId}-${context.spanId}-${(context.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

let openTelemetry: Promise<OpenTelemetryApi | undefined> | undefined;

// `@opentelemetry/api` is an optional peer dependency: loaded on first use, and absent is fine.
function loadOpenTelemetry(): Promise<OpenTelemetryApi | undefined> {
  openTelemetry ??= import('@opentelemetry/api').then(
    (api) => api,
    () => undefined,
  );
  return openTelemetry;
}

/**
 * The default {@link TraceparentSource}: the span active in the OpenTelemetry context when the
 * remote call starts, if `@opentelemetry/api` is installed and a span is active. `@baton/tracing`
 * builds its spans from the core's events and does not make them active, so this is the span of
 * whoever called `team.respond` (wrap the call in `tracer.startActiveSpan` to get one trace on
 * both sides).
 */
export const activeTraceparent: TraceparentSource = async () => {
  const api = await loadOpenTelemetry();
  if (!api) return undefined;
  const spanContext = api.trace.getSpanContext(api.context.active());
  if (!spanContext || !api.isSpanContextValid(spanContext)) return undefined;
  return formatTraceparent(spanContext);
};

/**
 * Runs `work` with the caller's trace context active, so that spans opened inside it (a served
 * Baton team's turn, with `@baton/tracing`) join the caller's trace. Without a valid `traceparent`,
 * without `@opentelemetry/api`, or without a context manager registered by the application, `work`
 * simply runs.
 */
export async function withRemoteTraceContext<T>(
  traceparent: string | undefined,
  work: () => Promise<T>,
): Promise<T> {
  const parsed = parseTraceparent(traceparent);
  if (!parsed) return work();
  const api = await loadOpenTelemetry();
  if (!api) return work();
  const remote = api.trace.setSpanContext(api.context.active(), { ...parsed, isRemote: true });
  return api.context.with(remote, work);
}
