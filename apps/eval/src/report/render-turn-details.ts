import type { DelegationRecord } from '@baton/core';
import type { ItemResult } from '../item-result.js';
import { itemMetricValue } from '../summary/item-metric-value.js';
import { escapeMarkup } from './escape-markup.js';
import { formatCount, formatRate } from './format-number.js';

/** Options of {@link renderTurnDetails}. */
export interface RenderTurnDetailsOptions {
  /** Characters of input, answer and reference shown before cutting. */
  maxTextLength: number;
  /** Show the repeat number (runs with `--repeat k`). */
  showRepeat: boolean;
}

/** One nugget and whether the answer conveyed it, as the scorers record it. */
interface NuggetVerdict {
  nugget: string;
  verdict: string;
}

const h = escapeMarkup;

/**
 * One replayed turn, drilled down, as a `<details>` element of `report.html`: the customer's
 * message, the strategy's answer (or its error), the recorded human reply, every nugget with its
 * verdict (present, missing, contradicted: from `scoreDetails.answerQuality.nuggets`), and each
 * delegation record — the candidates and the choice with its reason, every attempt with its
 * verifiers' verdicts and errors, the fallback steps, and what was excluded. Every string from the
 * dataset or a model is escaped.
 *
 * @param item - The turn, whole (not slimmed).
 * @param options - How much text to show.
 * @returns The HTML of one `<details class="turn">`.
 */
export function renderTurnDetails(item: ItemResult, options: RenderTurnDetailsOptions): string {
  const quality = itemMetricValue(item, 'answerQuality');
  const cleanup = itemMetricValue(item, 'humanCleanup');
  const heading = [
    `<span class="turn-id">${h(item.itemId)}</span>`,
    options.showRepeat ? `repeat ${item.repeat}` : '',
    `<span class="outcome ${h(item.outcome)}">${h(item.outcome)}</span>`,
    `quality ${formatRate(quality)}`,
    `cleanup ${formatRate(cleanup)}`,
  ].filter((part) => part !== '');
  const answer =
    item.answer ?? (item.error === undefined ? '(no answer)' : `${item.error.code}: ${item.error.message}`);
  const cut = (text: string) => cutText(text, options.maxTextLength);
  return [
    `<details class="turn" data-item="${h(item.itemId)}"><summary>${heading.join(' · ')}</summary>`,
    '<div class="turn-body">',
    `<div class="label">Customer</div><pre class="input">${h(cut(item.input))}</pre>`,
    `<div class="label">Answer${item.respondedBy.length > 0 ? ` <span class="n">by ${h(item.respondedBy.join(', '))}</span>` : ''}</div><pre class="answer">${h(cut(answer))}</pre>`,
    `<div class="label">Reference (the human's reply)</div><pre class="reference">${h(cut(item.reference ?? '(routing-only turn: no reference)'))}</pre>`,
    nuggetsTable(item),
    ...item.delegations.map((record, index) => delegationRecord(record, index, item.delegations.length)),
    '</div>',
    '</details>',
  ].join('\n');
}

function nuggetsTable(item: ItemResult): string {
  const verdicts = nuggetVerdicts(item);
  if (verdicts.length === 0) {
    const listed = item.nuggets ?? [];
    if (listed.length === 0) return '<p class="note">No nuggets for this turn.</p>';
    return [
      '<div class="label">Nuggets</div>',
      `<ul class="nuggets">${listed.map((nugget) => `<li>${h(nugget)}</li>`).join('')}</ul>`,
    ].join('\n');
  }
  const present = verdicts.filter((entry) => entry.verdict === 'present').length;
  const rows = verdicts.map(
    (entry) =>
      `<tr><td>${h(entry.nugget)}</td><td><span class="verdict ${h(entry.verdict)}">${h(entry.verdict)}</span></td></tr>`,
  );
  return [
    `<div class="label">Nuggets <span class="n">${present} of ${verdicts.length} present${item.nuggetSource === undefined ? '' : `, ${h(item.nuggetSource)}`}</span></div>`,
    '<table class="nuggets"><thead><tr><th>Nugget</th><th>Verdict</th></tr></thead><tbody>',
    ...rows,
    '</tbody></table>',
  ].join('\n');
}

