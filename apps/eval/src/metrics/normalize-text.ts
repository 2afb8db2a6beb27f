// The subpath, not the package: a scoring worker must not load the whole core (language tables).
import { RecentResults } from '@baton/core/recent-results';

/** Options shared by {@link normalizeText} and {@link tokenizeWords}. */
export interface NormalizeTextOptions {
  /**
   * Words to drop after normalisation (compared against the normalised, lower-cased form). Off by
   * default: removing stop words is language-specific and changes what a score means, so a report
   * that uses it must say so.
   */
  stopWords?: ReadonlySet<string>;
}

// Punctuation becomes a space rather than vanishing, so "l'homme" gives "l homme" and
// "hola,mundo" gives two words; deleting it would glue words together ("lhomme").
const punctuation = /\p{P}+/gu;
const whitespace = /\s+/gu;
const dottedI = /i\u0307/g;
// A word is a run of letters, combining marks and digits in any script. Marks are included
// because NFKC leaves some letter + accent pairs decomposed (no precomposed form exists).
const word = /[\p{L}\p{M}\p{N}]+/gu;

// Scripts written without spaces between words: a run of their letters is a phrase or a whole
// sentence ("返金は3日以内に処理されます"), so it is cut into words by ICU's dictionary-based word
// segmenter, as sacreBLEU's `asian_support` and ROUGE's CJK tokenisers cut it into characters.
const spaceless =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const wordSegmenter = new Intl.Segmenter('und', { granularity: 'word' });

/** Texts whose words {@link tokenizeWords} remembers: a few MB at most. */
const recentWords = new RecentResults<string, readonly string[]>(1024);

function splitWords(text: string): readonly string[] {
  const words = normalizeText(text).match(word) ?? [];
  if (!words.some((run) => spaceless.test(run))) return words;
  return words.flatMap((run) =>
    spaceless.test(run)
      ? Array.from(wordSegmenter.segment(run), ({ segment }) => segment.match(word)?.[0] ?? '').filter(
          (segment) => segment !== '',
        )
      : [run],
  );
}

/**
 * Normalises text for comparison: Unicode NFKC, lower case, punctuation (`\p{P}`) replaced by
 * spaces, whitespace collapsed and trimmed. Accented letters are kept (`"Él está"` → `"él está"`).
 *
 * Unlike SQuAD's normaliser this removes no articles: that rule is English-only and the
 * conversations are multilingual. Lower-casing is `toLowerCase`, not full case folding, so "ß"
 * and "ss" stay different words.
 *
 * @param text - Any text.
 * @param options - Optional stop words to drop.
 * @returns The normalised text; `''` when nothing but punctuation and spaces remain.
 *
 * @example
 * ```ts
 * normalizeText('  ¿Dónde   está  el ＡＰＩ? '); // 'dónde está el api'
 * ```
 */
export function normalizeText(text: string, options: NormalizeTextOptions = {}): string {
  const normalized = text
    .normalize('NFKC')
    .toLowerCase()
    // "İ" lower-cases to "i" + U+0307 (a dot above): without it the Turkish capital matches "i".
    .replace(dottedI, 'i')
    .replace(punctuation, ' ')
    .replace(whitespace, ' ')
    .trim();
  if (options.stopWords === undefined || options.stopWords.size === 0) return normalized;
  const { stopWords } = options;
  return normalized
    .split(' ')
    .filter((token) => !stopWords.has(token))
    .join(' ');
}

/**
 * Splits text into normalised words (see {@link normalizeText}): runs of Unicode letters, marks
 * and digits, and in scripts written without spaces (Chinese, Japanese, Thai, Lao, Khmer, Burmese)
 * the words ICU's word segmenter finds in such a run. Symbols and emoji are not words and are
 * dropped.
 *
 * @param text - Any text.
 * @param options - Optional stop words to drop.
 * @returns The words in order, with repeats.
 *
 * @example
 * ```ts
 * tokenizeWords('Größe: 10 €, s’il vous plaît!'); // ['größe', '10', 's', 'il', 'vous', 'plaît']
 * ```
 */
export function tokenizeWords(text: string, options: NormalizeTextOptions = {}): string[] {
  // Each answer of a turn is measured against the same reply, and twice (the targeted reference and
  // the reply): the same texts are normalised over and over. Each caller gets its own array (the edit
  // rate's shift search moves words in it).
  const words = recentWords.get(text, splitWords).slice();
  if (options.stopWords === undefined || options.stopWords.size === 0) return words;
  const { stopWords } = options;
  return words.filter((token) => !stopWords.has(token));
}
