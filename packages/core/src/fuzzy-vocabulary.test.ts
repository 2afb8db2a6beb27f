import { describe, expect, it } from 'vitest';
import { FuzzyVocabulary } from './fuzzy-vocabulary.js';

/** Levenshtein distance over UTF-16 code units, as MiniSearch's fuzzy lookup measures it. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1) {
      row[j] = Math.min(
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
        previous[j]! + 1,
        row[j - 1]! + 1,
      );
    }
    previous = row;
  }
  return previous[b.length]!;
}

/** A deterministic stream of small integers. */
function stream(seed: number): (bound: number) => number {
  let state = seed;
  return (bound) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % bound;
  };
}

const alphabet = 'abcdefghijkl';

/** Words over a twelve-letter alphabet, 2 to 13 letters long. */
function words(seed: number, count: number): string[] {
  const next = stream(seed);
  return Array.from({ length: count }, () =>
    Array.from({ length: 2 + next(12) }, () => alphabet[next(alphabet.length)]).join(''),
  );
}

/** Each word with one to three random edits (insert, delete, substitute): near misses at each distance. */
function edited(seed: number, source: readonly string[]): string[] {
  const next = stream(seed);
  return source.map((word) => {
    let result = word;
    for (let edit = 0, edits = 1 + next(3); edit < edits; edit += 1) {
      const at = next(result.length + 1);
      const letter = alphabet[next(alphabet.length)]!;
      const kind = next(3);
      if (kind === 0) result = result.slice(0, at) + letter + result.slice(at);
      else if (kind === 1 && result.length > 2) result = result.slice(0, at) + result.slice(at + 1);
      else result = result.slice(0, at) + letter + result.slice(at + 1);
    }
    return result;
  });
}

describe('FuzzyVocabulary.provesNoMatch', () => {
  const vocabulary = ['refund', 'receipt', 'printer', 'payout', '2fa', '204117', 'été'];
  const terms = new FuzzyVocabulary(vocabulary);

  it('proves that a ticket number or a foreign word matches nothing', () => {
    expect(terms.provesNoMatch('t000123', 1, true)).toBe(true);
    expect(terms.provesNoMatch('zahlung', 1, true)).toBe(true);
  });

  it('answers "maybe" for an exact term, a prefix of a term and a term within the distance', () => {
    expect(terms.provesNoMatch('refund', 1, true)).toBe(false);
    expect(terms.provesNoMatch('print', 1, true)).toBe(false);
    expect(terms.provesNoMatch('refnud', 2, true)).toBe(false);
    expect(terms.provesNoMatch('204118', 1, true)).toBe(false);
  });

  it('proves a prefix of a term unmatched when prefixes are not searched and no term is near', () => {
    expect(terms.provesNoMatch('printe', 0, false)).toBe(true);
    expect(terms.provesNoMatch('printe', 0, true)).toBe(false);
  });

  it('answers "maybe" when the distance leaves too few bigrams to prove anything', () => {
    expect(terms.provesNoMatch('zzzz', 2, true)).toBe(false);
  });

  it('never proves a term unmatched that has an exact, prefix or fuzzy match (checked against brute force)', () => {
    const vocabularyWords = words(7, 300);
    const checked = new FuzzyVocabulary(vocabularyWords);
    let proofs = 0;
    let fuzzyProofs = 0;
    let matches = 0;
    for (const query of [
      ...words(11, 300),
      ...edited(13, vocabularyWords),
      ...vocabularyWords.slice(0, 50),
    ]) {
      for (const maxDistance of [0, 1, 2, 3]) {
        for (const prefix of [false, true]) {
          const matched = vocabularyWords.some(
            (word) =>
              word === query || (prefix && word.startsWith(query)) || distance(word, query) <= maxDistance,
          );
          const proven = checked.provesNoMatch(query, maxDistance, prefix);
          if (proven) proofs += 1;
          if (proven && maxDistance > 0) fuzzyProofs += 1;
          if (matched) matches += 1;
          expect(proven && matched, `${query} d=${maxDistance} prefix=${prefix}`).toBe(false);
        }
      }
    }
    // Not vacuous: many queries match something, and some of the rest are proven unmatched, also
    // at distances above 0 (where the bigram count does the proving).
    expect(matches).toBeGreaterThan(1000);
    expect(proofs).toBeGreaterThan(500);
    expect(fuzzyProofs).toBeGreaterThan(50);
  });

  it('gives up past its budget of postings and answers "maybe"', () => {
    const common = Array.from({ length: 50 }, (_, index) => `ab${'x'.repeat(index % 7)}${index}`);
    expect(new FuzzyVocabulary(common, 10).provesNoMatch('abqqqqqq', 1, false)).toBe(false);
    expect(new FuzzyVocabulary(common).provesNoMatch('abqqqqqq', 1, false)).toBe(true);
  });
});

describe('FuzzyVocabulary.within', () => {
  it('lists every term within the distance, in the given order, with its exact distance (checked against brute force)', () => {
    const vocabularyWords = [...new Set(words(17, 400))];
    const checked = new FuzzyVocabulary(vocabularyWords);
    let answered = 0;
    let found = 0;
    let far = 0;
    for (const query of [
      ...words(19, 300),
      ...edited(23, vocabularyWords),
      ...vocabularyWords.slice(0, 80),
    ]) {
      for (const maxDistance of [1, 2, 3]) {
        const near = checked.within(query, maxDistance);
        const expected = { ids: [] as number[], distances: [] as number[] };
        vocabularyWords.forEach((word, id) => {
          const apart = distance(word, query);
          if (apart <= maxDistance) {
            expected.ids.push(id);
            expected.distances.push(apart);
          }
        });
        if (query.length - 1 - 2 * maxDistance <= 0) {
          expect(near, `${query} d=${maxDistance}`).toBeUndefined();
          continue;
        }
        if (near === undefined) continue;
        answered += 1;
        found += near.ids.length;
        if (near.distances.some((apart) => apart > 1)) far += 1;
        expect(near, `${query} d=${maxDistance}`).toEqual(expected);
      }
    }
    // Not vacuous: most questions are answered, many with matches, some at distances above 1.
    expect(answered).toBeGreaterThan(1000);
    expect(found).toBeGreaterThan(500);
    expect(far).toBeGreaterThan(50);
  });

  it('keeps the given order, not the alphabetical one, and counts repeated bigrams', () => {
    const terms = new FuzzyVocabulary(['refunds', 'refund', 'refunded', 'aaaa', 'aaab']);
    expect(terms.within('refund', 1)).toEqual({ ids: [0, 1], distances: [1, 0] });
    expect(terms.within('refundd', 1)).toEqual({ ids: [0, 1, 2], distances: [1, 1, 1] });
    // "aaaa" shares three of the query's four "aa", "aaab" two: both candidates, one within 1.
    expect(terms.within('aaaaa', 1)).toEqual({ ids: [3], distances: [1] });
  });

  it('says it cannot narrow a term too short for the distance, or one past its budget', () => {
    const terms = new FuzzyVocabulary(['abcd', 'abce', 'xyz']);
    expect(terms.within('abc', 1)).toBeUndefined();
    expect(terms.within('abcf', 2)).toBeUndefined();
    const common = Array.from({ length: 50 }, (_, index) => `ab${'x'.repeat(index % 7)}${index}`);
    expect(new FuzzyVocabulary(common, 10).within('abxxqqqq', 1)).toBeUndefined();
    expect(new FuzzyVocabulary(common).within('abxxqqqq', 1)).toEqual({ ids: [], distances: [] });
  });
});