/** The answer-quality scorer's per-nugget verdicts, when it recorded them. */
function nuggetVerdicts(item: ItemResult): NuggetVerdict[] {
  const details = item.scoreDetails?.answerQuality;
  if (typeof details !== 'object' || details === null) return [];
  const nuggets = (details as { nuggets?: unknown }).nuggets;
  if (!Array.isArray(nuggets)) return [];
  return nuggets.flatMap((entry): NuggetVerdict[] => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { nugget, verdict } = entry as { nugget?: unknown; verdict?: unknown };
    return typeof nugget === 'string' && typeof verdict === 'string' ? [{ nugget, verdict }] : [];
  });
}

function delegationRecord(record: DelegationRecord, index: number, count: number): string {
  const title = `Delegation${count > 1 ? ` ${index + 1} of ${count}` : ''} (${h(record.mode)}, ${h(record.outcome)})`;
  const candidates = [...record.candidates]
    .sort((first, second) => second.score - first.score)
    .slice(0, 5)
    .map(
      (candidate) =>
        `${candidate.agentId === record.chosenAgentId ? '<strong>' : ''}${h(candidate.agentId)} ${formatRate(candidate.score)}${candidate.agentId === record.chosenAgentId ? '</strong>' : ''}`,
    );
  const facts = [
    `chose <strong>${h(record.chosenAgentId ?? 'nobody')}</strong>: ${h(record.reason)}`,
    candidates.length === 0
      ? ''
      : `candidates ${candidates.join(', ')}${record.candidates.length > 5 ? ` and ${record.candidates.length - 5} more` : ''}`,
    `context ${h(record.context.policy)}: ${formatCount(record.context.messages)} messages, ${formatCount(record.context.characters)} characters${record.context.redactions > 0 ? `, ${record.context.redactions} redactions` : ''}`,
    record.answeredBy === undefined ? '' : `answered by ${h(record.answeredBy)}`,
  ].filter((part) => part !== '');
  const attempts = record.attempts.map((attempt) => {
    const verdicts = attempt.verdicts
      .map(
        (verdict) =>
          `<span class="verdict ${verdict.passed ? 'present' : 'missing'}">${h(verdict.verifier)} ${verdict.passed ? 'passed' : 'failed'}</span> ${h(verdict.reason)}`,
      )
      .join('<br>');
    return `<tr><td class="num">${attempt.index}</td><td>${h(attempt.agentId)}</td><td>${h(attempt.rung)}</td><td><span class="outcome ${h(attempt.outcome)}">${h(attempt.outcome)}</span>${attempt.error ? `<br>${h(attempt.error.code)}: ${h(attempt.error.message)}` : ''}</td><td>${verdicts || '<span class="n">none</span>'}</td></tr>`;
  });
  const fallbacks = record.fallbacks.map(
    (step) =>
      `<li>${h(step.rung)}${step.fromAgentId ? ` from ${h(step.fromAgentId)}` : ''}${step.toAgentId ? ` to ${h(step.toAgentId)}` : ''}: ${h(step.reason)}</li>`,
  );
  const excluded = record.excluded.map((entry) => `${h(entry.agentId)} (${h(entry.reason)})`);
  return [
    `<div class="record"><div class="label">${title}</div>`,
    `<p class="facts">${facts.join(' · ')}</p>`,
    attempts.length === 0
      ? ''
      : [
          '<table class="attempts"><thead><tr><th>#</th><th>Agent</th><th>Rung</th><th>Outcome</th><th>Verifiers</th></tr></thead><tbody>',
          ...attempts,
          '</tbody></table>',
        ].join('\n'),
    fallbacks.length === 0 ? '' : `<div class="label">Fallback steps</div><ul>${fallbacks.join('')}</ul>`,
    excluded.length === 0 ? '' : `<p class="facts">excluded: ${excluded.join(', ')}</p>`,
    '</div>',
  ]
    .filter((part) => part !== '')
    .join('\n');
}

function cutText(text: string, length: number): string {
  return text.length <= length
    ? text
    : `${text.slice(0, length)}… (${formatCount(text.length - length)} more characters)`;
}
