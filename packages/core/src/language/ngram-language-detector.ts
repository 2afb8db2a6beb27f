import { eldNgramTable } from './eld-ngram-table.generated.js';

/** What {@link NgramLanguageDetector.detect} found in a text: eld's `LanguageResult`, as plain data. */
export interface NgramDetection {
  /** ISO 639-1 code of the best-scoring language, `''` when no n-gram of the text is known. */
  language: string;
  /** The 0–1 score of each language with any evidence (eld's `getScores()`). */
  scores: ReadonlyMap<string, number>;
  /** eld's `isReliable()` with its default threshold. */
  reliable: boolean;
}

// eld subtracted this from every stored score to shrink its database; detection adds it back.
const baseNgramScore = 53;
// eld's hand-picked scale of raw scores into 0–1.
const scoreScale = 25;
const reliableRatio = 0.75;

/**
 * Character n-gram language detection, exactly as the `eld` package's `detect()` with its
 * extra-small database (the tests compare the two on every corpus text): the same byte n-grams,
 * sums, order and reliability rule, over the same table packed into strings
 * (`eld-ngram-table.generated.ts`). eld's own database module is an object literal of 49,553
 * objects that costs every process importing the core ~265 ms and ~34 MB of heap before any text
 * is read; the packed table is decoded on the first detection into one Map and two typed arrays
 * (a few MB, ~20 ms), and costs nothing to a process that never detects a language.
 *
 * The port keeps eld's quirks on purpose, since identical results are the point: the text is cut to
 * 1,000 characters and ~350 bytes of words, and reliability compares the top score with the
 * *language id* of the runner-up, not its score.
 *
 * @internal
 */
export class NgramLanguageDetector {
  private readonly ids: ReadonlyMap<string, number>;
  /** Start of each n-gram's scores in `pairs`; one more entry than n-grams. */
  private readonly starts: Uint32Array;
  /** `language id << 8 | score`, per n-gram in turn. */
  private readonly pairs: Uint16Array;
  private readonly separators: RegExp;
  private readonly dictionary: string;
  private readonly languages: readonly string[];
  private readonly averageScores: readonly (number | null)[];

  /** Decodes the packed table (~20 ms): build one and keep it. */
  constructor() {
    const table = eldNgramTable;
    const keys = table.ngrams.split('\n');
    const ids = new Map<string, number>();
    const starts = new Uint32Array(keys.length + 1);
    let offset = 0;
    keys.forEach((key, index) => {
      ids.set(key, index);
      starts[index] = offset;
      offset += table.counts.charCodeAt(index) - 0x30;
    });
    starts[keys.length] = offset;
    const pairs = new Uint16Array(table.pairs.length);
    for (let index = 0; index < pairs.length; index += 1) pairs[index] = table.pairs.charCodeAt(index);
    this.ids = ids;
    this.starts = starts;
    this.pairs = pairs;
    this.separators = new RegExp(table.separators, table.separatorFlags);
    this.dictionary = table.dictionary;
    this.languages = table.languages;
    this.averageScores = table.averageScores;
  }

