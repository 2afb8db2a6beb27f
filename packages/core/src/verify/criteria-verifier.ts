import { BatonError } from '../baton-error.js';
import { factTokens } from '../facts/fact-tokens.js';
import { defaultWordShare, nuggetVerdict } from '../facts/nugget-match.js';
import { guessLanguage } from '../language/index.js';
import { primaryLanguage } from '../language/primary-language.js';
import { tokenize } from '../text-terms.js';
import type { Verifier } from '../verifier.js';
import type { AcceptanceCriterion } from './acceptance-criterion.js';

/**
 * Checks the task's typed acceptance criteria (`task.criteria`) without a model: required facts
 * (each read by {@link conveys}: its numbers and codes exactly, at least `factCoverage` of its
 * content words in one sentence, and not stated the other way round), the output schema, the reply
 * language, the maximum length and phrases the answer must not contain. One verdict lists every criterion that failed. Free-text criteria
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
  const factCoverage = options.factCoverage ?? defaultWordShare;
  // 0 checks a fact's numbers, codes and stance alone.
  if (!(factCoverage >= 0 && factCoverage <= 1))
    throw new BatonError('invalid-argument', `factCoverage must be between 0 and 1, got ${factCoverage}`);
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
            const answer = factTokens(output.text);
            const missing = criterion.facts.filter(
              (fact) => nuggetVerdict(answer, factTokens(fact), factCoverage) !== 'present',
            );
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

/**
 * Whether `text` conveys `fact`: the evaluation harness's nugget matcher (`@baton/core/facts`) says
 * `present`. Every number, amount, code, date and time of the fact appears exactly after normalising
 * its spelling ("1.000 €" = "€1,000", "14 March" = "14/03", "8pm" = "20:00"), at least `coverage`
 * of its content words appear in one sentence (plurals and stems tolerated), and that sentence says
 * what the fact says: not negated on one side only ("does not work offline"), not the word's
 * opposite ("disable" for "enable"), not another number or unit, not only hedged ("not sure
 * whether …").
 *
 * @param text - The answer.
 * @param fact - The fact it must convey, in a few words.
 * @param coverage - Share of the fact's content words that must appear (0–1, default 0.6).
 *
 * @example
 * ```ts
 * conveys('Refunds reach your card in 5 to 10 business days.', 'refund arrives in 5–10 business days'); // true
 * conveys('The reader does not work offline.', 'the reader works offline'); // false
 * ```
 */
export function conveys(text: string, fact: string, coverage = defaultWordShare): boolean {
  return nuggetVerdict(factTokens(text), factTokens(fact), coverage) === 'present';
}

function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[\u2018\u2019\u02bc`]/gu, "'")
    .replace(/\s+/gu, ' ')
    .toLowerCase();
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
