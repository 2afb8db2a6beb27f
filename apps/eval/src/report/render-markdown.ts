import { freeRunMarkdownSection, replayLine } from '../free-run/render-free-run.js';
import type { Comparison, RunSummary } from '../run-summary.js';
import { fallbackRungs } from '../summary/item-metric-value.js';
import { isSummaryMetricName, summaryMetrics } from '../summary/summary-metrics.js';
import { displayPath } from './display-path.js';
import { fewConversationsNote } from './few-conversations-note.js';
import {
  formatCount,
  formatEstimate,
  formatInterval,
  formatLatency,
  formatP,
  formatRate,
  formatSigned,
  formatUsd,
} from './format-number.js';

/** Significance level of the markers in the comparison tables. */
export const significanceLevel = 0.05;

/** Options of {@link renderMarkdown}. */
export interface RenderMarkdownOptions {
  /** Paths (the dataset) are shown relative to this folder; default: as they are in the summary. */
  cwd?: string;
}

/**
 * Renders `report.md`: the verdict as a heading, what was run and how it was scored, the
 * strategies with their means and 95% intervals, the paired comparisons with the baseline (with a
 * marker where p < 0.05), the gate checks, the fallback-rung breakdown and the details (pass
 * rate, needs-cleanup share, pass^k, tokens, cost, custom scores). GitHub-flavoured Markdown,
 * ready for `$GITHUB_STEP_SUMMARY` or a PR comment; every user-provided string is escaped.
 *
 * @param summary - The run summary.
 * @param options - The folder paths are shown relative to.
 * @returns The Markdown text, ending with a newline.
 *
 * @example
 * ```ts
 * await writeFile(join(out, 'report.md'), renderMarkdown(summary));
 * ```
 */
export function renderMarkdown(summary: RunSummary, options: RenderMarkdownOptions = {}): string {
  const sections = [
    verdict(summary),
    ...notices(summary),
    runLine(summary, options.cwd),
    scorerLine(summary),
    strategiesSection(summary),
    freeRunMarkdownSection(summary, text),
    floorSection(summary),
    comparisonsSection(summary),
    gateSection(summary),
    rungsSection(summary),
    detailsSection(summary),
    customSection(summary),
  ].filter((section) => section !== '');
  return `${sections.join('\n\n')}\n`;
}

/** The one-line verdict, as the heading. */
function verdict(summary: RunSummary): string {
  const { checks, passed } = summary.gate;
  if (checks.length === 0) return '## Baton eval: no gates set';
  const failed = checks.filter((check) => !check.passed).length;
  const plural = checks.length === 1 ? 'check' : 'checks';
  return passed
    ? `## ✅ Baton eval: gate passed (${checks.length} ${plural})`
    : `## ❌ Baton eval: gate failed (${failed} of ${checks.length} ${plural})`;
}

function notices(summary: RunSummary): string[] {
  const lines: string[] = [];
  if (summary.interrupted) {
    lines.push('> ⚠️ The run was interrupted: these results cover only the items that finished.');
  }
  if (summary.shard !== undefined) {
    lines.push(
      `> ℹ️ Shard ${summary.shard.index} of ${summary.shard.count}: merge all shards for the whole suite.`,
    );
  }
  return lines;
}

