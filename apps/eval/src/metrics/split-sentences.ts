const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

// ICU ends a sentence at any "word." followed by a space and a capital, unless its locale's
// suppression list says otherwise, and V8 ships no such list: "Dr. Smith" and the German ordinal
// day of "am 14. März" came out as two sentences. A piece ending in a title, or in a day number
// right before a month's name, is joined to the next.
// Not after a number: "500 ms." and "1 hr." are units ending a sentence.
const title =
  /(?:^|(?<!\d)[\s(«"“])(?:dr|dra|mr|mrs|ms|mx|prof|sr|sra|srta|jr|hr|fr|frl|mme|mlle|sig|sig\.ra|dott|ing|mag)\.\s*$/iu;
const dayNumber = /(?:^|\s)\d{1,2}\.\s*$/u;
// A list item's number or letter ("1.", "2)", "b.") opening a line: ICU ends a sentence after "1."
// before a capital, which made the number a sentence of its own. Only at a line's start: inside a
// line the piece before may end in an abbreviation ("approx. 15. Then …", "7 bzw. 19. Mit …").
const enumerator = /^\s*(?:\d{1,3}|[a-z])[.)]\s*$/iu;
const monthNames =
  'jan(?:uar|uary)?|jänner|feb(?:ruar|ruary)?|mär(?:z)?|maerz|märz|apr(?:il)?|mai|juni?|juli?|aug(?:ust)?|sep(?:t|tember)?|okt(?:ober)?|nov(?:ember)?|dez(?:ember)?|januari|februari|maart|mei|augustus|oktober|december';
const monthName = new RegExp(`^(?:${monthNames})\\b`, 'iu');

/**
 * A list item's number or letter opening a sentence ("1. ", "2) ", "b. "), but not a German day
 * number before its month ("14. März"), an initial ("J. Smith": letters a–h only) or "e. g.": what
 * a reader skips as no fact of the sentence.
 */
export const listItemNumber = new RegExp(
  `^\\s*(?:\\d{1,3}|[a-h])[.)]\\s+(?!\\s|(?:${monthNames})\\b|\\p{L}\\.)`,
  'iu',
);

/**
 * Splits a reply into sentences: every line on its own (bullets, numbered steps, sign-offs), each
 * line into sentences by `Intl.Segmenter` (ICU's sentence rules: "e.g.", "1.49 %" and "Back
 * Office → Payouts." are handled as a reader would), with titles ("Dr. Smith"), German day
 * numbers ("14. März") and a list item's number opening a line ("1. Open Settings") kept with what
 * follows. Blank pieces are dropped; text is trimmed.
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
    const pieces = Array.from(segmenter.segment(line), ({ segment }) => segment);
    let sentence = '';
    pieces.forEach((piece, index) => {
      sentence += piece;
      const next = pieces[index + 1]?.trimStart();
      if (
        next !== undefined &&
        (title.test(sentence) ||
          (index === 0 && enumerator.test(sentence)) ||
          (dayNumber.test(sentence) && monthName.test(next)))
      )
        return;
      const trimmed = sentence.trim();
      if (trimmed !== '') sentences.push(trimmed);
      sentence = '';
    });
  }
  return sentences;
}
