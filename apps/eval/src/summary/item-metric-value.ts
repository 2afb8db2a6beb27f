import type { FallbackRung } from '@baton/core';
import { fallbackRungScorePrefix, type ItemResult, scoreNames } from '../item-result.js';
import type { SummaryMetricName } from './summary-metrics.js';

/** The failure-ladder rungs, in ladder order. */
export const fallbackRungs: readonly FallbackRung[] = ['retry', 'alternative', 'self', 'human'];

/**
 * One item's value for a summary metric — 0 or 1 for the rates, the score for quality and
 * cleanup — or `null` when the item is not in that metric's denominator.
 *
 * The runner already applies METRICS.md when it scores an item; this reads those scores and
 * re-asserts the rules that keep a metric honest when a score is missing, so that a failure can
 * never leave a denominator by accident ("failed and errored items stay in every denominator"):
 *
 * - `answerQuality`: the score; `null` for an escalated turn (no bot answer); 0 for a failed or
 *   errored turn without a score.
 * - `fallbackRate`: only delegation-attempted turns (an errored turn counts as attempted and as a
 *   fallback); 1 when at least one ladder step ran.
 * - `escalationRate`: every turn; 1 when it ended with a human.
 * - `humanCleanup`: the score; 1 for an escalated, failed or errored turn without one.
 * - `routingAccuracy`: only labelled turns (`routingCorrect` not null).
 * - `passRate`: the pass flag; 0 for a failed or errored turn without one.
 *
 * @param item - One replayed turn.
 * @param metric - The metric.
 * @returns The value, or `null` when the item is outside the denominator.
 */
export function itemMetricValue(item: ItemResult, metric: SummaryMetricName): number | null {
  switch (metric) {
    case 'answerQuality': {
      if (isEscalated(item)) return null;
      const score = numberScore(item, scoreNames.answerQuality);
      if (score !== null) return score;
      return isFailure(item) ? 0 : null;
    }
    case 'fallbackRate':
      if (!isDelegationAttempted(item)) return null;
      return item.outcome === 'error' || booleanScore(item, scoreNames.fallback) === true ? 1 : 0;
    case 'escalationRate':
      return isEscalated(item) ? 1 : 0;
    case 'humanCleanup': {
      const score = numberScore(item, scoreNames.humanCleanup);
      if (score !== null) return score;
      return isEscalated(item) || isFailure(item) ? 1 : null;
    }
    case 'routingAccuracy':
      return asZeroOne(booleanScore(item, scoreNames.routingCorrect));
    case 'passRate': {
      const passed = booleanScore(item, scoreNames.pass);
      if (passed !== null) return passed ? 1 : 0;
      return isFailure(item) ? 0 : null;
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
  return isEscalated(item) || isFailure(item) ? true : null;
}

/**
 * Whether the turn attempted a delegation: the runner's flag, and always for an errored turn
 * (the harness cannot tell, so it counts against the strategy).
 */
export function isDelegationAttempted(item: ItemResult): boolean {
  return item.outcome === 'error' || booleanScore(item, scoreNames.delegationAttempted) === true;
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
  const value = item.scores[name];
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return null;
}

function isFailure(item: ItemResult): boolean {
  return item.outcome === 'failed' || item.outcome === 'error';
}

function numberScore(item: ItemResult, name: string): number | null {
  const value = item.scores[name];
  return typeof value === 'number' ? value : null;
}

function booleanScore(item: ItemResult, name: string): boolean | null {
  const value = item.scores[name];
  return typeof value === 'boolean' ? value : null;
}

function asZeroOne(value: boolean | null): number | null {
  return value === null ? null : value ? 1 : 0;
}
