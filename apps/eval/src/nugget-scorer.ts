import { matchNuggets, type NuggetMatchResult } from '@baton/core/facts';
import { TextScoreMemo } from './metrics/text-score-memo.js';
import type { TextScoring } from './metrics/text-scoring.js';
import type { Scorer, ScorerResult } from './scorer.js';

/**
 * Offline answer quality: the share of the reply's nuggets (the facts an acceptable answer must
 * convey) that the answer conveys, by normalised matching (see `matchNuggets`), on this thread or,
 * given the run's `textScoring`, wherever that computes (a worker pool). The verdict for
 * every nugget — present, missing or contradicted — is kept with the item, with where the nuggets
 * came from (annotated in the dataset, or extracted from the reference).
 *
 * @example
 * ```ts
 * const scorer = nuggetScorer();
 * scorer.score({ turn, strategy: 'solo', answer: 'Refunds take 5–10 business days.', signal }).value; // 1
 * ```
 */
export function nuggetScorer(options: { name?: string; textScoring?: TextScoring } = {}): Scorer {
  // Matching is pure: strategies that give a turn the same answer share one match (per scorer,
  // so per run). With a run's text scoring, that scoring memoises it and may run it in a worker.
  const memo = new TextScoreMemo();
  const { textScoring } = options;
  return {
    specificationVersion: 'v1',
    name: options.name ?? 'answerQuality',
    description:
      'nugget recall (offline matching: case, accents, numbers, dates, codes, menu paths normalised)',
    score({ turn, answer }) {
      if (turn.nuggets.length === 0) return { value: null };
      const result = ({ recall, judgements }: NuggetMatchResult): ScorerResult => ({
        value: recall === null ? null : Math.round(recall * 10000) / 10000,
        details: { method: 'nugget-match', nuggetSource: turn.nuggetSource, nuggets: judgements },
      });
      if (textScoring) return textScoring.matchNuggets(answer, turn.nuggets).then(result);
      return result(
        memo.remember(TextScoreMemo.key('nuggets', answer, turn.nuggets), () =>
          matchNuggets(answer, turn.nuggets),
        ),
      );
    },
  };
}
