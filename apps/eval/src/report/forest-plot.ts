import { fitAxis, formatTick } from './chart-axis.js';
import { escapeMarkup } from './escape-markup.js';
import { formatCount, formatInterval, formatP, formatSigned } from './format-number.js';

/** One row of a {@link renderForestPlot}: a candidate's paired difference from the baseline. */
export interface ForestRow {
  label: string;
  /** candidate − baseline, or `null` when nothing was paired. */
  diff: number | null;
  ci95: readonly [number, number] | null;
  p: number | null;
  /** Conversations (bootstrap) or turns (McNemar) paired. */
  n: number;
  /** What `n` counts. */
  unit: 'conv.' | 'turns';
}

/** Input of {@link renderForestPlot}. */
export interface ForestPlot {
  title: string;
  /** The metric's key, on the `<svg>` as `data-metric`. */
  metric: string;
  higherIsBetter: boolean;
  rows: readonly ForestRow[];
  /** p below which a difference is marked (coloured). */
  significanceLevel: number;
}

const width = 780;
const labelWidth = 170;
const valueWidth = 280;
const plotLeft = labelWidth + 10;
const plotWidth = width - plotLeft - valueWidth;
const rowHeight = 24;
const top = 26;
const axisHeight = 40;

/**
 * An inline SVG forest plot of paired differences against the baseline: one row per candidate, a
 * square at the difference and a whisker over its 95% interval, a line at zero (no difference), on
 * an axis fitted to the intervals. A difference whose p is below the level is green when it is an
 * improvement and red when it is a regression (taking the metric's direction into account); the
 * rest are grey. Beside each row: the difference, its interval, p and how many units were paired.
 * Under the axis, which side is better. All text is escaped.
 *
 * @param plot - Title, metric, direction, rows and significance level.
 * @returns An `<svg>` element as text, with no external references.
 */
export function renderForestPlot(plot: ForestPlot): string {
  const axis = fitAxis(
    plot.rows.flatMap((row) => [...(row.diff === null ? [] : [row.diff]), ...(row.ci95 ?? [])]),
    { include: [0] },
  );
  const span = axis.max - axis.min || 1;
  const x = (value: number) =>
    round(plotLeft + ((Math.min(Math.max(value, axis.min), axis.max) - axis.min) / span) * plotWidth);
  const plotBottom = top + plot.rows.length * rowHeight;
  const height = plotBottom + axisHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart forest" data-metric="${escapeMarkup(plot.metric)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeMarkup(plot.title)}" font-family="system-ui, sans-serif" font-size="12" fill="#1f2328">`,
    `<text x="0" y="16" font-weight="600" font-size="13">${escapeMarkup(plot.title)}</text>`,
  ];
  for (const tick of axis.ticks) {
    parts.push(
      `<line x1="${x(tick)}" y1="${top}" x2="${x(tick)}" y2="${plotBottom}" stroke="#d8dee4"/>`,
      `<text class="tick" x="${x(tick)}" y="${plotBottom + 15}" text-anchor="middle" fill="#57606a" font-size="11">${formatTick(tick)}</text>`,
    );
  }
  parts.push(
    `<line class="zero" x1="${x(0)}" y1="${top - 4}" x2="${x(0)}" y2="${plotBottom}" stroke="#1f2328" stroke-width="1.5"/>`,
  );
  const better = plot.higherIsBetter ? 'better →' : '← better';
  parts.push(
    `<text x="${plot.higherIsBetter ? plotLeft + plotWidth : plotLeft}" y="${plotBottom + 32}" text-anchor="${plot.higherIsBetter ? 'end' : 'start'}" fill="#1a7f37" font-size="11">${better}</text>`,
  );
  plot.rows.forEach((row, index) => {
    const y = top + index * rowHeight + rowHeight / 2;
    const verdict = verdictOf(row, plot);
    const colour = verdict === 'better' ? '#1a7f37' : verdict === 'worse' ? '#cf222e' : '#6e7781';
    parts.push(
      `<g class="row ${verdict}" data-strategy="${escapeMarkup(row.label)}">`,
      `<text x="${labelWidth}" y="${y + 4}" text-anchor="end">${escapeMarkup(truncate(row.label, 26))}<title>${escapeMarkup(row.label)}</title></text>`,
    );
    if (row.diff === null) {
      parts.push(`<text x="${plotLeft}" y="${y + 4}" fill="#57606a">nothing paired</text>`, '</g>');
      return;
    }
    if (row.ci95 !== null) {
      const [low, high] = row.ci95;
      parts.push(
        `<line x1="${x(low)}" y1="${y}" x2="${x(high)}" y2="${y}" stroke="${colour}" stroke-width="2"/>`,
      );
    }
    const text = `${formatSigned(row.diff)} ${formatInterval(row.ci95, { signed: true })}`;
    parts.push(
      `<rect x="${round(x(row.diff) - 5)}" y="${y - 5}" width="10" height="10" fill="${colour}"><title>${escapeMarkup(`${row.label}: ${text}, p ${formatP(row.p)}, ${row.n} ${row.unit} paired`)}</title></rect>`,
      `<text class="value" x="${plotLeft + plotWidth + 12}" y="${y + 4}">${escapeMarkup(text)} <tspan fill="#57606a" font-size="11">p ${escapeMarkup(formatP(row.p))} · n ${formatCount(row.n)}</tspan></text>`,
      '</g>',
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

function verdictOf(row: ForestRow, plot: ForestPlot): 'better' | 'worse' | 'unclear' {
  if (row.diff === null || row.p === null || row.diff === 0 || row.p >= plot.significanceLevel)
    return 'unclear';
  return row.diff > 0 === plot.higherIsBetter ? 'better' : 'worse';
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

/** Two decimals are plenty for a pixel coordinate and keep the file small. */
function round(value: number): number {
  return Math.round(value * 100) / 100;
}
