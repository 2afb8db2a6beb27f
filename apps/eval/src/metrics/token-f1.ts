import { type NormalizeTextOptions, tokenizeWords } from './normalize-text.js';

/** Precision, recall and F1 of the words two texts share. All in 0–1. */
export interface TokenF1Score {
  /** Shared words ÷ candidate words. */
  precision: number;
  /** Shared words ÷ reference words. */
  recall: number;
  /** Harmonic mean of precision and recall. */
  f1: number;
}

/**
 * SQuAD-style token F1 between a candidate answer and a reference: both texts are normalised and
 * tokenised ({@link tokenizeWords}) and compared as bags of words, so a word shared twice counts
 * twice (`min` of its counts on each side) and word order is ignored.
 *
 * Edge cases: both texts without words → 1 for all three (nothing was asked and nothing was
 * said); exactly one without words → 0 for all three.
 *
 * @param candidate - The answer being scored (the bot's).
 * @param reference - The answer it is compared with (the human's).
 * @param options - Normalisation options, e.g. stop words (none by default).
 * @returns Precision, recall and F1, each in 0–1.
 *
 * @example
 * ```ts
 * tokenF1('The cat sat.', 'the cat sat on the mat').f1; // 2·1·0.5 / 1.5 = 0.667
 * ```
 */
export function tokenF1(
  candidate: string,
  reference: string,
  options: NormalizeTextOptions = {},
): TokenF1Score {
  const candidateWords = tokenizeWords(candidate, options);
  const referenceWords = tokenizeWords(reference, options);
  if (candidateWords.length === 0 && referenceWords.length === 0) return { precision: 1, recall: 1, f1: 1 };
  if (candidateWords.length === 0 || referenceWords.length === 0) return { precision: 0, recall: 0, f1: 0 };

  const referenceCounts = new Map<string, number>();
  for (const word of referenceWords) referenceCounts.set(word, (referenceCounts.get(word) ?? 0) + 1);
  let shared = 0;
  for (const word of candidateWords) {
    const left = referenceCounts.get(word) ?? 0;
    if (left > 0) {
      shared += 1;
      referenceCounts.set(word, left - 1);
    }
  }
  if (shared === 0) return { precision: 0, recall: 0, f1: 0 };
  const precision = shared / candidateWords.length;
  const recall = shared / referenceWords.length;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall) };
}
