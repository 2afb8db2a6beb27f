import type { Usage } from '@baton/core';
import { type FactToken, factTokens, matchNuggets, sameWord } from '@baton/core/facts';
import { splitSentences } from '../metrics/split-sentences.js';

/** The thresholds of the offline fit rule (see {@link recordingFits}). */
export interface FitRule {
  /** Nugget recall of the recorded reply an answer needs for the recording to go on. Default 0.5. */
  minRecall: number;
}

/** The rule `baton eval --free-run` applies unless `--fit-recall` or `--judge` say otherwise. */
export const defaultFitRule: Readonly<FitRule> = Object.freeze({ minRecall: 0.5 });

/**
 * Share of an answer question's content words that must appear in a question of the recorded
 * reply (or the sentence before it) for the two to be the same question.
 */
export const questionOverlap = 0.5;

/** Why the recording stopped fitting. */
export type FitReasonCode = 'missing-nuggets' | 'extra-question' | 'no-answer' | 'judge';

/** Every {@link FitReasonCode}, in the order reports list them. */
export const fitReasonCodes: readonly FitReasonCode[] = [
  'missing-nuggets',
  'extra-question',
  'no-answer',
  'judge',
];

/** One reason, with what the rule saw. */
export interface FitReason {
  code: FitReasonCode;
  /** For people reading the item: the missing nuggets, the unasked question, the judge's words. */
  detail: string;
}

/** Whether the next recorded user turn still fits the strategy's own conversation, and why not. */
export interface FitVerdict {
  fits: boolean;
  /**
   * `rule`: the offline rule; `judge`: the LLM judge; `human-reply`: the strategy escalated, so a
   * human took the turn and the recorded (human) reply stands in for the answer.
   */
  method: 'rule' | 'judge' | 'human-reply';
  /** Empty when it fits. */
  reasons: FitReason[];
  /** The rule's nugget recall of the recorded reply; null without nuggets. */
  recall?: number | null;
  /** The judge's model and verdict, or why the judge could not decide (the rule decided then). */
  judge?: { model: string; fits?: boolean; reason?: string; error?: string; usage?: Usage };
}

/**
 * The offline fit rule. After the strategy answered a recorded user turn, the next recorded user
 * turn still fits its conversation when
 *
 * 1. the turn was answered or escalated: a failed or errored turn conveys nothing (`no-answer`);
 *    an escalation fits by construction, since a human took the turn and the recorded reply *is*
 *    a human's (`method: 'human-reply'`);
 * 2. the answer conveys the recorded reply's nuggets: nugget recall (offline matching, see
 *    `matchNuggets`) of at least `rule.minRecall` (`missing-nuggets`); vacuous when the reply has
 *    no nuggets;
 * 3. the answer asks nothing the recorded agent did not ask: each of its question sentences (see
 *    {@link questionSentences}) corresponds to a question sentence of the recorded reply, that is
 *    at least half of its content words (function words aside; the same word up to inflection,
 *    numbers and codes exactly) occur in that question or in the sentence just before it, where
 *    "those"/"it" find their noun (`extra-question`). A question without content words ("And you?")
 *    corresponds to any question. A turn without a recorded reply (the customer typed on) asked
 *    nothing, so any question is extra.
 *
 * @param options - The answer and the outcome of the turn, the recorded reply and its nuggets, and the rule.
 * @returns The verdict, with every reason that applies.
 *
 * @example
 * ```ts
 * recordingFits({
 *   outcome: 'answered',
 *   answer: 'Refunds take 5–10 business days. Which order is it?',
 *   reference: 'Refunds take 5–10 business days.',
 *   nuggets: ['refunds take 5–10 business days'],
 * }).reasons; // [{ code: 'extra-question', detail: 'Which order is it?' }]
 * ```
 */
export function recordingFits(options: {
  outcome: 'answered' | 'escalated' | 'failed' | 'error';
  answer: string | null;
  reference: string | null;
  nuggets: readonly string[];
  rule?: FitRule;
}): FitVerdict {
  const rule = options.rule ?? defaultFitRule;
  if (options.outcome === 'escalated') return { fits: true, method: 'human-reply', reasons: [] };
  const { answer } = options;
  if (options.outcome !== 'answered' || answer === null) {
    return {
      fits: false,
      method: 'rule',
      reasons: [
        { code: 'no-answer', detail: `the turn ${options.outcome === 'error' ? 'errored' : 'failed'}` },
      ],
    };
  }
  const reasons: FitReason[] = [];
  const { recall, judgements } = matchNuggets(answer, options.nuggets);
  if (recall !== null && recall < rule.minRecall) {
    const missing = judgements.filter((judgement) => judgement.verdict !== 'present');
    reasons.push({
      code: 'missing-nuggets',
      detail: `recall ${round(recall)} < ${rule.minRecall}; missing: ${missing.map((judgement) => judgement.nugget).join('; ')}`,
    });
  }
  for (const question of unaskedQuestions(answer, options.reference ?? '')) {
    reasons.push({ code: 'extra-question', detail: question });
  }
  return {
    fits: reasons.length === 0,
    method: 'rule',
    reasons,
    recall: recall === null ? null : round(recall),
  };
}

/**
 * The question sentences of a text: sentences (see `splitSentences`) that end with a question
 * mark (`?`, `？`) or hold an opening `¿`.
 *
 * @example
 * ```ts
 * questionSentences('Done. Could you send the order number? Thanks!'); // ['Could you send the order number?']
 * ```
 */
export function questionSentences(text: string): string[] {
  return splitSentences(text).filter(isQuestion);
}

function isQuestion(sentence: string): boolean {
  return /[?？]["'”’)\]]*$/u.test(sentence) || sentence.includes('¿');
}

/**
 * The question sentences of `answer` that correspond to no question of `reply` (see
 * {@link recordingFits}, rule 3), in the answer's order.
 */
export function unaskedQuestions(answer: string, reply: string): string[] {
  const replySentences = splitSentences(reply);
  // Each recorded question with the sentence before it, as content tokens.
  const asked: FactToken[][] = [];
  replySentences.forEach((sentence, index) => {
    if (!isQuestion(sentence)) return;
    const before = index > 0 ? replySentences[index - 1]! : '';
    asked.push(contentTokens(`${before} ${sentence}`));
  });
  return questionSentences(answer).filter((question) => {
    if (asked.length === 0) return true;
    const words = distinct(contentTokens(question));
    if (words.length === 0) return false;
    const needed = Math.ceil(words.length * questionOverlap);
    return !asked.some(
      (context) =>
        words.filter((word) =>
          context.some((token) =>
            word.key ? token.value === word.value : sameWord(token.value, word.value),
          ),
        ).length >= needed,
    );
  });
}

function contentTokens(text: string): FactToken[] {
  return factTokens(text).filter((token) => !token.stop);
}

function distinct(tokens: readonly FactToken[]): FactToken[] {
  const seen = new Set<string>();
  return tokens.filter((token) => !seen.has(token.value) && seen.add(token.value) !== undefined);
}

function round(value: number): number {
  return Math.round(value * 10000) / 10000;
}
