const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/**
 * Splits a reply into sentences: every line on its own (bullets, numbered steps, sign-offs), each
 * line into sentences by `Intl.Segmenter` (ICU's sentence rules: "e.g.", "1.49 %" and "Back
 * Office → Payouts." are handled as a reader would). Blank pieces are dropped; text is trimmed.
 *
 * @example
 * ```ts
 * splitSentences('Hi Anna! Fees are 1.49 %.\n- Step one\n- Step two');
 * // ['Hi Anna!', 'Fees are 1.49 %.', '- Step one', '- Step two']
 * ```
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    for (const { segment } of segmenter.segment(line)) {
      const trimmed = segment.trim();
      if (trimmed !== '') sentences.push(trimmed);
    }
  }
  return sentences;
}
