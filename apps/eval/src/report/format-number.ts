import type { MetricEstimate } from '../run-summary.js';

// Number formats shared by the Markdown, HTML and terminal reports, so the three never disagree.

/** Shown where a metric has no data (an empty denominator). */
export const noData = 'n/a';

/**
 * A 0–1 metric with three decimals, `n/a` for null.
 *
 * @example
 * ```ts
 * formatRate(0.4751); // '0.475'
 * ```
 */
export function formatRate(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined) return noData;
  const text = value.toFixed(digits);
  // Rounding a tiny negative to zero would print "-0.000".
  return Number(text) === 0 ? (0).toFixed(digits) : text;
}

/** A difference with its sign: `+0.031`, `-0.012`, `0.000`. */
export function formatSigned(value: number | null | undefined, digits = 3): string {
  const text = formatRate(value, digits);
  return text === noData || text.startsWith('-') || Number(text) === 0 ? text : `+${text}`;
}

/** An interval as `[low, high]`, signed when it is an interval of differences. */
export function formatInterval(
  ci95: readonly [number, number] | null | undefined,
  options: { signed?: boolean } = {},
): string {
  if (ci95 === null || ci95 === undefined) return noData;
  const format = options.signed ? formatSigned : formatRate;
  return `[${format(ci95[0])}, ${format(ci95[1])}]`;
}

/** A mean with its interval: `0.712 [0.650, 0.770]`, or `n/a`. */
export function formatEstimate(estimate: MetricEstimate): string {
  if (estimate.mean === null) return noData;
  return estimate.ci95 === null
    ? formatRate(estimate.mean)
    : `${formatRate(estimate.mean)} ${formatInterval(estimate.ci95)}`;
}

/** A p-value: three decimals, `<0.001` below that, `n/a` when there is none. */
export function formatP(p: number | null): string {
  if (p === null) return noData;
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

/** Milliseconds, rounded: `120 ms`. */
export function formatMs(value: number | null): string {
  return value === null ? noData : `${Math.round(value)} ms`;
}

/** A p50 / p95 pair of milliseconds: `120 / 340 ms`. */
export function formatLatency(latency: { p50: number | null; p95: number | null }): string {
  if (latency.p50 === null || latency.p95 === null) return noData;
  return `${Math.round(latency.p50)} / ${Math.round(latency.p95)} ms`;
}

/** US dollars: cents for a dollar and more, three significant digits below. */
export function formatUsd(value: number | null): string {
  if (value === null) return noData;
  if (value === 0) return '$0';
  return value >= 1 ? `$${value.toFixed(2)}` : `$${Number(value.toPrecision(3))}`;
}

/** A count with thousands separators: `12,345`. */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}
