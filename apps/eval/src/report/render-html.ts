import { freeRunNote, freeRunTable, replayLine } from '../free-run/render-free-run.js';
import type { ItemResult } from '../item-result.js';
import type { Comparison, RunSummary, StrategySummary } from '../run-summary.js';
import { fallbackRungs, itemMetricValue } from '../summary/item-metric-value.js';
import { isSummaryMetricName, summaryMetricNames, summaryMetrics } from '../summary/summary-metrics.js';
import { displayPath } from './display-path.js';
import { renderDotWhiskerChart } from './dot-whisker-chart.js';
import { escapeMarkup } from './escape-markup.js';
import { fewConversationsNote } from './few-conversations-note.js';
import { renderForestPlot } from './forest-plot.js';
import {
  formatCount,
  formatEstimate,
  formatInterval,
  formatLatency,
  formatP,
  formatRate,
  formatSigned,
  formatUsd,
  noData,
} from './format-number.js';
import { significanceLevel } from './render-markdown.js';
import { renderTurnDetails } from './render-turn-details.js';
import { renderStackedBarChart } from './stacked-bar-chart.js';

/** Options of {@link renderHtml}. */
export interface RenderHtmlOptions {
  /**
   * The run's items: when given, the report adds, per strategy, the turns most worth a look
   * (errors and failures first, then the lowest quality) with input, answer and reference.
   */
  items?: readonly ItemResult[];
  /** Turns shown per strategy. Default 5. */
  examplesPerStrategy?: number;
  /** Characters of input, answer and reference shown before cutting. Default 600. */
  maxTextLength?: number;
  /** Paths (the dataset) are shown relative to this folder; default: as they are in the summary. */
  cwd?: string;
}

/**
 * Renders `report.html`: one self-contained page (inline CSS and SVG, no scripts, no external
 * assets, no emoji: badges are CSS and icons inline SVG, so it reads alike in any browser) with
 * the verdict, forest plots of the paired differences from the baseline (with their intervals, p
 * and n), the strategies table (n on every metric, the floor flags, the failures' kinds), a
 * dot-and-whisker chart of means and 95% intervals per metric on an axis fitted to the data with
 * the floor shaded, in a free run its divergence and resolution table, the paired comparisons, the
 * gate checks, the fallback rungs as stacked bars,
 * the details and, given the items, example turns to drill into: the answer, the reference, the
 * nuggets with their verdicts and the delegation records. Every string from the user, the dataset
 * or a model is escaped.
 *
 * @param summary - The run summary.
 * @param options - Items for the examples, how many to show, the folder paths are shown from.
 * @returns The HTML document.
 *
 * @example
 * ```ts
 * await writeFile(join(out, 'report.html'), renderHtml(summary, { items }));
 * ```
 */