function runLine(summary: RunSummary, cwd: string | undefined): string {
  const { suite } = summary;
  const parts = [
    `**${text(displayPath(suite.name, cwd))}** (${text(displayPath(suite.dataset, cwd))}${suite.split === null ? '' : `, split ${text(suite.split)}`})`,
    `${formatCount(suite.conversations)} conversations, ${formatCount(suite.turns)} turns`,
    summary.repeat > 1 ? `${summary.repeat} repeats` : '',
    `baseline **${text(summary.baseline)}**`,
    summary.model === null ? 'offline (no model)' : `model ${text(summary.model)}`,
    summary.replay === undefined ? '' : text(replayLine(summary.replay)),
    `seed ${summary.seed}, ${formatCount(summary.resamples)} resamples`,
  ];
  const info = suite.splitInfo;
  const split =
    info === undefined
      ? ''
      : `**Split:** ${text(info.method)}${info.seed === undefined ? '' : ` (hash seed ${text(info.seed)}, ${Math.round((info.testShare ?? 0) * 100)} % test)`} · trained routers learned from ${
          info.training.source === 'train-split'
            ? `${formatCount(info.training.conversations)} train-side conversations (${formatCount(info.training.examples)} labelled turns)`
            : info.training.source === 'train-file'
              ? `${formatCount(info.training.conversations)} conversations of --train (${formatCount(info.training.examples)} labelled turns)`
              : info.training.source === 'capability-cards'
                ? `the capability cards' ${formatCount(info.training.examples)} examples (no conversation)`
                : 'nothing'
        }`;
  return [parts.filter((part) => part !== '').join(' · '), split].filter((part) => part !== '').join('\n\n');
}

function scorerLine(summary: RunSummary): string {
  const { scorer } = summary;
  const judge = [
    scorer.judgeModel === undefined ? '' : `judge ${text(scorer.judgeModel)}`,
    scorer.rubric === undefined ? '' : `rubric ${text(scorer.rubric)}`,
  ].filter((part) => part !== '');
  return [
    `**Scorer:** answer quality by ${text(scorer.answerQuality)}${judge.length > 0 ? ` (${judge.join(', ')})` : ''}`,
    `human cleanup by ${text(scorer.humanCleanup)}`,
    ...(scorer.nuggets === undefined
      ? []
      : [
          `nuggets annotated on ${formatCount(scorer.nuggets.annotated)} turns, extracted from the reference on ${formatCount(scorer.nuggets.extracted)}, none on ${formatCount(scorer.nuggets.none)}`,
        ]),
    `pass at quality ≥ ${scorer.passThreshold}`,
    `needs cleanup above ${scorer.needsCleanupThreshold}`,
  ].join(' · ');
}

function strategiesSection(summary: RunSummary): string {
  const flagged = (strategy: RunSummary['strategies'][number], metric: string, value: string) =>
    (strategy.flags ?? []).includes(`${metric}-at-floor`) ? `${value} ⚑` : value;
  const rows = summary.strategies.map((strategy) => {
    const { metrics } = strategy;
    return [
      strategyName(strategy.name, summary.baseline, strategy.role),
      formatCount(strategy.turns),
      `${formatCount(strategy.failed)} / ${formatCount(strategy.errors)}`,
      flagged(strategy, 'answerQuality', formatEstimate(metrics.answerQuality)),
      `${formatEstimate(metrics.answeredQuality)} (n ${formatCount(metrics.answeredQuality.n)})`,
      formatEstimate(metrics.fallbackRate),
      formatEstimate(metrics.escalationRate),
      `${formatRate(metrics.unnecessaryEscalationRate.mean)} / ${formatRate(metrics.missedEscalationRate.mean)}`,
      flagged(strategy, 'humanCleanup', formatEstimate(metrics.humanCleanup)),
      formatEstimate(metrics.routingAccuracy),
      formatEstimate(metrics.tokenF1),
      formatLatency(metrics.latencyMs),
      formatUsd(metrics.costUsd.perTurn),
    ];
  });
  return [
    '### Strategies',
    table(
      [
        'Strategy',
        'Turns',
        'Failed / errors',
        'Quality ↑',
        'Answered-only quality ↑',
        'Fallback ↓',
        'Escalation ↓',
        'Unneeded / missed esc. ↓',
        'Cleanup ↓',
        'Routing ↑',
        'Token F1 ↑',
        'Latency p50 / p95',
        'Cost / turn',
      ],
      ['l', 'r', 'r', 'l', 'l', 'l', 'l', 'r', 'l', 'l', 'l', 'r', 'r'],
      rows,
    ),
    'Means with 95% bootstrap CIs resampled by conversation; n/a where a denominator is empty. Quality is nugget recall over every turn with nuggets: an escalation counts 1 when the gold label says a human was needed, else 0; failed and errored turns count 0 (answered-only quality beside it, with its n). Cleanup is HTER to the closest acceptable reply; escalations and failures count 1.',
    ...unscoredNote(summary),
  ].join('\n\n');
}

/** Answers the quality scorer gave no number are outside quality and the pass rate: said, not hidden. */
function unscoredNote(summary: RunSummary): string[] {
  const unscored = summary.strategies.filter((strategy) => (strategy.unscored ?? 0) > 0);
  if (unscored.length === 0) return [];
  const counts = unscored.map((strategy) => `${text(strategy.name)} ${formatCount(strategy.unscored!)}`);
  return [
    `**Unscored answers:** ${counts.join(', ')}: the quality scorer gave these answers no number (a judge verdict that could not be read), so quality and the pass rate leave them out, and gates on them do not pass.`,
  ];
}

/** The floor probes and the recorded bot, and which numbers do not clear the floor. */
function floorSection(summary: RunSummary): string {
  const lines: string[] = [];
  const { floor } = summary;
  if (floor !== undefined) {
    const flagged = summary.strategies.filter((strategy) => (strategy.flags ?? []).length > 0);
    lines.push(
      `**Floor:** ${floor.probes.map(text).join(' and ')} answer without content (the customer's own message; one fixed polite non-answer). A strategy must beat them: quality above ${formatRate(floor.answerQuality)} and cleanup below ${formatRate(floor.humanCleanup)} (their best 95% bounds).`,
      flagged.length === 0
        ? 'Every strategy clears the floor.'
        : `⚑ Indistinguishable from a content-free answer: ${flagged
            .map(
              (strategy) =>
                `${text(strategy.name)} (${strategy.flags.map((flag) => text(flag.replace('-at-floor', ''))).join(', ')})`,
            )
            .join('; ')}.`,
    );
  }
  const recorded = summary.strategies.find((strategy) => strategy.role === 'recorded');
  if (recorded !== undefined && recorded.metrics.recordedHter.mean !== null) {
    lines.push(
      `**Recorded bot:** true HTER of its ${formatCount(recorded.metrics.recordedHter.n)} drafts against the humans' finals ${formatEstimate(recorded.metrics.recordedHter)}; turns without a draft count as escalations (a human wrote the reply).`,
    );
  }
  return lines.join('\n\n');
}

