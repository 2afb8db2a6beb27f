import { escapeMarkup } from './escape-markup.js';
import { formatRate } from './format-number.js';

/** One bar of a {@link renderStackedBarChart}. */
export interface StackedBarRow {
  label: string;
  /** Segment values in the order of the chart's `series`; `null` when there is no data. */
  values: readonly (number | null)[];
  /** A value marked with a tick across the bar (the fallback rate, which overlapping rungs can exceed). */
  marker?: number | null;
}

/** Input of {@link renderStackedBarChart}. */
export interface StackedBarChart {
  title: string;
  /** Segment names, in stacking order; each gets a colour and a legend entry. */
  series: readonly string[];
  rows: readonly StackedBarRow[];
  /** Legend text of the marker. */
  markerLabel?: string;
}

const width = 640;
const labelWidth = 170;
const plotLeft = labelWidth + 10;
const plotWidth = width - plotLeft - 30;
const rowHeight = 26;
const top = 48;
const axisHeight = 22;
const palette = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948'];

/**
 * An inline SVG of horizontal stacked bars of shares (0–1 each): one bar per strategy, one
 * coloured segment per series, with a legend. When the segments add up to more than 1 (a turn can
 * take several fallback rungs) the axis widens to fit. All text is escaped.
 *
 * @param chart - Title, series and rows.
 * @returns An `<svg>` element as text, with no external references.
 */
export function renderStackedBarChart(chart: StackedBarChart): string {
  const totals = chart.rows.map((row) => row.values.reduce<number>((sum, value) => sum + (value ?? 0), 0));
  const domain = Math.max(1, ...totals);
  const x = (value: number) => round(plotLeft + (value / domain) * plotWidth);
  const height = top + chart.rows.length * rowHeight + axisHeight;
  const plotBottom = top + chart.rows.length * rowHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeMarkup(chart.title)}" font-family="system-ui, sans-serif" font-size="12" fill="#1f2328">`,
    `<text x="0" y="16" font-weight="600" font-size="13">${escapeMarkup(chart.title)}</text>`,
  ];
  let legendX = plotLeft;
  chart.series.forEach((name, index) => {
    parts.push(
      `<rect x="${legendX}" y="26" width="10" height="10" fill="${palette[index % palette.length]}"/>`,
      `<text x="${legendX + 14}" y="35" fill="#57606a" font-size="11">${escapeMarkup(name)}</text>`,
    );
    legendX += 24 + name.length * 7;
  });
  if (chart.markerLabel !== undefined) {
    parts.push(
      `<line x1="${legendX}" y1="25" x2="${legendX}" y2="37" stroke="#1f2328" stroke-width="2"/>`,
      `<text x="${legendX + 6}" y="35" fill="#57606a" font-size="11">${escapeMarkup(chart.markerLabel)}</text>`,
    );
  }
  for (let tick = 0; tick <= domain + 1e-9; tick += 0.25) {
    parts.push(
      `<line x1="${x(tick)}" y1="${top}" x2="${x(tick)}" y2="${plotBottom}" stroke="#eaeef2"/>`,
      `<text x="${x(tick)}" y="${plotBottom + 15}" text-anchor="middle" fill="#57606a" font-size="11">${tick}</text>`,
    );
  }
  chart.rows.forEach((row, index) => {
    const y = top + index * rowHeight;
    parts.push(
      `<text x="${labelWidth}" y="${y + rowHeight / 2 + 4}" text-anchor="end">${escapeMarkup(truncate(row.label, 26))}<title>${escapeMarkup(row.label)}</title></text>`,
    );
    if (row.values.every((value) => value === null)) {
      parts.push(`<text x="${plotLeft}" y="${y + rowHeight / 2 + 4}">no data</text>`);
      return;
    }
    let start = 0;
    row.values.forEach((value, series) => {
      if (value === null || value === 0) return;
      const name = chart.series[series] ?? '';
      parts.push(
        `<rect x="${x(start)}" y="${y + 5}" width="${round(x(start + value) - x(start))}" height="${rowHeight - 10}" fill="${palette[series % palette.length]}"><title>${escapeMarkup(`${row.label} · ${name}: ${formatRate(value)}`)}</title></rect>`,
      );
      start += value;
    });
    if (row.marker !== undefined && row.marker !== null) {
      parts.push(
        `<line x1="${x(row.marker)}" y1="${y + 2}" x2="${x(row.marker)}" y2="${y + rowHeight - 2}" stroke="#1f2328" stroke-width="2"><title>${escapeMarkup(`${row.label} · ${chart.markerLabel ?? ''}: ${formatRate(row.marker)}`)}</title></line>`,
      );
    }
  });
  parts.push('</svg>');
  return parts.join('');
}

// Same as in dot-whisker-chart.ts; two uses, so not yet shared.
function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

/** Two decimals are plenty for a pixel coordinate and keep the file small. */
function round(value: number): number {
  return Math.round(value * 100) / 100;
}
