/** A linear axis fitted to the data: its ends and its ticks, which include both ends. */
export interface ChartAxis {
  min: number;
  max: number;
  ticks: number[];
}

/**
 * An axis fitted to the values a chart draws, so that 0.186 and 0.221 do not look alike on a 0–1
 * scale: the ends are the nearest "nice" ticks (steps of 1, 2, 2.5 or 5 × 10^k) around the data,
 * about `count` ticks in all, kept inside `bounds` when given (a rate never goes below 0 or above 1).
 * A single value gets an axis around it.
 *
 * @param values - Every value the chart draws: means, interval ends, reference lines.
 * @param options - About how many ticks, the bounds the data lives in, and values that must show.
 * @returns The axis; with no finite value, 0–1.
 *
 * @example
 * ```ts
 * fitAxis([0.186, 0.221, 0.2, 0.24]); // { min: 0.18, max: 0.24, ticks: [0.18, 0.2, 0.22, 0.24] }
 * ```
 */
export function fitAxis(
  values: readonly number[],
  options: { count?: number; bounds?: readonly [number, number]; include?: readonly number[] } = {},
): ChartAxis {
  const finite = [...values, ...(options.include ?? [])].filter((value) => Number.isFinite(value));
  if (finite.length === 0) return { min: 0, max: 1, ticks: [0, 0.25, 0.5, 0.75, 1] };
  let low = Math.min(...finite);
  let high = Math.max(...finite);
  if (high - low < 1e-9) {
    const pad = Math.abs(low) > 1e-9 ? Math.abs(low) * 0.1 : 0.05;
    low -= pad;
    high += pad;
  }
  const [lowest, highest] = options.bounds ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  const step = niceStep((high - low) / Math.max(1, (options.count ?? 5) - 1));
  let min = Math.floor(low / step + 1e-9) * step;
  let max = Math.ceil(high / step - 1e-9) * step;
  min = Math.max(min, lowest);
  max = Math.min(max, highest);
  const ticks: number[] = [];
  for (let tick = Math.ceil(min / step - 1e-9) * step; tick <= max + step * 1e-6; tick += step) {
    ticks.push(tidy(tick));
  }
  if (ticks[0] !== tidy(min)) ticks.unshift(tidy(min));
  if (ticks[ticks.length - 1] !== tidy(max)) ticks.push(tidy(max));
  return { min: tidy(min), max: tidy(max), ticks };
}

/** A tick's label: no more decimals than it needs (`0.25`, `0.1`, `-0.05`, `0`). */
export function formatTick(value: number): string {
  const text = String(tidy(value));
  return text === '-0' ? '0' : text;
}

function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 2.5, 5, 10]) {
    if (factor * magnitude >= raw - 1e-12) return factor * magnitude;
  }
  return 10 * magnitude;
}

/** Rounds away floating noise (0.30000000000000004 → 0.3). */
function tidy(value: number): number {
  const rounded = Math.round(value * 1e9) / 1e9;
  return Object.is(rounded, -0) ? 0 : rounded;
}
