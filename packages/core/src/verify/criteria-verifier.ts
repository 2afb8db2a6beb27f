import { guessLanguage } from '../language/index.js';
import { primaryLanguage } from '../language/primary-language.js';
import { contentTerms, tokenize } from '../text-terms.js';
import type { Verifier } from '../verifier.js';
import type { AcceptanceCriterion } from './acceptance-criterion.js';

/**
 * Checks the task's typed acceptance criteria (`task.criteria`) without a model: required facts
 * (every number and code of a fact exactly, and at least `factCoverage` of its content words),
 * the output schema, the reply language, the maximum length and phrases the answer must not
 * contain. One verdict lists every criterion that failed. Free-text criteria
 * (`task.acceptanceCriteria`) are not read here: the LLM verifier checks those when configured.
 *
 * @example
 * ```ts
 * const task = defineTask({
 *   goal: 'When does my refund arrive?',
 *   criteria: [{ type: 'required-facts', facts: ['5–10 business days'] }, { type: 'max-length', words: 120 }],
 * });
 * const strategy = verifyRecover({ verify: [criteriaVerifier()] });
 * ```
 */
export function criteriaVerifier(
  options: { factCoverage?: number; minLanguageWords?: number } = {},
): Verifier {
  const factCoverage = options.factCoverage ?? 0.6;
  const minLanguageWords = options.minLanguageWords ?? 6;
  return {
    name: 'criteria',
    verify(output, { task }) {
      const criteria = task.criteria ?? [];
      if (criteria.length === 0) return { verifier: 'criteria', passed: true, reason: 'no typed criteria' };
      const failures: string[] = [];
      for (const criterion of criteria) {
        const failure = check(criterion);
        if (failure) failures.push(failure);
      }
      const checked = criteria.length;
      return failures.length === 0
        ? {
            verifier: 'criteria',
            passed: true,
            score: 1,
            reason: `meets all ${checked} typed criteria`,
          }
        : {
            verifier: 'criteria',
            passed: false,
            score: (checked - failures.length) / checked,
            reason: failures.join('; '),
          };

      function check(criterion: AcceptanceCriterion): string | undefined {
        switch (criterion.type) {
          case 'required-facts': {
            const missing = criterion.facts.filter((fact) => !conveys(output.text, fact, factCoverage));
            return missing.length === 0 ? undefined : `misses required facts: ${missing.join(' | ')}`;
          }
          case 'output-schema': {
            if (!task.output) return undefined;
            const parsed = task.output.safeParse(output.data);
            return parsed.success ? undefined : 'the result does not match the output schema';
          }
          case 'reply-language': {
            if (tokenize(output.text).length < minLanguageWords) return undefined;
            const found = guessLanguage(output.text);
            return found === undefined || criterion.languages.some((tag) => primaryLanguage(tag) === found)
              ? undefined
              : `is in ${found}, not ${criterion.languages.join(' or ')}`;
          }
          case 'max-length': {
            if (criterion.characters !== undefined) {
              const characters = countCharacters(output.text);
              if (characters > criterion.characters)
                return `is ${characters} characters long, more than ${criterion.characters}`;
            }
            if (criterion.words !== undefined) {
              const words = countWords(output.text);
              if (words > criterion.words) return `is ${words} words long, more than ${criterion.words}`;
            }
            return undefined;
          }
          case 'must-not-contain': {
            const text = fold(output.text);
            const found = criterion.phrases.filter((phrase) => text.includes(fold(phrase)));
            return found.length === 0
              ? undefined
              : `contains ${found.map((phrase) => `"${phrase}"`).join(', ')}`;
          }
        }
      }
    },
  };
}

/** Whether `text` conveys `fact`: its numbers and codes verbatim, and most of its content words. */
export function conveys(text: string, fact: string, coverage = 0.6): boolean {
  const sequence = tokenize(text);
  const tokens = new Set(sequence);
  const exact = tokenize(fact).filter((token) => /\d/.test(token));
  if (exact.some((token) => !tokens.has(token))) return false;
  // A number written with separators (15,50 · 1.5 · 10:30 · 2024-03-12) must appear in that order.
  for (const compound of fact.match(/\d{4}-\d{1,2}-\d{1,2}|\d+(?:[.,:/]\d+)+/g) ?? []) {
    if (!containsRun(sequence, tokenize(compound))) return false;
  }
  const wanted = new Set(
    contentTerms(fact)
      .filter((term) => !/\d/.test(term))
      .map(prefix),
  );
  if (wanted.size === 0) return true;
  const present = new Set([...tokens].map(prefix));
  let hits = 0;
  for (const term of wanted) if (present.has(term)) hits += 1;
  return hits / wanted.size >= coverage;
}

/** Five letters are enough to meet `refund`/`refunds`, `arrive`/`arrives`, `reembolso`/`reembolsar`. */
function prefix(term: string): string {
  return term.slice(0, 5);
}

function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[\u2018\u2019\u02bc`]/gu, "'")
    .replace(/\s+/gu, ' ')
    .toLowerCase();
}

function containsRun(tokens: readonly string[], run: readonly string[]): boolean {
  if (run.length === 0) return true;
  for (let start = 0; start + run.length <= tokens.length; start += 1) {
    if (run.every((token, offset) => tokens[start + offset] === token)) return true;
  }
  return false;
}

// Segmenters are locale-independent enough for counting (ICU's word rules and dictionaries cover
// every script) and costly to build (~19 ms for the two), so one of each serves every call, built
// on the first max-length check rather than when the core is imported.
let graphemes: Intl.Segmenter | undefined;
let wordSegments: Intl.Segmenter | undefined;

/**
 * User-perceived characters: an emoji, a flag or a letter with combining accents is one, where a
 * string's `length` counts UTF-16 units (2 for most emoji, 4 for a flag).
 */
function countCharacters(text: string): number {
  let count = 0;
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const _ of graphemes.segment(text)) count += 1;
  return count;
}

/**
 * Words as Unicode's word boundaries find them: Chinese, Japanese and Thai, written without spaces,
 * have words too (splitting on spaces made a 500-character Japanese reply one word long).
 */
function countWords(text: string): number {
  let count = 0;
  wordSegments ??= new Intl.Segmenter(undefined, { granularity: 'word' });
  for (const segment of wordSegments.segment(text)) if (segment.isWordLike) count += 1;
  return count;
}
