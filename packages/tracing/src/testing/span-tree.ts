import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** Anything that holds finished spans: an `InMemorySpanExporter`, or the spans themselves. */
export type SpanSource = readonly ReadableSpan[] | { getFinishedSpans(): ReadableSpan[] };

/** Options of {@link spanTree}. */
export interface SpanTreeOptions {
  /** Attribute keys to print after each name, when the span has them. */
  attributes?: readonly string[];
}

/** The spans of a source, as an array. */
export function spansOf(source: SpanSource): readonly ReadableSpan[] {
  return 'getFinishedSpans' in source ? source.getFinishedSpans() : source;
}

/**
 * Renders finished spans as an indented tree of names (children under their parent, in start
 * order), one span a line, with chosen attributes and error statuses — small enough for an inline
 * snapshot.
 *
 * @example
 * ```ts
 * expect(spanTree(exporter, { attributes: ['baton.attempt.rung'] })).toMatchInlineSnapshot(`
 *   "turn lexical
 *     delegate billing"
 * `);
 * ```
 */
export function spanTree(source: SpanSource, options: SpanTreeOptions = {}): string {
  const spans = spansOf(source);
  const order = new Map<ReadableSpan, number>();
  const ids = new Set<string>();
  spans.forEach((span, index) => {
    order.set(span, index);
    ids.add(span.spanContext().spanId);
  });
  const children = new Map<string | undefined, ReadableSpan[]>();
  for (const span of spans) {
    const parentId = span.parentSpanContext?.spanId;
    const key = parentId !== undefined && ids.has(parentId) ? parentId : undefined;
    const siblings = children.get(key) ?? [];
    siblings.push(span);
    children.set(key, siblings);
  }
  const byStart = (a: ReadableSpan, b: ReadableSpan) =>
    a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1] || order.get(a)! - order.get(b)!;

  const lines: string[] = [];
  const visit = (span: ReadableSpan, depth: number) => {
    lines.push(`${'  '.repeat(depth)}${describe(span, options)}`);
    for (const child of (children.get(span.spanContext().spanId) ?? []).sort(byStart))
      visit(child, depth + 1);
  };
  for (const root of (children.get(undefined) ?? []).sort(byStart)) visit(root, 0);
  return lines.join('\n');
}

function describe(span: ReadableSpan, options: SpanTreeOptions): string {
  let line = span.name;
  const shown = (options.attributes ?? [])
    .filter((key) => span.attributes[key] !== undefined)
    .map((key) => `${key}=${formatValue(span.attributes[key])}`);
  if (shown.length > 0) line += ` {${shown.join(', ')}}`;
  if (span.status.code === SpanStatusCode.ERROR)
    line += ` [ERROR${span.status.message ? ` ${span.status.message}` : ''}]`;
  return line;
}

function formatValue(value: unknown): string {
  return Array.isArray(value) ? `[${value.join(',')}]` : String(value);
}
