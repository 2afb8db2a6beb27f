import type { ScoreValue } from './item-result.js';
import type { ReplayTurn } from './replay-turn.js';

/** What a scorer judges: the replayed turn and the strategy's answer. */
export interface ScorerInput {
  turn: ReplayTurn;
  strategy: string;
  answer: string;
  signal: AbortSignal;
}

/** A scorer's verdict on one answer. */
export interface ScorerResult {
  value: ScoreValue;
  /** Rationale, rubric, model, raw judgements: kept in items.jsonl and sent to Langfuse as a comment. */
  details?: Record<string, unknown>;
  /**
   * The minimal post-edit of the answer, when the scorer writes one (the LLM judge does): human
   * cleanup is then the edit rate from the answer to it instead of to the offline targeted reference.
   */
  postEdit?: string;
}

/**
 * Scores one answer. The harness's answer quality is a scorer (reference-based offline, an LLM judge
 * with a model); users add their own through `defineConfig({ scorers })`, and their numeric scores
 * are summarised like the built-in ones.
 */
export interface Scorer {
  readonly specificationVersion: 'v1';
  /** The score's name in items.jsonl and summary.json, e.g. `answerQuality`, `politeness`. */
  readonly name: string;
  /** How it scores, for the report's scorer line, e.g. `token-f1`, `llm-judge(openai:gpt-4.1-mini)`. */
  readonly description: string;
  /**
   * Whether a higher score is better (default true): the direction of the paired comparisons, the
   * colours and `--max-regression` for this score.
   */
  readonly higherIsBetter?: boolean;
  /**
   * The score of a turn the strategy did not answer (it failed, errored or escalated), usually the
   * score's worst value: such turns then stay in this score's mean, as they stay in answer
   * quality's, and a strategy cannot raise its mean by failing the hard turns. Without it they are
   * left out of this score, and the summary (`scorer.custom[name].answeredOnly`) and every report
   * say that its mean is over answered turns only.
   */
  readonly noAnswer?: number;
  /**
   * Whether the scorer writes the post-edit human cleanup is measured against (the LLM judge does):
   * an answer it gives none for then has no cleanup, rather than one against the offline target.
   */
  readonly writesPostEdit?: boolean;
  score(input: ScorerInput): Promise<ScorerResult> | ScorerResult;
}