function comparisonsSection(summary: RunSummary): string {
  if (summary.comparisons.length === 0) return '';
  // The run's baseline first, then extra pairs (a strategy against its rival), one table each.
  const baselines = [...new Set([summary.baseline, ...summary.comparisons.map((entry) => entry.baseline)])];
  const tables = baselines.flatMap((baseline) => {
    const comparisons = summary.comparisons.filter((comparison) => comparison.baseline === baseline);
    if (comparisons.length === 0) return [];
    const rows = comparisons.map((comparison) => [
      text(comparison.candidate),
      metricLabel(comparison.metric, comparison.higherIsBetter),
      formatSigned(comparison.diff),
      formatInterval(comparison.ci95, { signed: true }),
      formatP(comparison.p),
      comparison.method === 'mcnemar'
        ? `${formatCount(comparison.n)} turns`
        : `${formatCount(comparison.n)} conv.`,
      significance(comparison),
    ]);
    return [
      `### Compared with ${text(baseline)} (paired)`,
      table(
        ['Candidate', 'Metric', 'Diff', '95% CI', 'p', 'Paired', ''],
        ['l', 'l', 'r', 'l', 'r', 'r', 'l'],
        rows,
      ),
    ];
  });
  const few = fewConversationsNote(summary);
  return [
    ...tables,
    `Diff = candidate − baseline on the turns both have in the denominator: paired bootstrap by conversation, McNemar (turns) for the pass rate. Marked where p < 0.05.${few ? ` ${few}` : ''}`,
  ].join('\n\n');
}

/**
 * `✅ better` or `⚠️ worse` where the difference is significant at p < 0.05, taking the metric's
 * direction into account; empty otherwise.
 */
export function significance(comparison: Comparison): string {
  if (comparison.p === null || comparison.diff === null || comparison.diff === 0) return '';
  if (comparison.p >= significanceLevel) return '';
  return comparison.diff > 0 === comparison.higherIsBetter ? '✅ better' : '⚠️ worse';
}

function gateSection(summary: RunSummary): string {
  if (summary.gate.checks.length === 0) return '';
  const rows = summary.gate.checks.map((check) => [
    check.passed ? '✅' : '❌',
    text(check.strategy),
    text(check.name),
    text(check.message),
  ]);
  return ['### Gate', table(['', 'Strategy', 'Check', 'Result'], ['l', 'l', 'l', 'l'], rows)].join('\n\n');
}

function rungsSection(summary: RunSummary): string {
  const rows = summary.strategies.map((strategy) => {
    const { fallbackRate } = strategy.metrics;
    return [
      strategyName(strategy.name, summary.baseline),
      formatCount(fallbackRate.n),
      formatRate(fallbackRate.mean),
      formatRate(fallbackRate.rungs.failed ?? null),
      ...fallbackRungs.map((rung) => formatRate(fallbackRate.rungs[rung])),
    ];
  });
  return [
    '### Fallback rungs',
    'Share of the turns of a delegating strategy that attempted a delegation or failed in which the delegation failed before or during the attempt, and in which each rung of the failure ladder ran (a turn may take several).',
    table(
      ['Strategy', 'In denominator', 'Fallback', 'Failed', 'Retry', 'Alternative', 'Self', 'Human'],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      rows,
    ),
  ].join('\n\n');
}