  /**
   * The language of a text, its scores and whether the guess is reliable, as eld reports them.
   *
   * @example
   * ```ts
   * new NgramLanguageDetector().detect('¿Cuándo llega mi pedido?').language; // 'es'
   * ```
   */
  detect(text: string): NgramDetection {
    const words = this.byteWords(text.substring(0, 1000).replace(this.separators, ' ').trim().toLowerCase());
    const ngrams = byteNgrams(words);
    const totals = new Array<number>(this.languages.length).fill(0);
    for (const ngram of ngrams) {
      const id = this.ids.get(ngram);
      if (id === undefined) continue;
      for (let index = this.starts[id]!; index < this.starts[id + 1]!; index += 1) {
        const pair = this.pairs[index]!;
        totals[pair >> 8]! += (pair & 0xff) + baseNgramScore;
      }
    }
    // eld's getMaxLang: the first language with the strictly highest positive total.
    let best = -1;
    let bestTotal = 0;
    totals.forEach((total, id) => {
      if (total > 0 && total > bestTotal) {
        bestTotal = total;
        best = id;
      }
    });
    if (best < 0) return { language: '', scores: new Map(), reliable: false };

    const count = ngrams.size;
    const ranked: [id: number, score: number][] = [];
    totals.forEach((total, id) => {
      if (total > 0) {
        const ngramScore = total / count;
        ranked.push([id, ngramScore / (ngramScore + scoreScale)]);
      }
    });
    // Stable, as Array#sort is: ties keep the language ids' order, as in eld.
    ranked.sort((a, b) => b[1] - a[1]);
    const language = this.languages[best]!;
    const scores = new Map<string, number>();
    for (const [id, score] of ranked) scores.set(this.languages[id]!, score);
    return { language, scores, reliable: this.isReliable(ranked, best, count) };
  }

  private isReliable(ranked: readonly [number, number][], best: number, count: number): boolean {
    if (ranked.length === 0 || count < 3) return false;
    const top = ranked[0]![1];
    // eld compares with the runner-up's language id (its `results[1][0]`), not its score.
    const next = ranked.length > 1 ? ranked[1]![0] : 0;
    const average = this.averageScores[best] ?? Number.NaN;
    return !(average * reliableRatio > top || 0.01 > Math.abs(top - next));
  }

  /**
   * eld's `strToUtf8Bytes`: the text's words as strings of one dictionary character per UTF-8 byte,
   * cut at the first space after 350 bytes, or after any character past 380.
   */
  private byteWords(text: string): string[] {
    const dictionary = this.dictionary;
    const words: string[] = [];
    let encoded = '';
    let bytes = 0;
    for (let index = 0; index < text.length; index += 1) {
      let code = text.charCodeAt(index);
      if (code < 0x80) {
        if (code === 32) {
          if (encoded !== '') {
            words.push(encoded);
            encoded = '';
          }
          if (bytes > 350) break;
        } else {
          encoded += text[index];
        }
        bytes += 1;
      } else if (code < 0x800) {
        encoded += dictionary[0xc0 | (code >> 6)]! + dictionary[0x80 | (code & 0x3f)]!;
        bytes += 2;
      } else if (code < 0xd800 || code >= 0xe000) {
        encoded +=
          dictionary[0xe0 | (code >> 12)]! +
          dictionary[0x80 | ((code >> 6) & 0x3f)]! +
          dictionary[0x80 | (code & 0x3f)]!;
        bytes += 3;
      } else {
        // A surrogate pair (or, as in eld, a lone surrogate read with whatever follows it).
        index += 1;
        code = 0x10000 + (((code & 0x3ff) << 10) | (text.charCodeAt(index) & 0x3ff));
        encoded +=
          dictionary[0xf0 | (code >> 18)]! +
          dictionary[0x80 | ((code >> 12) & 0x3f)]! +
          dictionary[0x80 | ((code >> 6) & 0x3f)]! +
          dictionary[0x80 | (code & 0x3f)]!;
        bytes += 4;
      }
      if (bytes > 380) break;
    }
    if (encoded !== '') words.push(encoded);
    return words;
  }
}

/** eld's `getByteNgrams`: 4-byte n-grams at a 3-byte stride, a space marking a word's start and end. */
function byteNgrams(words: readonly string[]): Set<string> {
  const ngrams = new Set<string>();
  for (const word of words) {
    const length = Math.min(word.length, 70);
    let start = 0;
    for (; start + 4 < length; start += 3)
      ngrams.add((start === 0 ? ' ' : '') + word.substring(start, start + 4));
    ngrams.add(`${start === 0 ? ' ' : ''}${word.substring(length !== 3 ? length - 4 : 0)} `);
  }
  return ngrams;
}
