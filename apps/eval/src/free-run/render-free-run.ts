import { formatCount, formatEstimate } from '../report/format-number.js';
import type { FreeRunSummary, MetricEstimate, ReplaySummary, RunSummary } from '../run-summary.js';
import { fitReasonCodes } from './fits.js';
import { freeRunEndings } from './free-run-turn.js';

/**
 * How the turns were replayed, in one line for the terminal and `report.md`.
 *
 * @example
 * ```ts
 * replayLine({ mode: 'teacher-forced' }); // 'replay: teacher-forced (every turn answers the recorded history)'
 * ```
 */
export function replayLine(replay: ReplaySummary): string {
  if (replay.mode === 'teacher-forced')
    return 'replay: teacher-forced (every turn answers the recorded history)';
  const after =
    replay.userModel === null || replay.userModel === undefined
      ? 'then the conversation stops'
      : `then ${replay.userModel} plays the customer (≤ ${replay.maxSimulatedTurns ?? '?'} turns)`;
  return `replay: free run (own history; recorded user turns while they fit, by ${replay.fit ?? 'the rule'}; ${after})`;
}

/** The terminal table's free-run rows, one value per strategy in the table's order; none in a teacher-forced run. */
export function freeRunTableRows(summary: RunSummary): { label: string; values: string[] }[] {
  const { strategies } = summary;
  if (strategies.every((strategy) => strategy.freeRun === undefined)) return [];
  const cell = (pick: (freeRun: FreeRunSummary) => string) =>
    strategies.map((strategy) => (strategy.freeRun === undefined ? 'n/a' : pick(strategy.freeRun)));
  const rows = [
    { label: 'free run: divergence ↓', values: cell((freeRun) => formatEstimate(freeRun.divergenceRate)) },
    {
      label: '  turns until divergence',
      values: cell((freeRun) => formatTurns(freeRun.turnsUntilDivergence)),
    },
    { label: '  resolution ↑', values: cell((freeRun) => formatEstimate(freeRun.resolutionRate)) },
    { label: '  turns to resolution', values: cell((freeRun) => formatTurns(freeRun.turnsToResolution)) },
  ];
  if (strategies.some((strategy) => strategy.freeRun?.simulated)) {
    rows.push({
      label: '  simulated: quality ↑',
      values: cell((freeRun) =>
        freeRun.simulated === null
          ? 'n/a'
          : `${formatEstimate(freeRun.simulated.metrics.answerQuality)} (${formatCount(freeRun.simulated.turns)} turns)`,
      ),
    });
  }
  return rows;
}

/** What the free-run section says before its table, in `report.md` and `report.html`. */
export const freeRunNote =
  'Each strategy answered its own history (how, in the replay line). The tables above cover the recorded part (turns whose user message was recorded); the simulated part is reported here. Divergence: a recorded user turn no longer fit the answer before it, over conversations with more than one recorded user turn. Resolution: every goal (recorded reply with nuggets) reached, over conversations with goals. Turns are counted from 1, recorded and simulated together.';

/**
 * The free-run table, one row per strategy, as plain texts (the caller escapes and lays them out):
 * divergence rate, turns until divergence and why, resolution and turns to resolution, recorded
 * and simulated turns, the simulated part's quality and cleanup, and how the conversations ended.
 * No rows in a teacher-forced run.
 *
 * @param summary - The run summary.
 */
export function freeRunTable(summary: RunSummary): { header: string[]; rows: string[][] } {
  const header = [
    'Strategy',
    'Divergence ↓',
    'Turns until divergence',
    'Why',
    'Resolution ↑',
    'Turns to resolution',
    'Recorded / simulated turns',
    'Simulated quality ↑',
    'Simulated cleanup ↓',
    'Endings',
  ];
  const rows = summary.strategies.flatMap((strategy) => {
    const freeRun = strategy.freeRun;
    if (freeRun === undefined) return [];
    const reasons = fitReasonCodes
      .filter((code) => freeRun.divergenceReasons[code] > 0)
      .map((code) => `${code} ${freeRun.divergenceReasons[code]}`)
      .join(', ');
    const endings = freeRunEndings
      .filter((ending) => freeRun.endings[ending] > 0)
      .map((ending) => `${ending} ${freeRun.endings[ending]}`)
      .join(', ');
    const simulated = freeRun.simulated;
    const label =
      strategy.role === 'probe'
        ? `${strategy.name} (floor)`
        : strategy.role === 'recorded'
          ? `${strategy.name} (recorded bot)`
          : strategy.name;
    return [
      [
        label,
        formatEstimate(freeRun.divergenceRate),
        formatTurns(freeRun.turnsUntilDivergence),
        reasons || '–',
        formatEstimate(freeRun.resolutionRate),
        formatTurns(freeRun.turnsToResolution),
        `${formatCount(freeRun.recordedTurns)} / ${formatCount(freeRun.simulatedTurns)}`,
        simulated === null ? 'n/a' : formatEstimate(simulated.metrics.answerQuality),
        simulated === null ? 'n/a' : formatEstimate(simulated.metrics.humanCleanup),
        endings || '–',
      ],
    ];
  });
  return { header, rows };
}

/**
 * The `### Free run` section of `report.md` ({@link freeRunTable}). Empty in a teacher-forced run.
 *
 * @param summary - The run summary.
 * @param escape - Escapes user-provided text for Markdown.
 */
export function freeRunMarkdownSection(summary: RunSummary, escape: (value: string) => string): string {
  const { header, rows } = freeRunTable(summary);
  if (rows.length === 0) return '';
  // A small Markdown table of its own: render-markdown's helper is private to it (second use; see STYLE rule 19).
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [
    '### Free run',
    freeRunNote,
    [
      line(header),
      '|---|---|--:|---|---|--:|--:|---|---|---|',
      ...rows.map(([name, ...rest]) => line([escape(name ?? ''), ...rest])),
    ].join('\n'),
  ].join('\n\n');
}

/** A mean number of turns with its n: `1.4 (n 96)`, or `n/a`. */
function formatTurns(estimate: MetricEstimate): string {
  return estimate.mean === null ? 'n/a' : `${estimate.mean.toFixed(1)} (n ${formatCount(estimate.n)})`;
}