function detailsSection(summary: RunSummary): string {
  const repeated = summary.strategies.some((strategy) => strategy.metrics.passHatK !== undefined);
  const rows = summary.strategies.map((strategy) => {
    const { metrics } = strategy;
    const passHatK = metrics.passHatK;
    return [
      strategyName(strategy.name, summary.baseline),
      formatCount(strategy.conversations),
      formatCount(strategy.failed),
      formatEstimate(metrics.passRate),
      formatRate(metrics.humanCleanup.needsCleanupShare),
      ...(repeated
        ? [
            passHatK === undefined
              ? 'n/a'
              : `${formatRate(passHatK.turns)} / ${formatRate(passHatK.conversations)}`,
          ]
        : []),
      metrics.tokens.p50 === null
        ? 'n/a'
        : `${Math.round(metrics.tokens.p50)} / ${Math.round(metrics.tokens.p95!)}`,
      formatUsd(metrics.costUsd.total),
    ];
  });
  const k = summary.repeat;
  return [
    '### Details',
    table(
      [
        'Strategy',
        'Conversations',
        'Failed',
        'Pass rate ↑',
        'Needs cleanup ↓',
        ...(repeated ? [`pass^${k} turns / conv. ↑`] : []),
        'Tokens p50 / p95',
        'Cost total',
      ],
      ['l', 'r', 'r', 'l', 'r', ...(repeated ? ['r' as const] : []), 'r', 'r'],
      rows,
    ),
  ].join('\n\n');
}

function customSection(summary: RunSummary): string {
  const names = [
    ...new Set(summary.strategies.flatMap((strategy) => Object.keys(strategy.metrics.custom ?? {}))),
  ].sort();
  if (names.length === 0) return '';
  const rows = summary.strategies.map((strategy) => [
    strategyName(strategy.name, summary.baseline, strategy.role),
    ...names.map((name) => {
      const estimate = strategy.metrics.custom?.[name];
      return estimate === undefined ? 'n/a' : `${formatEstimate(estimate)} (n ${formatCount(estimate.n)})`;
    }),
  ]);
  const direction = (name: string) => ((summary.scorer.custom?.[name]?.higherIsBetter ?? true) ? '↑' : '↓');
  const described = names.flatMap((name) => {
    const custom = summary.scorer.custom?.[name];
    if (custom === undefined) return [];
    // A score without a value for unanswered turns averages the answered ones only: said, not hidden.
    const over = custom.answeredOnly
      ? ' (over answered turns only: failed, errored and escalated turns are left out)'
      : '';
    return [`${text(name)}: ${text(custom.description)}${over}`];
  });
  return [
    '### Custom scores',
    table(
      ['Strategy', ...names.map((name) => `${text(name)} ${direction(name)}`)],
      ['l', ...names.map(() => 'l' as const)],
      rows,
    ),
    ...(described.length === 0
      ? []
      : [`Scorers: ${described.join(' · ')}. Compared with the baseline above; gated by name.`]),
  ].join('\n\n');
}

function strategyName(name: string, baseline: string, role?: string): string {
  if (name === baseline) return `${text(name)} (baseline)`;
  if (role === 'probe') return `${text(name)} (floor)`;
  if (role === 'recorded') return `${text(name)} (recorded bot)`;
  return text(name);
}

function metricLabel(metric: string, higherIsBetter: boolean): string {
  const label = isSummaryMetricName(metric) ? summaryMetrics[metric].label : text(metric);
  return `${label} ${higherIsBetter ? '↑' : '↓'}`;
}

function table(header: readonly string[], align: readonly ('l' | 'r')[], rows: readonly string[][]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const rule = `|${align.map((side) => (side === 'r' ? '--:' : '---')).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/**
 * Escapes user-provided text for Markdown, inside a table cell too: inline Markdown punctuation is
 * backslash-escaped (the text never starts a line, so `#`, `-` and `+` stay as they are), `|`
 * cannot end a cell, `<`, `>` and `&` become entities so nothing renders as HTML, and line breaks
 * become spaces.
 */
export function escapeMarkdown(value: string): string {
  return value
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_[\]|~]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

const text = escapeMarkdown;
