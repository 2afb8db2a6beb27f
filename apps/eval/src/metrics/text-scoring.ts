import { matchNuggets, type NuggetMatchResult } from '@baton/core/facts';
import { type TargetedCleanupResult, targetedCleanup } from './targeted-cleanup.js';
import { TextScoreMemo } from './text-score-memo.js';
import { tokenF1 } from './token-f1.js';
import { humanCleanup } from './translation-edit-rate.js';

/** The texts one answered turn's text-only scores read. */
export interface TextScoreRequest {
  /** The answer being scored. */
  answer: string;
  /** The recorded human reply. */
  reference: string;
  /** The facts an acceptable reply must convey. */
  nuggets: readonly string[];
  /** The recorded bot's draft of the turn, when its recorded HTER is wanted too. */
  recordedDraft?: string;
}

/** The text-only scores of one answer: pure functions of the request, rounded to 4 places. */
export interface TextScores {
  /** Cleanup against the targeted reference (see `targetedCleanup`). */
  cleanup: TargetedCleanupResult;
  /** Token F1 of the answer against the reference. */
  tokenF1: number;
  /** The recorded draft's TER to the reference, when a draft was given. */
  recordedHter?: number;
}

/**
 * Where a run computes its text-only scores: on the main thread ({@link inlineTextScoring}) or in
 * worker threads (`createTextScorePool`). Either gives the same numbers; a pool keeps the event loop
 * free for the turns in flight while the CPU-heavy edit-rate search runs on other cores.
 */
export interface TextScoring {
  /** The scores of one answer. Rejects only on a fault of the scoring itself (a crashed worker). */
  score(request: TextScoreRequest): Promise<TextScores>;
  /** The offline answer quality of one answer: `matchNuggets`, wherever it runs. */
  matchNuggets(answer: string, nuggets: readonly string[]): Promise<NuggetMatchResult>;
  /** Threads scoring besides the main one (0 for inline). */
  readonly threads: number;
  /** Releases the workers; pending scores reject. Idempotent. */
  close(): Promise<void>;
}

/**
 * Computes one answer's text-only scores synchronously: the function both the inline scoring and
 * every worker run, so the two cannot drift apart.
 *
 * @example
 * ```ts
 * computeTextScores({ answer: 'Refunds take 5 days.', reference: 'Refunds take 5 days.', nuggets: [] }).tokenF1; // 1
 * ```
 */
export function computeTextScores(request: TextScoreRequest): TextScores {
  const { answer, reference, nuggets, recordedDraft } = request;
  const scores: TextScores = {
    cleanup: targetedCleanup(answer, reference, nuggets),
    tokenF1: round(tokenF1(answer, reference).f1),
  };
  if (recordedDraft !== undefined) scores.recordedHter = round(humanCleanup(recordedDraft, reference));
  return scores;
}

/** The two computations a {@link TextScoring} runs, before memoising. */
export interface TextScoreComputations {
  score(request: TextScoreRequest): Promise<TextScores>;
  matchNuggets(answer: string, nuggets: readonly string[]): Promise<NuggetMatchResult>;
}

/**
 * Memoises both computations (see {@link TextScoreMemo}), for both kinds of scoring: strategies that
 * give a turn the same answer share one computation, in flight or done.
 */
export function memoizeTextScoring(
  compute: TextScoreComputations,
): Pick<TextScoring, 'score' | 'matchNuggets'> {
  const scores = new TextScoreMemo();
  const matches = new TextScoreMemo();
  return {
    score: (request) =>
      scores.remember(
        TextScoreMemo.key(
          'text-scores',
          request.answer,
          request.reference,
          request.nuggets,
          // U+0002 stands for "no draft", which no validated text is.
          request.recordedDraft ?? '\u0002',
        ),
        () => compute.score(request),
      ),
    matchNuggets: (answer, nuggets) =>
      matches.remember(TextScoreMemo.key('nuggets', answer, nuggets), () =>
        compute.matchNuggets(answer, nuggets),
      ),
  };
}

/**
 * Text scores computed on the calling thread: no workers, nothing to close. The right choice on a
 * one-core machine and in tests of the scores themselves.
 *
 * @example
 * ```ts
 * const scoring = inlineTextScoring();
 * const { cleanup } = await scoring.score({ answer, reference, nuggets });
 * ```
 */
export function inlineTextScoring(): TextScoring {
  const memoized = memoizeTextScoring({
    score: async (request) => computeTextScores(request),
    matchNuggets: async (answer, nuggets) => matchNuggets(answer, nuggets),
  });
  return { ...memoized, threads: 0, close: async () => {} };
}

function round(value: number): number {
  return Math.round(value * 10000) / 10000;
}
