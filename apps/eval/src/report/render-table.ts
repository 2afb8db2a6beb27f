import { freeRunTableRows, replayLine } from '../free-run/render-free-run.js';
import type { Comparison, RunSummary } from '../run-summary.js';
import { summaryMetricNames, summaryMetrics } from '../summary/summary-metrics.js';
import { fewConversationsNote } from './few-conversations-note.js';
import { fitColumns, type TableCell, wrapText } from './fit-columns.js';
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
  /**
   * Colour significant differences (green better, red worse), numbers at the floor (red), the
   * reference rows (dim) and the header (bold). Default false.
   */
  color?: boolean;
  /**
   * The terminal's width: strategies that do not fit side by side are stacked in blocks, and the
   * notes are wrapped. Default 100 (a CI log).
   */
  width?: number;
}

type Cell = TableCell;

/**
 * Renders the terminal comparison table the CLI prints on stderr: one column per strategy (the
 * baseline first as given), the turns with the failed and errored ones and the failures' kinds,
 * one row per metric (the pluggable scorers' after the built-in ones) with the mean and its 95%
 * interval, under each a `diff` row with every candidate's paired difference from the baseline
 * (`*` where p < 0.05), then latency and cost. Columns that do not fit the width are stacked in
 * blocks (see {@link fitColumns}), so the floor probes and the recorded bot stay in every layout;
 * ANSI colours only when asked.
 *
 * @param summary - The run summary.
 * @param options - Colour and width.
 * @returns The table, lines joined by `\n`, without a final newline.
 *
 * @example
 * ```ts
 * process.stderr.write(`${renderTable(summary, { color: process.stderr.isTTY, width: process.stderr.columns })}\n`);
 * ```
 */
export function renderTable(summary: RunSummary, options: RenderTableOptions = {}): string {
  const { strategies, baseline } = summary;
  const header: Cell[] = [
    { text: '', tone: 'bold' },
    ...strategies.map((strategy) => ({
      text: columnName(strategy, baseline),
      tone: strategy.role === 'strategy' ? ('bold' as const) : ('dim' as const),
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
  // Why turns failed, one kind a line: a run whose turns fail quietly reads as a bad strategy.
  if (strategies.some((strategy) => strategy.failed + strategy.errors > 0)) {
    rows.push([
      { text: 'failed by kind' },
      ...strategies.map(
        (strategy): Cell => ({
          text: Object.entries(strategy.failureKinds ?? {})
            .map(([kind, count]) => `${kind} ${formatCount(count)}`)
            .join('\n'),
          tone: 'red',
        }),
      ),
    ]);
  }
  // Answers the quality scorer could not score are outside quality and pass rate: say how many.
  if (strategies.some((strategy) => (strategy.unscored ?? 0) > 0)) {
    rows.push([
      { text: 'unscored answers' },
      ...strategies.map((strategy): Cell => ({ text: formatCount(strategy.unscored ?? 0), tone: 'red' })),
    ]);
  }
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
  for (const metric of customMetricNamesOf(summary)) {
    const higherIsBetter = summary.scorer.custom?.[metric]?.higherIsBetter ?? true;
    const answeredOnly = summary.scorer.custom?.[metric]?.answeredOnly === true;
    rows.push([
      { text: `${metric} ${higherIsBetter ? '↑' : '↓'}${answeredOnly ? ' (answered only)' : ''}` },
      ...strategies.map((strategy): Cell => {
        const estimate = strategy.metrics.custom?.[metric];
        return { text: estimate === undefined ? 'n/a' : formatEstimate(estimate) };
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

  const width = options.width ?? 100;
  const lines = fitColumns(rows, { width, color: options.color === true });
  const notes: string[] = [];
  const pairs = pairLines(summary);
  if (pairs.some((line) => line.includes(' *'))) marked = true;
  notes.push(...pairs);
  if (marked) notes.push(`* p < ${significanceLevel}`);
  const few = fewConversationsNote(summary);
  if (few !== undefined) notes.push(few);
  if (summary.floor !== undefined) {
    notes.push(
      `floor: ${summary.floor.probes.join(' and ')} answer without content; ${
        floored
          ? '! marks a number whose 95% interval does not clear theirs (indistinguishable from a content-free answer)'
          : 'every strategy clears it'
      }`,
    );
  }
  if (summary.replay !== undefined) notes.push(replayLine(summary.replay));
  for (const note of notes) lines.push(...wrapText(note, width));
  return lines.join('\n');
}

/** The pluggable scorers' names, in the order the summary's strategies list them (sorted). */
function customMetricNamesOf(summary: RunSummary): string[] {
  const names = new Set<string>();
  for (const strategy of summary.strategies)
    for (const name of Object.keys(strategy.metrics.custom ?? {})) names.add(name);
  return [...names].sort();
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
