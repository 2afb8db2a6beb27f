import { freeRunTableRows, replayLine } from '../free-run/render-free-run.js';
import type { Comparison, RunSummary } from '../run-summary.js';
import { summaryMetricNames, summaryMetrics } from '../summary/summary-metrics.js';
import {
  formatCount,
  formatEstimate,
  formatInterval,
  formatLatency,
  formatSigned,
  formatUsd,
} from './format-number.js';
import { significanceLevel } from './render-markdown.js';

/** Options of {@link renderTable}. */
export interface RenderTableOptions {
  /** Colour significant differences (green better, red worse) and bold the header. Default false. */
  color?: boolean;
}

interface Cell {
  text: string;
  /** ANSI colour code applied after padding, so colours never shift the columns. */
  tone?: 'green' | 'red' | 'bold';
}

const ansi = { green: '\u001b[32m', red: '\u001b[31m', bold: '\u001b[1m', reset: '\u001b[0m' } as const;

/**
 * Renders the terminal comparison table the CLI prints on stderr: one column per strategy (the
 * baseline first as given), one row per metric with the mean and its 95% interval, under each a
 * `diff` row with every candidate's paired difference from the baseline (`*` where p < 0.05),
 * then latency, cost and turns. Plain text in fixed-width columns; ANSI colours only when asked.
 *
 * @param summary - The run summary.
 * @param options - Whether to colour.
 * @returns The table, lines joined by `\n`, without a final newline.
 *
 * @example
 * ```ts
 * process.stderr.write(`${renderTable(summary, { color: process.stderr.isTTY })}\n`);
 * ```
 */
export function renderTable(summary: RunSummary, options: RenderTableOptions = {}): string {
  const { strategies, baseline } = summary;
  const header: Cell[] = [
    { text: '', tone: 'bold' },
    ...strategies.map((strategy) => ({
      text: columnName(strategy, baseline),
      tone: 'bold' as const,
    })),
  ];
  const rows: Cell[][] = [header];
  const plain = (label: string, values: string[]): Cell[] => [
    { text: label },
    ...values.map((text) => ({ text })),
  ];
  rows.push(
    plain(
      'turns / failed / errors',
      strategies.map(
        (strategy) =>
          `${formatCount(strategy.turns)} / ${formatCount(strategy.failed)} / ${formatCount(strategy.errors)}`,
      ),
    ),
  );
  let marked = false;
  let floored = false;
  for (const metric of summaryMetricNames) {
    const info = summaryMetrics[metric];
    // A metric no row has a value for (the recorded HTER without drafts) is left out.
    if (strategies.every((strategy) => strategy.metrics[metric].mean === null)) continue;
    rows.push([
      { text: `${info.label} ${info.higherIsBetter ? '↑' : '↓'}` },
      ...strategies.map((strategy): Cell => {
        const atFloor = (strategy.flags ?? []).includes(`${metric}-at-floor`);
        if (atFloor) floored = true;
        const value = formatEstimate(strategy.metrics[metric]);
        return atFloor ? { text: `${value} !`, tone: 'red' } : { text: value };
      }),
    ]);
    const diffs = strategies.map((strategy): Cell => {
      const comparison = summary.comparisons.find(
        (entry) =>
          entry.baseline === baseline && entry.candidate === strategy.name && entry.metric === metric,
      );
      if (comparison === undefined) return { text: '' };
      const cell = diffCell(comparison);
      if (cell.text.endsWith('*')) marked = true;
      return cell;
    });
    if (diffs.some((cell) => cell.text !== '')) rows.push([{ text: `  diff vs ${baseline}` }, ...diffs]);
  }
  for (const row of freeRunTableRows(summary)) rows.push(plain(row.label, row.values));
  rows.push(
    plain(
      'latency p50 / p95',
      strategies.map((strategy) => formatLatency(strategy.metrics.latencyMs)),
    ),
    plain(
      'cost / turn',
      strategies.map((strategy) => formatUsd(strategy.metrics.costUsd.perTurn)),
    ),
  );

  const widths = header.map((_, column) => Math.max(...rows.map((row) => row[column]?.text.length ?? 0)));
  const lines = rows.map((row) =>
    row
      .map((cell, column) => paint(cell.text.padEnd(widths[column]!), cell.tone, options.color === true))
      .join('  ')
      .trimEnd(),
  );
  const pairs = pairLines(summary);
  if (pairs.some((line) => line.includes(' *'))) marked = true;
  lines.push(...pairs);
  if (marked) lines.push(`* p < ${significanceLevel}`);
  if (summary.floor !== undefined) {
    lines.push(
      `floor: ${summary.floor.probes.join(' and ')} answer without content; ${
        floored
          ? '! marks a number whose 95% interval does not clear theirs (indistinguishable from a content-free answer)'
          : 'every strategy clears it'
      }`,
    );
  }
  if (summary.replay !== undefined) lines.push(replayLine(summary.replay));
  return lines.join('\n');
}

/** A column's header: the name, and what the row is when it is not a plain contender. */
function columnName(strategy: RunSummary['strategies'][number], baseline: string): string {
  if (strategy.name === baseline) return `${strategy.name} (baseline)`;
  if (strategy.role === 'probe') return `${strategy.name} (floor)`;
  if (strategy.role === 'recorded') return `${strategy.name} (bot)`;
  return strategy.name;
}

/** The headline metrics shown for an extra pair (a strategy against its rival). */
const pairMetrics = ['answerQuality', 'humanCleanup', 'routingAccuracy', 'passRate'] as const;

/** One line per extra pair, e.g. `route-measured vs route-trained (paired): answer quality ↑ +0.012 […]`. */
function pairLines(summary: RunSummary): string[] {
  const pairs = new Map<string, Comparison[]>();
  for (const comparison of summary.comparisons) {
    if (comparison.baseline === summary.baseline) continue;
    const key = `${comparison.candidate} vs ${comparison.baseline}`;
    pairs.set(key, [...(pairs.get(key) ?? []), comparison]);
  }
  return [...pairs].map(([pair, comparisons]) => {
    const parts = pairMetrics.flatMap((metric) => {
      const comparison = comparisons.find((entry) => entry.metric === metric);
      if (comparison === undefined || comparison.diff === null) return [];
      const info = summaryMetrics[metric];
      return [`${info.label} ${info.higherIsBetter ? '↑' : '↓'} ${diffCell(comparison).text}`];
    });
    return `${pair} (paired): ${parts.join('; ') || 'nothing paired'}`;
  });
}

function diffCell(comparison: Comparison): Cell {
  if (comparison.diff === null) return { text: 'n/a' };
  const text = `${formatSigned(comparison.diff)} ${formatInterval(comparison.ci95, { signed: true })}`;
  if (comparison.p === null || comparison.p >= significanceLevel || comparison.diff === 0) return { text };
  const better = comparison.diff > 0 === comparison.higherIsBetter;
  return { text: `${text} *`, tone: better ? 'green' : 'red' };
}

function paint(text: string, tone: Cell['tone'], color: boolean): string {
  if (!color || tone === undefined) return text;
  return `${ansi[tone]}${text}${ansi.reset}`;
}
