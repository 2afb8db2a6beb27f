import type { DelegationRecord, Roster } from '@baton/core';
import { fallbackRungScorePrefix, type ScoreValue, scoreNames } from './item-result.js';
import { humanCleanup } from './metrics/translation-edit-rate.js';
import type { ReplayTurn } from './replay-turn.js';

/** Thresholds of the built-in scores. */
export interface ScoringThresholds {
  /** Quality at or above which an answered turn passes (for pass^k and McNemar). */
  passThreshold: number;
  /** Cleanup above which a turn "needs cleanup". */
  needsCleanupThreshold: number;
}

/**
 * The built-in per-item scores (METRICS.md): cleanup, fallback, escalation, routing and pass, from a
 * turn's outcome and delegation records. Answer quality comes from the scorer and is passed in.
 * Errored and failed turns stay in every denominator with the worst value.
 */
export function scoreItem(options: {
  turn: ReplayTurn;
  outcome: 'answered' | 'escalated' | 'failed' | 'error';
  answer: string | null;
  delegations: readonly DelegationRecord[];
  quality: ScoreValue;
  roster: Roster;
  thresholds: ScoringThresholds;
  /** Whether the strategy ever delegates; default true. */
  strategyDelegates?: boolean;
}): Record<string, ScoreValue> {
  const { turn, outcome, answer, delegations, roster, thresholds } = options;
  const broken = outcome === 'error' || outcome === 'failed';
  const escalated = outcome === 'escalated';
  // The human's final text is the reference in the dataset (their edit of the bot draft where one was
  // recorded), so it is what cleanup measures against.
  const cleanup = escalated || broken || answer === null ? 1 : round(humanCleanup(answer, turn.reference));
  const topLevel = delegations.filter((record) => record.depth === 1);
  const rungs = new Set(topLevel.flatMap((record) => record.fallbacks.map((step) => step.rung)));
  // A turn the harness got nothing back for is counted as an attempted delegation that fell back —
  // the worst case — unless the strategy never delegates at all.
  const erroredDelegation = outcome === 'error' && options.strategyDelegates !== false;
  const attempted = erroredDelegation || topLevel.length > 0;
  const fallback = erroredDelegation || rungs.size > 0;
  const quality = escalated ? null : broken ? 0 : options.quality;
  const scores: Record<string, ScoreValue> = {
    [scoreNames.answerQuality]: quality,
    [scoreNames.humanCleanup]: cleanup,
    [scoreNames.needsCleanup]: cleanup > thresholds.needsCleanupThreshold,
    [scoreNames.delegationAttempted]: attempted,
    [scoreNames.fallback]: attempted ? fallback : null,
    [scoreNames.escalated]: escalated,
    [scoreNames.routingCorrect]: routingCorrect(turn, outcome, topLevel, roster),
    [scoreNames.pass]: passes(turn, outcome, quality, thresholds.passThreshold),
  };
  for (const rung of ['retry', 'alternative', 'self', 'human'] as const) {
    scores[`${fallbackRungScorePrefix}${rung}`] = attempted ? erroredDelegation || rungs.has(rung) : null;
  }
  return scores;
}

/**
 * Whether the delegates chosen in the turn serve every gold domain: a delegation's chosen agent
 * serves its card's domains; no delegation means the front agent served the turn; escalation serves
 * `human`. Null when the turn has no gold label; false when the harness got no result.
 */
function routingCorrect(
  turn: ReplayTurn,
  outcome: string,
  delegations: readonly DelegationRecord[],
  roster: Roster,
): boolean | null {
  if (turn.gold.domains.length === 0) return null;
  // No result, or a failure before any delegate was chosen: nothing was routed correctly.
  if (outcome === 'error' || (outcome === 'failed' && delegations.length === 0)) return false;
  const served = new Set<string>();
  const chosen = delegations.map((record) => record.chosenAgentId).filter((id): id is string => id !== null);
  if (chosen.length === 0 && outcome !== 'escalated')
    for (const domain of roster.front.card.domains) served.add(domain);
  for (const id of chosen)
    if (roster.has(id)) for (const domain of roster.get(id).card.domains) served.add(domain);
  if (outcome === 'escalated') served.add('human');
  return turn.gold.domains.every((domain) => served.has(domain));
}

function passes(turn: ReplayTurn, outcome: string, quality: ScoreValue, threshold: number): boolean {
  if (outcome === 'escalated') return turn.gold.domains.includes('human');
  return typeof quality === 'number' && quality >= threshold;
}

function round(value: number): number {
  return Math.round(value * 10000) / 10000;
}
