import { fitAxis, formatTick } from './chart-axis.js';
import { escapeMarkup } from './escape-markup.js';
import { formatCount, formatInterval, formatRate } from './format-number.js';

/** One row of a {@link renderDotWhiskerChart}: a strategy's mean and interval. */
export interface DotWhiskerRow {
  label: string;
  mean: number | null;
  ci95: readonly [number, number] | null;
  /** Items in the denominator, shown beside the value. */
  n: number;
  /** Drawn in the muted colour (the baseline, the floor probes). */
  muted?: boolean;
  /** A word after the label: `baseline`, `floor`, `bot`. */
  note?: string;
  /** The number does not clear the floor: a hollow red dot and "at floor". */
  atFloor?: boolean;
}

/** Input of {@link renderDotWhiskerChart}. */
export interface DotWhiskerChart {
  title: string;
  /** The metric's key, on the `<svg>` as `data-metric`. */
  metric?: string;
  rows: readonly DotWhiskerRow[];
  /** Where the values can lie (`[0, 1]` for a rate): the fitted axis never leaves it. */
  bounds?: readonly [number, number];
  /**
   * The floor the content-free probes set: the side of it no strategy should be on is shaded.
   * `higherIsBetter` says which side that is (below the floor for quality).
   */
  floor?: { value: number; higherIsBetter: boolean };
}

const width = 780;
const labelWidth = 170;
const valueWidth = 280;
const plotLeft = labelWidth + 10;
const plotWidth = width - plotLeft - valueWidth;
const rowHeight = 26;
const top = 30;
const axisHeight = 24;

/**
 * An inline SVG dot-and-whisker plot: one row per strategy, a dot at the mean and a whisker over
 * the 95% interval, with the mean, interval and n written beside it. The axis is fitted to the
 * data (see {@link fitAxis}), so close means look close and distant ones distant; the side of the
 * floor no strategy should be on is shaded. Rows without data say so. All text is escaped.
 *
 * @param chart - Title, rows, bounds and floor.
 * @returns An `<svg>` element as text, with no external references.
 */
export function renderDotWhiskerChart(chart: DotWhiskerChart): string {
  const axis = fitAxis(
    chart.rows.flatMap((row) => [...(row.mean === null ? [] : [row.mean]), ...(row.ci95 ?? [])]),
    {
      ...(chart.bounds ? { bounds: chart.bounds } : {}),
      ...(chart.floor ? { include: [chart.floor.value] } : {}),
    },
  );
  const span = axis.max - axis.min || 1;
  const x = (value: number) =>
    round(plotLeft + ((Math.min(Math.max(value, axis.min), axis.max) - axis.min) / span) * plotWidth);
  const height = top + chart.rows.length * rowHeight + axisHeight;
  const plotBottom = top + chart.rows.length * rowHeight;
  const metric = chart.metric === undefined ? '' : ` data-metric="${escapeMarkup(chart.metric)}"`;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart means"${metric} viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeMarkup(chart.title)}" font-family="system-ui, sans-serif" font-size="12" fill="#1f2328">`,
    `<text x="0" y="16" font-weight="600" font-size="13">${escapeMarkup(chart.title)}</text>`,
  ];
  if (chart.floor) {
    const edge = x(chart.floor.value);
    const [from, to] = chart.floor.higherIsBetter ? [plotLeft, edge] : [edge, plotLeft + plotWidth];
    if (to > from) {
      parts.push(
        `<rect class="floor-band" x="${from}" y="${top}" width="${round(to - from)}" height="${plotBottom - top}" fill="#cf222e" fill-opacity="0.07"><title>${escapeMarkup(`floor: the probes reach ${formatRate(chart.floor.value)}`)}</title></rect>`,
        `<line x1="${edge}" y1="${top - 4}" x2="${edge}" y2="${plotBottom}" stroke="#cf222e" stroke-dasharray="3 3"/>`,
        `<text x="${edge}" y="${top - 6}" text-anchor="middle" fill="#cf222e" font-size="10">floor</text>`,
      );
    }
  }
  for (const tick of axis.ticks) {
    parts.push(
      `<line x1="${x(tick)}" y1="${top}" x2="${x(tick)}" y2="${plotBottom}" stroke="#d8dee4"/>`,
      `<text class="tick" x="${x(tick)}" y="${plotBottom + 15}" text-anchor="middle" fill="#57606a" font-size="11">${formatTick(tick)}</text>`,
    );
  }
  chart.rows.forEach((row, index) => {
    const y = top + index * rowHeight + rowHeight / 2;
    const colour = row.atFloor ? '#cf222e' : row.muted ? '#8c959f' : '#0969da';
    const label = `${truncate(row.label, 22)}${row.note === undefined ? '' : ` (${row.note})`}`;
    parts.push(
      `<g class="row" data-strategy="${escapeMarkup(row.label)}">`,
      `<text x="${labelWidth}" y="${y + 4}" text-anchor="end"${row.muted ? ' fill="#57606a"' : ''}>${escapeMarkup(label)}<title>${escapeMarkup(row.label)}</title></text>`,
    );
    if (row.mean === null) {
      parts.push(
        `<text x="${plotLeft}" y="${y + 4}" fill="#57606a">no data (n ${formatCount(row.n)})</text>`,
        '</g>',
      );
      return;
    }
    const tooltip = `${row.label}: ${formatRate(row.mean)} ${formatInterval(row.ci95)}, n = ${row.n}`;
    if (row.ci95 !== null) {
      const [low, high] = row.ci95;
      parts.push(
        `<line x1="${x(low)}" y1="${y}" x2="${x(high)}" y2="${y}" stroke="${colour}" stroke-width="2"/>`,
        `<line x1="${x(low)}" y1="${y - 5}" x2="${x(low)}" y2="${y + 5}" stroke="${colour}" stroke-width="2"/>`,
        `<line x1="${x(high)}" y1="${y - 5}" x2="${x(high)}" y2="${y + 5}" stroke="${colour}" stroke-width="2"/>`,
      );
    }
    const dot = row.atFloor ? `fill="#ffffff" stroke="${colour}" stroke-width="2"` : `fill="${colour}"`;
    const value = `${formatRate(row.mean)} ${row.ci95 === null ? '' : formatInterval(row.ci95)}`.trim();
    parts.push(
      `<circle cx="${x(row.mean)}" cy="${y}" r="5" ${dot}><title>${escapeMarkup(tooltip)}</title></circle>`,
      `<text class="value" x="${plotLeft + plotWidth + 12}" y="${y + 4}">${escapeMarkup(value)} <tspan fill="#57606a" font-size="11">n ${formatCount(row.n)}</tspan>${row.atFloor ? ' <tspan fill="#cf222e" font-size="11" font-weight="600">at floor</tspan>' : ''}</text>`,
      '</g>',
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

/** Two decimals are plenty for a pixel coordinate and keep the file small. */
function round(value: number): number {
  return Math.round(value * 100) / 100;
}
