import type { DelegationRecord, Roster } from '@baton/core';
import { fallbackRungScorePrefix, type ScoreValue, scoreNames } from './item-result.js';
import { computeTextScores, type TextScores } from './metrics/text-scoring.js';
import { humanCleanup } from './metrics/translation-edit-rate.js';
import { humanNeeded, type ReplayTurn } from './replay-turn.js';

/** Thresholds of the built-in scores. */
export interface ScoringThresholds {
  /** Quality at or above which an answered turn passes (for pass^k and McNemar). */
  passThreshold: number;
  /** Cleanup above which a turn "needs cleanup". */
  needsCleanupThreshold: number;
}

/** What kind of row of a run an item belongs to. */
export type RowRole = 'strategy' | 'probe' | 'recorded';

/** The built-in scores of one item, and how its cleanup target was made. */
export interface ScoredItem {
  scores: Record<string, ScoreValue>;
  /** The targeted reference the cleanup was measured against (for the item's record). */
  cleanupTarget?: { target: string; method: 'targeted-reference' | 'judge-post-edit' };
}

/**
 * The built-in per-item scores (see the README's metric definitions), from a turn's outcome, its
 * answer and delegation records. Answer quality (the nugget recall of the answer) comes from the
 * quality scorer and is passed in; so does the judge's post-edit when there is one. Failed,
 * errored and escalated turns stay in every denominator:
 *
 * - headline quality: an escalation scores 1 when the gold label says a human is needed, else 0;
 *   a failure scores 0; answered-only quality is kept beside it;
 * - cleanup: TER to the targeted reference (or to the judge's post-edit); escalations and
 *   failures cost 1;
 * - fallback: in a delegating strategy, a failed or errored turn is a failed delegation, counted
 *   as attempted and as a fallback.
 */
export function scoreItem(options: {
  turn: ReplayTurn;
  outcome: 'answered' | 'escalated' | 'failed' | 'error';
  answer: string | null;
  delegations: readonly DelegationRecord[];
  /** The quality scorer's value for an answered turn (nugget recall or the judge's), else null. */
  quality: ScoreValue;
  /**
   * The judge's minimal post-edit of the answer, when a judge wrote one; null when the run's
   * scorer writes post-edits and gave none for this answer (its judgement failed): cleanup then
   * has no target and stays null, never measured against another kind of target.
   */
  postEdit?: string | null;
  roster: Roster;
  thresholds: ScoringThresholds;
  /** Whether the strategy ever delegates; default true. */
  strategyDelegates?: boolean;
  role?: RowRole;
  /**
   * The answer's text-only scores, already computed (by a run's `TextScoring`, possibly in a worker,
   * memoised) for this answer, the turn's reference and nuggets, and the recorded draft of a
   * `recorded` row; computed here when absent.
   */
  text?: TextScores;
}): ScoredItem {
  const { turn, outcome, answer, delegations, roster, thresholds } = options;
  const broken = outcome === 'error' || outcome === 'failed';
  const escalated = outcome === 'escalated';
  const answered = outcome === 'answered' && answer !== null;
  const needed = humanNeeded(turn);
  const checkable = turn.reference !== null && turn.nuggets.length > 0;

  const answeredQuality =
    answered && checkable && typeof options.quality === 'number' ? options.quality : null;
  let quality: number | null = null;
  if (checkable) {
    if (escalated) quality = needed === true ? 1 : 0;
    else if (broken || answer === null) quality = 0;
    else quality = answeredQuality;
  }

  const text =
    answered && turn.reference !== null
      ? (options.text ??
        computeTextScores({
          answer,
          reference: turn.reference,
          nuggets: turn.nuggets,
          ...(options.role === 'recorded' && turn.recordedDraft !== undefined
            ? { recordedDraft: turn.recordedDraft }
            : {}),
        }))
      : undefined;
  let cleanup: number | null = null;
  let cleanupTarget: ScoredItem['cleanupTarget'];
  if (turn.reference !== null) {
    if (!answered) cleanup = 1;
    else if (options.postEdit === null) cleanup = null;
    else if (options.postEdit !== undefined) {
      cleanup = round(humanCleanup(answer, options.postEdit));
      cleanupTarget = { target: options.postEdit, method: 'judge-post-edit' };
    } else if (text) {
      cleanup = text.cleanup.rate;
      cleanupTarget = { target: text.cleanup.target, method: 'targeted-reference' };
    }
  }

  const topLevel = delegations.filter((record) => record.depth === 1);
  const rungs = new Set(topLevel.flatMap((record) => record.fallbacks.map((step) => step.rung)));
  const delegating = options.strategyDelegates !== false;
  // A failed or errored turn of a delegating strategy is a delegation that failed before or during
  // its attempt: it stays in the fallback denominator and counts as a fallback.
  const delegationFailed = delegating && broken;
  const attempted = delegating && (topLevel.length > 0 || delegationFailed);
  const fallback = delegationFailed || rungs.size > 0;

  const scores: Record<string, ScoreValue> = {
    [scoreNames.answerQuality]: quality,
    [scoreNames.answeredQuality]: answeredQuality,
    [scoreNames.tokenF1]:
      // An answer has its token F1; a failure scores 0.
      turn.reference === null || escalated ? null : (text?.tokenF1 ?? 0),
    [scoreNames.humanCleanup]: cleanup,
    [scoreNames.needsCleanup]: cleanup === null ? null : cleanup > thresholds.needsCleanupThreshold,
    [scoreNames.recordedHter]:
      options.role === 'recorded' && turn.reference !== null && turn.recordedDraft !== undefined
        ? (text?.recordedHter ?? round(humanCleanup(turn.recordedDraft, turn.reference)))
        : null,
    [scoreNames.delegationAttempted]: attempted,
    [scoreNames.fallback]: attempted ? fallback : null,
    [scoreNames.delegationFailed]: attempted ? delegationFailed : null,
    [scoreNames.escalated]: escalated,
    [scoreNames.unnecessaryEscalation]: needed === false ? escalated : null,
    [scoreNames.missedEscalation]: needed === true ? !escalated : null,
    // Probes and the recorded bot route nothing: routing accuracy is not theirs to have.
    [scoreNames.routingCorrect]:
      options.role === 'probe' || options.role === 'recorded'
        ? null
        : routingCorrect(turn, outcome, topLevel, roster),
    [scoreNames.pass]: passes({ escalated, broken, needed, quality, threshold: thresholds.passThreshold }),
  };
  for (const rung of ['retry', 'alternative', 'self', 'human'] as const) {
    scores[`${fallbackRungScorePrefix}${rung}`] = attempted ? rungs.has(rung) : null;
  }
  return cleanupTarget ? { scores, cleanupTarget } : { scores };
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

/**
 * Pass/fail for McNemar and pass^k: a correct escalation passes, an unnecessary one fails; a
 * failure fails; an answer passes when its headline quality reaches the threshold; null when
 * there is nothing to judge (a routing-only turn, a reply without nuggets).
 */
function passes(options: {
  escalated: boolean;
  broken: boolean;
  needed: boolean | null;
  quality: number | null;
  threshold: number;
}): boolean | null {
  // Nothing to check (a routing-only turn, a reply without nuggets): no pass/fail, whatever happened.
  if (options.quality === null) return null;
  if (options.escalated) return options.needed === true;
  if (options.broken) return false;
  return options.quality >= options.threshold;
}

function round(value: number): number {
  return Math.round(value * 10000) / 10000;
}
