import { EvalError } from '../eval-error.js';
import { type NormalizeTextOptions, tokenizeWords } from './normalize-text.js';

/** Options for {@link rougeL}. */
export interface RougeLOptions extends NormalizeTextOptions {
  /**
   * Weight of recall relative to precision in the F-measure, `F = (1 + β²)·P·R / (R + β²·P)`.
   * Default 1 (the plain harmonic mean, as Google's `rouge-score` reports); β > 1 favours recall.
   */
  beta?: number;
}

/** ROUGE-L precision, recall and F-measure. All in 0–1. */
export interface RougeLScore {
  /** Longest common subsequence ÷ candidate words. */
  precision: number;
  /** Longest common subsequence ÷ reference words. */
  recall: number;
  /** The weighted F-measure of precision and recall (see {@link RougeLOptions.beta}). */
  f: number;
}

/**
 * ROUGE-L (Lin, 2004) between a candidate answer and a reference: the longest common subsequence
 * (LCS) of their normalised words ({@link tokenizeWords}), as precision, recall and F-measure.
 * Unlike token F1 it rewards words in the same order.
 *
 * Edge cases as {@link tokenF1}: both texts without words → 1; exactly one without words → 0.
 *
 * Cost: O(n·m) time and O(min(n, m)) memory (two rows of the LCS table).
 *
 * @param candidate - The answer being scored (the bot's).
 * @param reference - The answer it is compared with (the human's).
 * @param options - `beta` (default 1) and normalisation options.
 * @returns Precision, recall and F-measure, each in 0–1.
 * @throws EvalError when `beta` is not a positive finite number.
 *
 * @example
 * ```ts
 * rougeL('the cat was found under the bed', 'the cat was under the bed').f; // LCS 6: 2·(6/7)·1/(6/7+1) = 0.923
 * ```
 */
export function rougeL(candidate: string, reference: string, options: RougeLOptions = {}): RougeLScore {
  const beta = options.beta ?? 1;
  if (!(beta > 0) || !Number.isFinite(beta)) {
    throw new EvalError('usage', `rougeL: beta must be a positive finite number, got ${beta}.`);
  }
  const candidateWords = tokenizeWords(candidate, options);
  const referenceWords = tokenizeWords(reference, options);
  if (candidateWords.length === 0 && referenceWords.length === 0) return { precision: 1, recall: 1, f: 1 };
  if (candidateWords.length === 0 || referenceWords.length === 0) return { precision: 0, recall: 0, f: 0 };

  const lcs = longestCommonSubsequenceLength(candidateWords, referenceWords);
  if (lcs === 0) return { precision: 0, recall: 0, f: 0 };
  const precision = lcs / candidateWords.length;
  const recall = lcs / referenceWords.length;
  const betaSquared = beta * beta;
  return {
    precision,
    recall,
    f: ((1 + betaSquared) * precision * recall) / (recall + betaSquared * precision),
  };
}

function longestCommonSubsequenceLength(first: readonly string[], second: readonly string[]): number {
  // Rows run over the longer sequence so that the two rows kept are as short as possible.
  const [outer, inner] = first.length >= second.length ? [first, second] : [second, first];
  let previous = new Uint32Array(inner.length + 1);
  let current = new Uint32Array(inner.length + 1);
  for (const outerWord of outer) {
    for (let j = 1; j <= inner.length; j++) {
      current[j] =
        outerWord === inner[j - 1] ? previous[j - 1]! + 1 : Math.max(previous[j]!, current[j - 1]!);
    }
    [previous, current] = [current, previous];
  }
  return previous[inner.length]!;
}
