import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { BatonAttributes as B, type BatonUnit } from './baton-attributes.js';

/** Counts over the spans of a run, as the console summary shows them. */
export interface TracingSummary {
  spans: number;
  /** Spans per Baton unit (`turn`, `delegation`, …); spans from other instrumentation are `other`. */
  byUnit: Record<string, number>;
  /** Per strategy: turns and their outcomes. */
  strategies: Record<string, { turns: number; outcomes: Record<string, number> }>;
  /** Failure-ladder steps per rung. */
  fallbacks: Record<string, number>;
  /** Spans that ended in error, by error code. */
  errors: { spans: number; byCode: Record<string, number> };
}

const unitOrder: readonly BatonUnit[] = [
  'turn',
  'delegation',
  'attempt',
  'agent-run',
  'model-call',
  'verification',
  'fallback',
  'guardrail',
  'handoff',
];

const unitNames: Record<string, [string, string]> = {
  turn: ['turn', 'turns'],
  delegation: ['delegation', 'delegations'],
  attempt: ['attempt', 'attempts'],
  'agent-run': ['agent run', 'agent runs'],
  'model-call': ['model call', 'model calls'],
  verification: ['verification', 'verifications'],
  fallback: ['fallback', 'fallbacks'],
  guardrail: ['guardrail', 'guardrails'],
  handoff: ['handoff', 'handoffs'],
  other: ['other span', 'other spans'],
};

/**
 * A span processor that only counts: spans per kind, turns and outcomes per strategy, fallback
 * rungs and errors. Cheap enough to leave on; `setupTracing` prints {@link format} on stderr at
 * shutdown so a CLI run ends with a short account of what was traced.
 */
export class ConsoleSummaryProcessor implements SpanProcessor {
  private readonly counts: TracingSummary = {
    spans: 0,
    byUnit: {},
    strategies: {},
    fallbacks: {},
    errors: { spans: 0, byCode: {} },
  };

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    const counts = this.counts;
    counts.spans += 1;
    const declared = span.attributes[B.UNIT];
    const unit = typeof declared === 'string' ? declared : 'other';
    counts.byUnit[unit] = (counts.byUnit[unit] ?? 0) + 1;
    if (unit === 'turn') {
      const strategy = String(span.attributes[B.STRATEGY] ?? 'unknown');
      const outcome = String(span.attributes[B.TURN_OUTCOME] ?? 'unfinished');
      counts.strategies[strategy] ??= { turns: 0, outcomes: {} };
      const entry = counts.strategies[strategy];
      entry.turns += 1;
      entry.outcomes[outcome] = (entry.outcomes[outcome] ?? 0) + 1;
    } else if (unit === 'fallback') {
      const rung = String(span.attributes[B.FALLBACK_RUNG] ?? 'unknown');
      counts.fallbacks[rung] = (counts.fallbacks[rung] ?? 0) + 1;
    }
    if (span.status.code === SpanStatusCode.ERROR) {
      counts.errors.spans += 1;
      const code = String(
        span.attributes[B.ERROR_CODE] ?? (span.attributes[B.UNFINISHED] ? 'unfinished' : 'error'),
      );
      counts.errors.byCode[code] = (counts.errors.byCode[code] ?? 0) + 1;
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  /** A copy of the counts so far. */
  summary(): TracingSummary {
    return structuredClone(this.counts);
  }

  /**
   * A few lines for humans: what was traced, per strategy, the fallback rungs, the errors, and
   * any `notes` (where the traces went).
   */
  format(notes: readonly string[] = []): string {
    const { spans, byUnit, strategies, fallbacks, errors } = this.counts;
    const units = [...unitOrder, 'other']
      .filter((unit) => byUnit[unit])
      .map((unit) => plural(byUnit[unit]!, unitNames[unit]!))
      .join(', ');
    const lines = [`Tracing: ${plural(spans, ['span', 'spans'])}${units ? ` (${units})` : ''}`];
    const strategyParts = Object.entries(strategies).map(
      ([strategy, entry]) =>
        `${strategy} ${plural(entry.turns, ['turn', 'turns'])} (${listCounts(entry.outcomes)})`,
    );
    if (strategyParts.length > 0) lines.push(`  strategies: ${strategyParts.join('; ')}`);
    if (Object.keys(fallbacks).length > 0) lines.push(`  fallback rungs: ${listCounts(fallbacks)}`);
    if (errors.spans > 0)
      lines.push(`  errors: ${plural(errors.spans, ['span', 'spans'])} (${listCounts(errors.byCode)})`);
    for (const note of notes) lines.push(`  ${note}`);
    return `${lines.join('\n')}\n`;
  }
}

function plural(count: number, [one, many]: [string, string]): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

function listCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([key, count]) => `${key} ${count.toLocaleString('en-US')}`)
    .join(', ');
}
