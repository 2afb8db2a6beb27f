import { guessLanguage } from '../language/index.js';
import { primaryLanguage } from '../language/primary-language.js';
import { tokenize } from '../text-terms.js';
import type { Verifier } from '../verifier.js';

/**
 * Rejects answers written in another language than the task allows. The customer's language
 * (`task.language`) is preferred; when the task also lists supported reply languages
 * (`task.replyLanguages`, filled when no delegate of the team speaks the customer's language) an
 * answer in one of them passes too, and the verdict records that fallback (`fallback:
 * 'reply-language'`). Very short answers pass: a few words are not evidence.
 *
 * @example
 * ```ts
 * const verify = [confidenceVerifier({ min: 0.2 }), languageVerifier()];
 * ```
 */
export function languageVerifier(options: { minWords?: number } = {}): Verifier {
  const minWords = options.minWords ?? 6;
  return {
    name: 'language',
    verify(output, { task }) {
      const wanted = task.language;
      if (!wanted || tokenize(output.text).length < minWords) {
        return { verifier: 'language', passed: true, reason: 'nothing to compare' };
      }
      const found = guessLanguage(output.text);
      if (found === undefined) return { verifier: 'language', passed: true, reason: 'no language evidence' };
      // Tasks carry BCP 47 tags (`en-GB`); the detector names the language alone (`en`).
      if (found === primaryLanguage(wanted))
        return { verifier: 'language', passed: true, reason: `answer is in ${found}` };
      const allowed = task.replyLanguages ?? [wanted];
      if (allowed.some((tag) => primaryLanguage(tag) === found)) {
        return {
          verifier: 'language',
          passed: true,
          fallback: 'reply-language',
          reason: `answer is in ${found}, a supported reply language: no delegate speaks ${wanted}`,
        };
      }
      return {
        verifier: 'language',
        passed: false,
        reason: `answer is in ${found}, the customer writes ${wanted}${
          allowed.length > 1 ? ` (replies may be in ${allowed.join(', ')})` : ''
        }`,
      };
    },
  };
}
