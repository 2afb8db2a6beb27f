import { escapeMarkup } from './escape-markup.js';
import { formatInterval, formatRate } from './format-number.js';

/** One row of a {@link renderDotWhiskerChart}: a strategy's mean and interval. */
export interface DotWhiskerRow {
  label: string;
  mean: number | null;
  ci95: readonly [number, number] | null;
  /** Items in the denominator, shown in the tooltip. */
  n: number;
  /** Drawn in the muted colour (the baseline). */
  muted?: boolean;
}

/** Input of {@link renderDotWhiskerChart}. */
export interface DotWhiskerChart {
  title: string;
  rows: readonly DotWhiskerRow[];
}

const width = 640;
const labelWidth = 170;
const valueWidth = 150;
const plotLeft = labelWidth + 10;
const plotWidth = width - plotLeft - valueWidth;
const rowHeight = 26;
const top = 28;
const axisHeight = 22;

/**
 * An inline SVG dot-and-whisker plot of a 0–1 metric: one row per strategy, a dot at the mean and
 * a whisker over the 95% interval, on a fixed 0–1 axis so charts of different metrics read alike.
 * Rows without data say so. All text is escaped.
 *
 * @param chart - Title and rows.
 * @returns An `<svg>` element as text, with no external references.
 */
export function renderDotWhiskerChart(chart: DotWhiskerChart): string {
  const height = top + chart.rows.length * rowHeight + axisHeight;
  const x = (value: number) => round(plotLeft + Math.min(Math.max(value, 0), 1) * plotWidth);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeMarkup(chart.title)}" font-family="system-ui, sans-serif" font-size="12" fill="#1f2328">`,
    `<text x="0" y="16" font-weight="600" font-size="13">${escapeMarkup(chart.title)}</text>`,
  ];
  const plotBottom = top + chart.rows.length * rowHeight;
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(
      `<line x1="${x(tick)}" y1="${top}" x2="${x(tick)}" y2="${plotBottom}" stroke="#eaeef2"/>`,
      `<text x="${x(tick)}" y="${plotBottom + 15}" text-anchor="middle" fill="#57606a" font-size="11">${tick}</text>`,
    );
  }
  chart.rows.forEach((row, index) => {
    const y = top + index * rowHeight + rowHeight / 2;
    const colour = row.muted ? '#8c959f' : '#0969da';
    parts.push(
      `<text x="${labelWidth}" y="${y + 4}" text-anchor="end">${escapeMarkup(truncate(row.label, 26))}<title>${escapeMarkup(row.label)}</title></text>`,
    );
    if (row.mean === null) {
      parts.push(`<text x="${plotLeft}" y="${y + 4}">no data</text>`);
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
    parts.push(
      `<circle cx="${x(row.mean)}" cy="${y}" r="5" fill="${colour}"><title>${escapeMarkup(tooltip)}</title></circle>`,
      `<text x="${plotLeft + plotWidth + 12}" y="${y + 4}">${escapeMarkup(`${formatRate(row.mean)} ${row.ci95 === null ? '' : formatInterval(row.ci95)}`.trim())}</text>`,
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
