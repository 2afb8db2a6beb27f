import type { FallbackRung } from '@baton/core';
import { fallbackRungScorePrefix, type ItemResult, scoreNames } from '../item-result.js';
import { scoreOf } from './packed-items.js';
import type { SummaryMetricName } from './summary-metrics.js';

/** The failure-ladder rungs, in ladder order. */
export const fallbackRungs: readonly FallbackRung[] = ['retry', 'alternative', 'self', 'human'];

/**
 * One item's value for a summary metric — 0 or 1 for the rates, the score for quality and
 * cleanup — or `null` when the item is not in that metric's denominator.
 *
 * The runner already applies the metric definitions when it scores an item (see `scoreItem`); this
 * reads those scores and re-asserts the rules that keep a metric honest when a score is missing,
 * so that a failure can never leave a denominator by accident: a failed or errored turn with a
 * reference scores 0 quality and 1 cleanup, and fails.
 *
 * @param item - One replayed turn.
 * @param metric - The metric.
 * @returns The value, or `null` when the item is outside the denominator.
 */
export function itemMetricValue(item: ItemResult, metric: SummaryMetricName): number | null {
  switch (metric) {
    case 'answerQuality': {
      const score = numberScore(item, scoreNames.answerQuality);
      if (score !== null) return score;
      return isFailure(item) && hasNuggets(item) ? 0 : null;
    }
    case 'answeredQuality':
      return numberScore(item, scoreNames.answeredQuality);
    case 'tokenF1':
      return numberScore(item, scoreNames.tokenF1);
    case 'fallbackRate':
      if (!isDelegationAttempted(item)) return null;
      return booleanScore(item, scoreNames.fallback) === true ? 1 : 0;
    case 'escalationRate':
      return isEscalated(item) ? 1 : 0;
    case 'unnecessaryEscalationRate':
      return asZeroOne(booleanScore(item, scoreNames.unnecessaryEscalation));
    case 'missedEscalationRate':
      return asZeroOne(booleanScore(item, scoreNames.missedEscalation));
    case 'humanCleanup': {
      const score = numberScore(item, scoreNames.humanCleanup);
      if (score !== null) return score;
      return item.reference !== null && (isEscalated(item) || isFailure(item)) ? 1 : null;
    }
    case 'recordedHter':
      return numberScore(item, scoreNames.recordedHter);
    case 'routingAccuracy':
      return asZeroOne(booleanScore(item, scoreNames.routingCorrect));
    case 'passRate': {
      const passed = booleanScore(item, scoreNames.pass);
      if (passed !== null) return passed ? 1 : 0;
      return isFailure(item) && hasNuggets(item) ? 0 : null;
    }
  }
}

/**
 * Whether a turn needs human cleanup (its edit rate is above the threshold), with the same rules:
 * an escalated, failed or errored turn without the flag needs cleanup; `null` when unknown.
 */
export function itemNeedsCleanup(item: ItemResult): boolean | null {
  const flag = booleanScore(item, scoreNames.needsCleanup);
  if (flag !== null) return flag;
  return item.reference !== null && (isEscalated(item) || isFailure(item)) ? true : null;
}

/**
 * Whether the turn is in the fallback denominator: the runner's flag, set for every turn of a
 * delegating strategy that attempted a delegation or failed (before or during the attempt).
 */
export function isDelegationAttempted(item: ItemResult): boolean {
  return booleanScore(item, scoreNames.delegationAttempted) === true;
}

/** Whether a failed delegation (the turn failed or errored in a delegating strategy) is recorded. */
export function isDelegationFailed(item: ItemResult): boolean {
  return booleanScore(item, scoreNames.delegationFailed) === true;
}

/** Whether the given failure-ladder rung ran in this turn (`fallback.<rung>` is true). */
export function ranFallbackRung(item: ItemResult, rung: FallbackRung): boolean {
  return booleanScore(item, `${fallbackRungScorePrefix}${rung}`) === true;
}

/** Whether the turn ended with a human: the `escalated` score, else the outcome. */
export function isEscalated(item: ItemResult): boolean {
  return booleanScore(item, scoreNames.escalated) ?? item.outcome === 'escalated';
}

const builtInScoreNames: ReadonlySet<string> = new Set(Object.values(scoreNames));

/**
 * Whether a score key belongs to a pluggable scorer rather than to the built-in scores or the
 * per-rung fallback flags.
 */
export function isCustomScoreName(name: string): boolean {
  return !builtInScoreNames.has(name) && !name.startsWith(fallbackRungScorePrefix);
}

/**
 * A pluggable scorer's value as a number: numbers as they are, pass/fail as 1/0, `null` for
 * categories, `null` and missing scores.
 */
export function customScoreValue(item: ItemResult, name: string): number | null {
  const value = scoreOf(item, name);
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return null;
}

function hasNuggets(item: ItemResult): boolean {
  return item.reference !== null && (item.nuggets === undefined || item.nuggets.length > 0);
}

function isFailure(item: ItemResult): boolean {
  return item.outcome === 'failed' || item.outcome === 'error';
}

function numberScore(item: ItemResult, name: string): number | null {
  const value = scoreOf(item, name);
  return typeof value === 'number' ? value : null;
}

function booleanScore(item: ItemResult, name: string): boolean | null {
  const value = scoreOf(item, name);
  return typeof value === 'boolean' ? value : null;
}

function asZeroOne(value: boolean | null): number | null {
  return value === null ? null : value ? 1 : 0;
}
