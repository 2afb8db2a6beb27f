import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { type SpanSource, spansOf } from './span-tree.js';

/** A span name, or a test on the span. */
export type SpanMatcher = string | ((span: ReadableSpan) => boolean);

/** Every finished span that matches. */
export function findSpans(source: SpanSource, matcher: SpanMatcher): ReadableSpan[] {
  const test = typeof matcher === 'string' ? (span: ReadableSpan) => span.name === matcher : matcher;
  return spansOf(source).filter(test);
}

/**
 * The one finished span that matches; throws (failing the test with the names on offer) when none
 * or several do.
 *
 * @example
 * ```ts
 * expect(findSpan(exporter, 'chat gpt-4.1-mini').attributes['gen_ai.usage.input_tokens']).toBe(12);
 * ```
 */
export function findSpan(source: SpanSource, matcher: SpanMatcher): ReadableSpan {
  const found = findSpans(source, matcher);
  if (found.length === 1) return found[0]!;
  const names = spansOf(source).map((span) => span.name);
  const what = typeof matcher === 'string' ? `"${matcher}"` : 'the predicate';
  throw new Error(`Expected one span matching ${what}, found ${found.length}. Spans: ${names.join(' | ')}`);
}
