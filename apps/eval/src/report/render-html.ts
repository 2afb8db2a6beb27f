import type { ItemResult } from '../item-result.js';
import type { Comparison, RunSummary, StrategySummary } from '../run-summary.js';
import { fallbackRungs, itemMetricValue } from '../summary/item-metric-value.js';
import { isSummaryMetricName, summaryMetricNames, summaryMetrics } from '../summary/summary-metrics.js';
import { renderDotWhiskerChart } from './dot-whisker-chart.js';
import { escapeMarkup } from './escape-markup.js';
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
import { significance } from './render-markdown.js';
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
}

/**
 * Renders `report.html`: one self-contained page (inline CSS and SVG, no scripts, no external
 * assets) with the verdict, the strategies table, a dot-and-whisker chart of means and 95%
 * intervals per metric, the paired comparisons, the gate checks, the fallback rungs as stacked
 * bars, the details and, given the items, example turns. Every string from the user, the dataset
 * or a model is escaped.
 *
 * @param summary - The run summary.
 * @param options - Items for the examples and how many to show.
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
    runFacts(summary),
    strategiesTable(summary),
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
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
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
`;

function verdict(summary: RunSummary): string {
  const { checks, passed } = summary.gate;
  const failed = checks.filter((check) => !check.passed).length;
  const heading =
    checks.length === 0
      ? '<h1 class="none">Baton eval: no gates set</h1>'
      : passed
        ? `<h1 class="pass">✅ Baton eval: gate passed (${checks.length} checks)</h1>`
        : `<h1 class="fail">❌ Baton eval: gate failed (${failed} of ${checks.length} checks)</h1>`;
  const notices = [
    summary.interrupted
      ? '<p class="notice">⚠️ The run was interrupted: these results cover only the items that finished.</p>'
      : '',
    summary.shard === undefined
      ? ''
      : `<p class="notice">Shard ${summary.shard.index + 1} of ${summary.shard.count}: merge all shards for the whole suite.</p>`,
  ];
  return [heading, ...notices].filter((part) => part !== '').join('\n');
}

function runFacts(summary: RunSummary): string {
  const { suite, scorer } = summary;
  const run = [
    `<strong>${h(suite.name)}</strong> (${h(suite.dataset)}${suite.split === null ? '' : `, split ${h(suite.split)}`})`,
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
  ];
  return `<p class="facts">${run.join(' · ')}</p>\n<p class="facts">${scoring.join(' · ')}</p>`;
}

function strategiesTable(summary: RunSummary): string {
  const header = [
    'Strategy',
    'Turns',
    'Errors',
    ...summaryMetricNames
      .filter((metric) => metric !== 'passRate')
      .map((metric) => arrowLabel(metric, summaryMetrics[metric].higherIsBetter)),
    'Latency p50 / p95',
    'Cost / turn',
  ];
  const rows = summary.strategies.map((strategy) => {
    const { metrics } = strategy;
    return [
      cell(strategyLabel(strategy, summary.baseline)),
      number(formatCount(strategy.turns)),
      number(formatCount(strategy.errors)),
      ...summaryMetricNames
        .filter((metric) => metric !== 'passRate')
        .map((metric) => {
          const value = `${formatEstimate(metrics[metric])} <span class="n">n ${formatCount(metrics[metric].n)}</span>`;
          return (strategy.flags ?? []).includes(`${metric}-at-floor`)
            ? cell(`${value} <span class="flag" title="does not clear the floor">at floor</span>`)
            : cell(value);
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
  const svgs = summaryMetricNames.map((metric) => {
    const info = summaryMetrics[metric];
    return renderDotWhiskerChart({
      title: `${capitalize(info.label)} (${info.higherIsBetter ? 'higher' : 'lower'} is better)`,
      rows: summary.strategies.map((strategy) => {
        const estimate = strategy.metrics[metric];
        return {
          label: strategy.name,
          mean: estimate.mean,
          ci95: estimate.ci95,
          n: estimate.n,
          muted: strategy.name === summary.baseline,
        };
      }),
    });
  });
  return ['<h2>Means and 95% intervals</h2>', `<div class="charts">${svgs.join('\n')}</div>`].join('\n');
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
        : h(comparison.metric),
    ),
    number(formatSigned(comparison.diff)),
    cell(formatInterval(comparison.ci95, { signed: true })),
    number(formatP(comparison.p)),
    number(`${formatCount(comparison.n)} ${comparison.method === 'mcnemar' ? 'turns' : 'conv.'}`),
    cell(significance(comparison)),
  ]);
  return [
    `<h2>Compared with ${h(baseline)} (paired)</h2>`,
    table(['Candidate', 'Metric', 'Diff', '95% CI', 'p', 'Paired', ''], rows),
  ].join('\n');
}

function gateTable(summary: RunSummary): string {
  if (summary.gate.checks.length === 0) return '';
  const rows = summary.gate.checks.map((check) => [
    `<td class="${check.passed ? 'pass' : 'fail'}">${check.passed ? '✅ pass' : '❌ fail'}</td>`,
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
  const customNames = [
    ...new Set(summary.strategies.flatMap((strategy) => Object.keys(strategy.metrics.custom ?? {}))),
  ].sort();
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
    ...customNames.map(h),
  ];
  const rows = summary.strategies.map((strategy) => {
    const { metrics } = strategy;
    const passHatK = metrics.passHatK;
    return [
      cell(strategyLabel(strategy, summary.baseline)),
      cell(h(strategy.description)),
      number(formatCount(strategy.conversations)),
      number(formatCount(strategy.failed)),
      cell(formatEstimate(metrics.passRate)),
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
      ...customNames.map((name) => {
        const estimate = metrics.custom?.[name];
        return cell(estimate === undefined ? noData : formatEstimate(estimate));
      }),
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
    const entries = chosen.map((item) => {
      const quality = itemMetricValue(item, 'answerQuality');
      const cleanup = itemMetricValue(item, 'humanCleanup');
      const heading = [
        h(item.itemId),
        summary.repeat > 1 ? `repeat ${item.repeat}` : '',
        h(item.outcome),
        `quality ${formatRate(quality)}`,
        `cleanup ${formatRate(cleanup)}`,
      ].filter((part) => part !== '');
      const answer =
        item.answer ??
        (item.error === undefined ? '(no answer)' : `${item.error.code}: ${item.error.message}`);
      return [
        `<details><summary>${heading.join(' · ')}</summary>`,
        `<div>Input</div><pre>${h(cut(item.input, maxLength))}</pre>`,
        `<div>Answer</div><pre>${h(cut(answer, maxLength))}</pre>`,
        `<div>Reference</div><pre>${h(cut(item.reference ?? '(routing-only turn: no reference)', maxLength))}</pre>`,
        '</details>',
      ].join('\n');
    });
    return [`<h3>${h(strategy.name)}</h3>`, ...entries].join('\n');
  });
  return [
    '<h2>Turns worth a look</h2>',
    '<p class="note">Per strategy: errors and failures first, then the lowest answer quality.</p>',
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

/** A table from a header of escaped texts and rows of ready `<td>` cells. */
function table(header: readonly string[], rows: readonly string[][]): string {
  return [
    '<table>',
    `<thead><tr>${header.map((label) => `<th>${label}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((row) => `<tr>${row.join('')}</tr>`),
    '</tbody>',
    '</table>',
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

function cut(text: string, length: number): string {
  return text.length <= length
    ? text
    : `${text.slice(0, length)}… (${formatCount(text.length - length)} more characters)`;
}
