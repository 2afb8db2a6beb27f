/**
 * Word-level text helpers shared by the lexical selector, the retrieval agent and the verifiers.
 * Deliberately small: MiniSearch does the real indexing; these only count overlap.
 */

import { RecentResults } from './recent-results.js';

const stopWords = new Set(
  // English
  (
    "a an and are as at be but by can could did do does for from had has have how i i'm if in is it its " +
    'just me my no not of on or our so that the their them then there these they this to was we were what ' +
    'when where which who why will with would you your yours hi hello hey thanks thank please ok okay also ' +
    'get got im dont cant am any all some one been being into out up about more very too there here ' +
    // Spanish
    'el la los las un una unos unas y o de del al en que es por para con no se mi mis tu su sus lo le les ' +
    'me te nos como pero si ya hay muy gracias hola porque esta este esto estoy son ' +
    // German
    'der die das den dem des ein eine einen einem einer und oder ist sind mit von zu im in auf für nicht ' +
    'ich wir sie es mein meine dein ihr wie was wo warum aber auch noch schon bitte danke hallo kann ' +
    'können habe hat haben bei aus nach dass ' +
    // French
    'le la les un une des et ou de du au aux en est sont pour par avec ne pas je nous vous il elle mon ma ' +
    'mes ton votre vos que qui quoi comment pourquoi mais aussi merci bonjour bonsoir sur dans ce cette ' +
    "c'est j'ai suis"
  ).split(/\s+/),
);

// A replay tokenises the same texts over and over (each strategy and floor probe of a turn reads the
// same message; selectors, agents and verifiers each tokenise it again), and the Unicode
// normalisation and regular expressions are most of the cost. Shared, so read-only. The turns in
// flight at once (the run's concurrency) hold a few hundred distinct texts: 1,024 keeps them without
// holding on to a corpus' worth of token arrays.
const recentTokens = new RecentResults<string, readonly string[]>(1024);

/** Lower-cases, strips accents and splits into word tokens (letters and digits). */
export function tokenize(text: string): readonly string[] {
  return recentTokens.get(text, splitTokens);
}

function splitTokens(text: string): readonly string[] {
  return (
    text
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** Tokens without stop words and one-letter tokens: the words that carry the request's content. */
export function contentTerms(text: string): string[] {
  return tokenize(text).filter((token) => token.length > 1 && !stopWords.has(token));
}

/**
 * A crude stem (first five letters of long words) so that `refunds`/`refunded`/`refund` and
 * `reembolso`/`reembolsar` meet; good enough for overlap counting, never used for display.
 */
export function stem(term: string): string {
  return term.length > 6 ? term.slice(0, 5) : term;
}

/** The distinct stems of a text's content terms. */
export function contentStems(text: string): Set<string> {
  return new Set(contentTerms(text).map(stem));
}

/**
 * Share of the query's distinct content stems among a text's stems ({@link contentStems}, computed
 * once for a text that many queries are measured against), in [0, 1]. 1 when the query has no
 * content terms (nothing to miss).
 */
export function stemCoverage(query: string, present: ReadonlySet<string>): number {
  const wanted = contentStems(query);
  if (wanted.size === 0) return 1;
  let hits = 0;
  for (const term of wanted) if (present.has(term)) hits += 1;
  return hits / wanted.size;
}

/** Splits prose into sentences, keeping list items and short lines as their own sentences. */
export function splitSentences(text: string): string[] {
  // Only list markers go (`- `, `* `, `1. `, `2) `): a number that opens a sentence or a line (an
  // order number, "2 readers", "1.49 %") is part of it.
  return text
    .split(/(?<=[.!?])\s+(?=[\p{Lu}\p{N}"'¿¡(])|\n+/u)
    .map((sentence) => sentence.replace(/^(?:\s*(?:[-*•]+|\d{1,3}[.)](?!\d)))+\s*/u, '').trim())
    .filter((sentence) => sentence.length > 0);
}