export function renderHtml(summary: RunSummary, options: RenderHtmlOptions = {}): string {
  const title = `Baton eval · ${summary.suite.name}`;
  const body = [
    verdict(summary),
    runFacts(summary, options.cwd),
    forestSection(summary),
    strategiesTable(summary),
    freeRunSection(summary),
    charts(summary),
    comparisonsTable(summary),
    gateTable(summary),
    rungsSection(summary),
    detailsTable(summary),
    options.items === undefined ? '' : examples(summary, options.items, options),
  ].join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<style>${styles}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

const h = escapeMarkup;

const styles = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; background: #fff; margin: 0; }
main { max-width: 1180px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 8px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
.pass { color: #1a7f37; } .fail { color: #cf222e; } .none { color: #57606a; }
.notice { background: #fff8c5; border: 1px solid #d4a72c; padding: 6px 10px; border-radius: 6px; }
.facts { color: #57606a; margin: 2px 0; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td.num { text-align: right; white-space: nowrap; }
.note { color: #57606a; font-size: 12px; }
.n { color: #57606a; font-size: 11px; }
.flag { color: #cf222e; font-size: 11px; font-weight: 600; }
.charts { display: flex; flex-wrap: wrap; gap: 8px 24px; }
.charts svg, h2 + svg { max-width: 100%; height: auto; }
details { margin: 6px 0; } summary { cursor: pointer; }
pre { white-space: pre-wrap; word-break: break-word; background: #f6f8fa; padding: 6px 8px; border-radius: 6px; margin: 4px 0; }
h1 .icon { vertical-align: -3px; margin-right: 6px; }
.badge { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px; font-weight: 600; line-height: 18px; white-space: nowrap; }
.badge.pass, .badge.better { background: #dafbe1; color: #116329; } .badge.fail, .badge.worse { background: #ffebe9; color: #a40e26; }
.verdict, .outcome { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 11px; font-weight: 600; background: #eaeef2; color: #57606a; }
.verdict.present, .outcome.answered, .outcome.accepted { background: #dafbe1; color: #116329; }
.verdict.contradicted, .outcome.failed, .outcome.error, .outcome.rejected { background: #ffebe9; color: #a40e26; }
.outcome.escalated { background: #fff8c5; color: #7d4e00; }
.kinds { color: #a40e26; font-size: 11px; }
.forest { display: flex; flex-wrap: wrap; gap: 8px 24px; }
.forest svg { max-width: 100%; height: auto; }
.turn { border: 1px solid #d0d7de; border-radius: 6px; padding: 4px 10px; }
.turn[open] { background: #fcfcfd; } .turn .label { font-weight: 600; margin-top: 8px; }
.turn table { font-size: 13px; } .record { border-left: 3px solid #d0d7de; padding-left: 10px; margin: 8px 0; }
.turn-id { font-family: ui-monospace, monospace; }
.turn pre { font: inherit; }
.scroll { overflow-x: auto; max-width: 100%; }
.mean { font-weight: 600; } .ci { display: block; color: #57606a; font-size: 11px; white-space: nowrap; }
`;

/** A small inline SVG icon (a tick or a cross in a circle), so no emoji font is needed. */
function icon(kind: 'pass' | 'fail'): string {
  const colour = kind === 'pass' ? '#1a7f37' : '#cf222e';
  const mark =
    kind === 'pass'
      ? '<path d="M6 10.5l2.8 2.8L14.5 7.5" fill="none" stroke="#fff" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/>'
      : '<path d="M7 7l6 6M13 7l-6 6" fill="none" stroke="#fff" stroke-width="2.2" stroke-linecap="round"/>';
  return `<svg class="icon" xmlns="http://www.w3.org/2000/svg" width="20" height="20" viewBox="0 0 20 20" aria-hidden="true"><circle cx="10" cy="10" r="10" fill="${colour}"/>${mark}</svg>`;
}

function verdict(summary: RunSummary): string {
  const { checks, passed } = summary.gate;
  const failed = checks.filter((check) => !check.passed).length;
  const heading =
    checks.length === 0
      ? '<h1 class="none">Baton eval: no gates set</h1>'
      : passed
        ? `<h1 class="pass">${icon('pass')}Baton eval: gate passed (${checks.length} checks)</h1>`
        : `<h1 class="fail">${icon('fail')}Baton eval: gate failed (${failed} of ${checks.length} checks)</h1>`;
  const notices = [
    summary.interrupted
      ? '<p class="notice"><strong>Interrupted:</strong> these results cover only the items that finished.</p>'
      : '',
    summary.shard === undefined
      ? ''
      : `<p class="notice">Shard ${summary.shard.index} of ${summary.shard.count}: merge all shards for the whole suite.</p>`,
  ];
  return [heading, ...notices].filter((part) => part !== '').join('\n');
}

function runFacts(summary: RunSummary, cwd: string | undefined): string {
  const { suite, scorer } = summary;
  const run = [
    `<strong>${h(displayPath(suite.name, cwd))}</strong> (${h(displayPath(suite.dataset, cwd))}${suite.split === null ? '' : `, split ${h(suite.split)}`})`,
    `${formatCount(suite.conversations)} conversations, ${formatCount(suite.turns)} turns`,
    summary.repeat > 1 ? `${summary.repeat} repeats` : '',
    `baseline <strong>${h(summary.baseline)}</strong>`,
    summary.model === null ? 'offline (no model)' : `model ${h(summary.model)}`,
    `seed ${summary.seed}, ${formatCount(summary.resamples)} resamples`,
    `run ${h(summary.runId)}, ${h(summary.createdAt)}`,
  ].filter((part) => part !== '');
  const judge = [
    scorer.judgeModel === undefined ? '' : `judge ${h(scorer.judgeModel)}`,
    scorer.rubric === undefined ? '' : `rubric ${h(scorer.rubric)}`,
  ].filter((part) => part !== '');
  const scoring = [
    `<strong>Scorer:</strong> answer quality by ${h(scorer.answerQuality)}${judge.length > 0 ? ` (${judge.join(', ')})` : ''}`,
    `human cleanup by ${h(scorer.humanCleanup)}`,
    `pass at quality ≥ ${scorer.passThreshold}`,
    `needs cleanup above ${scorer.needsCleanupThreshold}`,
    ...Object.entries(scorer.custom ?? {}).map(
      ([name, custom]) =>
        `${h(name)} by ${h(custom.description)} (${custom.higherIsBetter ? 'higher' : 'lower'} is better${
          custom.answeredOnly ? '; over answered turns only' : ''
        })`,
    ),
  ];
  const replay =
    summary.replay === undefined ? '' : `\n<p class="facts">${h(capitalize(replayLine(summary.replay)))}</p>`;
  return `<p class="facts">${run.join(' · ')}</p>\n<p class="facts">${scoring.join(' · ')}</p>${replay}`;
}

/** The free run's own table (divergence, resolution, the simulated part); nothing in a teacher-forced run. */
function freeRunSection(summary: RunSummary): string {
  const { header, rows } = freeRunTable(summary);
  if (rows.length === 0) return '';
  // Columns of words (the strategy, why it diverged, how the conversations ended); the rest are numbers.
  const words = new Set([0, 3, 9]);
  return [
    '<h2>Free run</h2>',
    `<p class="note">${h(freeRunNote)}</p>`,
    table(
      header.map(h),
      rows.map((row) =>
        row.map((text, column) =>
          column === 0
            ? cell(`<strong>${h(text)}</strong>`)
            : words.has(column)
              ? cell(h(text))
              : number(text),
        ),
      ),
    ),
  ].join('\n');
}

/** The metrics the forest plots show, in this order, when they have anything paired. */
const forestMetrics = [
  'answerQuality',
  'humanCleanup',
  'routingAccuracy',
  'escalationRate',
  'fallbackRate',
  'passRate',
] as const;

/**
 * One forest plot per headline metric (and per custom score): every candidate's paired difference
 * from the baseline with its 95% interval — the chart that tells strategies apart.
 */
function forestSection(summary: RunSummary): string {
  // The recorded bot is a reference, not a contender: its distance from the baseline (often far
  // larger) would squeeze the strategies' differences together. Its row stays in the tables.
  const contenders = new Set(
    summary.strategies.filter((strategy) => strategy.role === 'strategy').map((strategy) => strategy.name),
  );
  const comparisons = summary.comparisons.filter(
    (comparison) => comparison.baseline === summary.baseline && contenders.has(comparison.candidate),
  );
  if (comparisons.length === 0) return '';
  const metrics = [
    ...forestMetrics,
    ...[...new Set(comparisons.map((comparison) => comparison.metric))].filter(
      (metric) => !isSummaryMetricName(metric),
    ),
  ];
  const plots = metrics.flatMap((metric) => {
    const rows = comparisons.filter((comparison) => comparison.metric === metric);
    if (rows.length === 0 || rows.every((row) => row.diff === null)) return [];
    const higherIsBetter = rows[0]!.higherIsBetter;
    const label = isSummaryMetricName(metric) ? capitalize(summaryMetrics[metric].label) : metric;
    return [
      renderForestPlot({
        title: `${label}: difference from ${summary.baseline} (${higherIsBetter ? 'higher' : 'lower'} is better)`,
        metric,
        higherIsBetter,
        significanceLevel,
        rows: rows.map((row) => ({
          label: row.candidate,
          diff: row.diff,
          ci95: row.ci95,
          p: row.p,
          n: row.n,
          unit: row.method === 'mcnemar' ? 'turns' : 'conv.',
        })),
      }),
    ];
  });
  if (plots.length === 0) return '';
  const few = fewConversationsNote(summary);
  return [
    `<h2>Differences from ${h(summary.baseline)} (paired, 95% intervals)</h2>`,
    `<div class="forest">${plots.join('\n')}</div>`,
    `<p class="note">Each square is a candidate’s mean difference from the baseline on the turns both answered, its whisker the 95% paired-bootstrap interval (McNemar for the pass rate); green where p &lt; 0.05 and better, red where p &lt; 0.05 and worse, grey where the data cannot tell. n counts the paired conversations (turns for the pass rate). Axes are fitted to the intervals, so read the tick labels. The recorded bot’s differences are in the comparison table below.${few ? ` ${h(few)}` : ''}</p>`,
  ].join('\n');
}

function strategiesTable(summary: RunSummary): string {
  const customNames = customNamesOf(summary);
  const header = [
    'Strategy',
    'Turns',
    'Failed / errors',
    ...summaryMetricNames
      .filter((metric) => metric !== 'passRate')
      .map((metric) => arrowLabel(metric, summaryMetrics[metric].higherIsBetter)),
    ...customNames.map((name) => `${h(name)} ${customHigherIsBetter(summary, name) ? '↑' : '↓'}`),
    'Latency p50 / p95',
    'Cost / turn',
  ];
  const rows = summary.strategies.map((strategy) => {
    const { metrics } = strategy;
    const kinds = Object.entries(strategy.failureKinds ?? {})
      .map(([kind, count]) => `${h(kind)} ${formatCount(count)}`)
      .join('<br>');
    return [
      cell(strategyLabel(strategy, summary.baseline)),
      number(formatCount(strategy.turns)),
      cell(
        `${formatCount(strategy.failed)} / ${formatCount(strategy.errors)}${kinds === '' ? '' : `<br><span class="kinds">${kinds}</span>`}`,
      ),
      ...summaryMetricNames
        .filter((metric) => metric !== 'passRate')
        .map((metric) => {
          const value = estimateHtml(metrics[metric]);
          return (strategy.flags ?? []).includes(`${metric}-at-floor`)
            ? cell(`${value} <span class="flag" title="does not clear the floor">at floor</span>`)
            : cell(value);
        }),
      ...customNames.map((name) => {
        const estimate = metrics.custom?.[name];
        return cell(estimate === undefined ? noData : estimateHtml(estimate));
      }),
      number(formatLatency(metrics.latencyMs)),
      number(formatUsd(metrics.costUsd.perTurn)),
    ];
  });
  const floor = summary.floor;
  return [
    '<h2>Strategies</h2>',
    table(header, rows),
    '<p class="note">Means with 95% bootstrap CIs resampled by conversation, n per metric; n/a where a denominator is empty. Quality is nugget recall over every turn with nuggets (escalations 1 when a human was needed, else 0; failures 0); cleanup is HTER to the closest acceptable reply (escalations and failures 1).</p>',
    floor === undefined
      ? ''
      : `<p class="note">Floor: ${floor.probes.map(h).join(' and ')} answer without content. Numbers marked “at floor” have a 95% interval that does not clear the probes’ (quality above ${formatRate(floor.answerQuality)}, cleanup below ${formatRate(floor.humanCleanup)}): they cannot be told apart from a content-free answer.</p>`,
  ].join('\n');
}

function charts(summary: RunSummary): string {
  const floors: Partial<Record<string, number | null>> = {
    answerQuality: summary.floor?.answerQuality ?? null,
    humanCleanup: summary.floor?.humanCleanup ?? null,
  };
  const rowsOf = (
    estimateOf: (strategy: StrategySummary) => MetricEstimateLike | undefined,
    metric: string,
  ) =>
    summary.strategies.map((strategy) => {
      const estimate = estimateOf(strategy);
      const note =
        strategy.name === summary.baseline
          ? 'baseline'
          : strategy.role === 'probe'
            ? 'floor'
            : strategy.role === 'recorded'
              ? 'bot'
              : undefined;
      return {
        label: strategy.name,
        mean: estimate?.mean ?? null,
        ci95: estimate?.ci95 ?? null,
        n: estimate?.n ?? 0,
        muted: strategy.name === summary.baseline || strategy.role === 'probe',
        ...(note === undefined ? {} : { note }),
        ...((strategy.flags ?? []).includes(`${metric}-at-floor`) ? { atFloor: true } : {}),
      };
    });
  const svgs = summaryMetricNames.flatMap((metric) => {
    const info = summaryMetrics[metric];
    // A metric no row has a value for (the recorded HTER without drafts) is left out.
    if (summary.strategies.every((strategy) => strategy.metrics[metric].mean === null)) return [];
    const floor = floors[metric];
    return [
      renderDotWhiskerChart({
        title: `${capitalize(info.label)} (${info.higherIsBetter ? 'higher' : 'lower'} is better)`,
        metric,
        bounds: [0, 1],
        rows: rowsOf((strategy) => strategy.metrics[metric], metric),
        ...(floor === null || floor === undefined
          ? {}
          : { floor: { value: floor, higherIsBetter: info.higherIsBetter } }),
      }),
    ];
  });
  for (const name of customNamesOf(summary)) {
    svgs.push(
      renderDotWhiskerChart({
        title: `${name} (${customHigherIsBetter(summary, name) ? 'higher' : 'lower'} is better)`,
        metric: name,
        rows: rowsOf((strategy) => strategy.metrics.custom?.[name], name),
      }),
    );
  }
  return [
    '<h2>Means and 95% intervals</h2>',
    '<p class="note">Each axis is fitted to its data: compare positions within a chart, and read the ticks before comparing charts. The shaded side of the dashed line is the floor: what answering without content reaches.</p>',
    `<div class="charts">${svgs.join('\n')}</div>`,
  ].join('\n');
}

/** A mean with its interval and n, as the charts read it. */
interface MetricEstimateLike {
  mean: number | null;
  ci95: readonly [number, number] | null;
  n: number;
}

/** The pluggable scorers' names across the strategies, sorted. */
function customNamesOf(summary: RunSummary): string[] {
  return [
    ...new Set(summary.strategies.flatMap((strategy) => Object.keys(strategy.metrics.custom ?? {}))),
  ].sort();
}

function customHigherIsBetter(summary: RunSummary, name: string): boolean {
  return summary.scorer.custom?.[name]?.higherIsBetter ?? true;
}

/** `better` or `worse` as a coloured badge where p < 0.05, taking the direction into account. */
function significanceBadge(comparison: Comparison): string {
  if (comparison.p === null || comparison.diff === null || comparison.diff === 0) return '';
  if (comparison.p >= significanceLevel) return '';
  return comparison.diff > 0 === comparison.higherIsBetter
    ? '<span class="badge better">better</span>'
    : '<span class="badge worse">worse</span>';
}

function comparisonsTable(summary: RunSummary): string {
  if (summary.comparisons.length === 0) return '';
  // The run's baseline first, then extra pairs (a strategy against its rival), one table each.
  const baselines = [...new Set([summary.baseline, ...summary.comparisons.map((entry) => entry.baseline)])];
  const tables = baselines.flatMap((baseline) => {
    const comparisons = summary.comparisons.filter((comparison) => comparison.baseline === baseline);
    return comparisons.length === 0 ? [] : [comparisonTable(baseline, comparisons)];
  });
  return [
    ...tables,
    '<p class="note">Diff = candidate − baseline on the turns both have in the denominator: paired bootstrap by conversation, McNemar (turns) for the pass rate. Marked where p &lt; 0.05.</p>',
  ].join('\n');
}

function comparisonTable(baseline: string, comparisons: readonly Comparison[]): string {
  const rows = comparisons.map((comparison) => [
    cell(h(comparison.candidate)),
    cell(
      isSummaryMetricName(comparison.metric)
        ? arrowLabel(comparison.metric, comparison.higherIsBetter)
        : `${h(comparison.metric)} ${comparison.higherIsBetter ? '↑' : '↓'}`,
    ),
    number(formatSigned(comparison.diff)),
    cell(formatInterval(comparison.ci95, { signed: true })),
    number(formatP(comparison.p)),
    number(`${formatCount(comparison.n)} ${comparison.method === 'mcnemar' ? 'turns' : 'conv.'}`),
    cell(significanceBadge(comparison)),
  ]);
  return [
    `<h2>Compared with ${h(baseline)} (paired)</h2>`,
    table(['Candidate', 'Metric', 'Diff', '95% CI', 'p', 'Paired', ''], rows),
  ].join('\n');
}

function gateTable(summary: RunSummary): string {
  if (summary.gate.checks.length === 0) return '';
  const rows = summary.gate.checks.map((check) => [
    `<td><span class="badge ${check.passed ? 'pass' : 'fail'}">${check.passed ? 'pass' : 'fail'}</span></td>`,
    cell(h(check.strategy)),
    cell(h(check.name)),
    cell(h(check.message)),
  ]);
  return ['<h2>Gate</h2>', table(['', 'Strategy', 'Check', 'Result'], rows)].join('\n');
}

function rungsSection(summary: RunSummary): string {
  const chart = renderStackedBarChart({
    title: 'Fallback rungs (share of delegation-attempted turns)',
    series: fallbackRungs,
    markerLabel: 'fallback rate',
    rows: summary.strategies.map((strategy) => {
      const { fallbackRate } = strategy.metrics;
      return {
        label: strategy.name,
        values: fallbackRungs.map((rung) => fallbackRate.rungs[rung]),
        marker: fallbackRate.mean,
      };
    }),
  });
  const rows = summary.strategies.map((strategy) => {
    const { fallbackRate } = strategy.metrics;
    return [
      cell(strategyLabel(strategy, summary.baseline)),
      number(formatCount(fallbackRate.n)),
      number(formatRate(fallbackRate.mean)),
      ...fallbackRungs.map((rung) => number(formatRate(fallbackRate.rungs[rung]))),
    ];
  });
  return [
    '<h2>Fallback rungs</h2>',
    chart,
    table(['Strategy', 'Attempted', 'Fallback', 'Retry', 'Alternative', 'Self', 'Human'], rows),
    '<p class="note">A turn may take several rungs, so the segments can add up to more than the fallback rate (the black tick).</p>',
  ].join('\n');
}

function detailsTable(summary: RunSummary): string {
  const repeated = summary.strategies.some((strategy) => strategy.metrics.passHatK !== undefined);
  const header = [
    'Strategy',
    'Description',
    'Conversations',
    'Failed',
    'Pass rate ↑',
    'Needs cleanup ↓',
    ...(repeated ? [`pass^${summary.repeat} turns / conv. ↑`] : []),
    'Tokens p50 / p95',
    'Cost total',
  ];
  const rows = summary.strategies.map((strategy) => {
    const { metrics } = strategy;
    const passHatK = metrics.passHatK;
    return [
      cell(strategyLabel(strategy, summary.baseline)),
      cell(h(strategy.description)),
      number(formatCount(strategy.conversations)),
      number(formatCount(strategy.failed)),
      cell(`${formatEstimate(metrics.passRate)} <span class="n">n ${formatCount(metrics.passRate.n)}</span>`),
      number(formatRate(metrics.humanCleanup.needsCleanupShare)),
      ...(repeated
        ? [
            number(
              passHatK === undefined
                ? noData
                : `${formatRate(passHatK.turns)} / ${formatRate(passHatK.conversations)}`,
            ),
          ]
        : []),
      number(
        metrics.tokens.p50 === null
          ? noData
          : `${Math.round(metrics.tokens.p50)} / ${Math.round(metrics.tokens.p95!)}`,
      ),
      number(formatUsd(metrics.costUsd.total)),
    ];
  });
  return ['<h2>Details</h2>', table(header, rows)].join('\n');
}

function examples(summary: RunSummary, items: readonly ItemResult[], options: RenderHtmlOptions): string {
  const perStrategy = options.examplesPerStrategy ?? 5;
  const maxLength = options.maxTextLength ?? 600;
  const sections = summary.strategies.map((strategy) => {
    const chosen = mostConcerning(items, strategy.name, perStrategy);
    if (chosen.length === 0) return '';
    const entries = chosen.map((item) =>
      renderTurnDetails(item, { maxTextLength: maxLength, showRepeat: summary.repeat > 1 }),
    );
    return [
      `<section class="examples" data-strategy="${h(strategy.name)}">`,
      `<h3>${strategyLabel(strategy, summary.baseline)}</h3>`,
      ...entries,
      '</section>',
    ].join('\n');
  });
  return [
    '<h2>Turns worth a look</h2>',
    '<p class="note">Per strategy: errors and failures first, then the lowest answer quality. Open a turn for the customer’s message, the answer, the human’s reply, every nugget with its verdict, and the delegation record (candidates, choice, attempts, verifiers, fallback steps).</p>',
    ...sections,
  ].join('\n');
}

/**
 * The strategy's turns most worth a look: errors, then failures, then answered turns by quality
 * (lowest first), then escalations; ties by id and repeat. Keys are computed once per item, since
 * a large run has tens of thousands of turns per strategy.
 */
function mostConcerning(items: readonly ItemResult[], strategy: string, count: number): ItemResult[] {
  const rank = (item: ItemResult) =>
    item.outcome === 'error' ? 0 : item.outcome === 'failed' ? 1 : item.outcome === 'escalated' ? 3 : 2;
  return items
    .filter((item) => item.strategy === strategy)
    .map((item) => ({ item, rank: rank(item), quality: itemMetricValue(item, 'answerQuality') ?? 1 }))
    .sort(
      (first, second) =>
        first.rank - second.rank ||
        first.quality - second.quality ||
        first.item.itemId.localeCompare(second.item.itemId) ||
        first.item.repeat - second.item.repeat,
    )
    .slice(0, count)
    .map((entry) => entry.item);
}

function strategyLabel(strategy: StrategySummary, baseline: string): string {
  if (strategy.name === baseline) return `${h(strategy.name)} <span class="note">(baseline)</span>`;
  if (strategy.role === 'probe') return `${h(strategy.name)} <span class="note">(floor)</span>`;
  if (strategy.role === 'recorded') return `${h(strategy.name)} <span class="note">(recorded bot)</span>`;
  return h(strategy.name);
}

function arrowLabel(metric: keyof typeof summaryMetrics, higherIsBetter: boolean): string {
  return `${capitalize(summaryMetrics[metric].label)} ${higherIsBetter ? '↑' : '↓'}`;
}

/** A mean on its own line, its interval and n under it, small: keeps wide tables narrow. */
function estimateHtml(estimate: MetricEstimateLike): string {
  if (estimate.mean === null) return `${noData} <span class="n">n ${formatCount(estimate.n)}</span>`;
  const interval = estimate.ci95 === null ? '' : `${formatInterval(estimate.ci95)} · `;
  return `<span class="mean">${formatRate(estimate.mean)}</span><span class="ci">${interval}n ${formatCount(estimate.n)}</span>`;
}

/** A table from a header of escaped texts and rows of ready `<td>` cells, scrolling sideways when wide. */
function table(header: readonly string[], rows: readonly string[][]): string {
  return [
    '<div class="scroll"><table>',
    `<thead><tr>${header.map((label) => `<th>${label}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((row) => `<tr>${row.join('')}</tr>`),
    '</tbody>',
    '</table></div>',
  ].join('\n');
}

/** A cell of already escaped HTML. */
function cell(html: string): string {
  return `<td>${html}</td>`;
}

function number(text: string): string {
  return `<td class="num">${h(text)}</td>`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
