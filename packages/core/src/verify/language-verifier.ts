import { detectLanguage } from './detect-language.js';
import { tokenize } from './text-terms.js';
import type { Verifier } from './verifier.js';

/**
 * Rejects answers written in another language than the task asks for (a Spanish-speaking customer
 * answered in English). Very short answers pass: a few words are not evidence.
 */
export function languageVerifier(options: { minWords?: number } = {}): Verifier {
  const minWords = options.minWords ?? 6;
  return {
    name: 'language',
    verify(output, { task }) {
      if (!task.language || tokenize(output.text).length < minWords) {
        return { verifier: 'language', passed: true, reason: 'nothing to compare' };
      }
      const found = detectLanguage(output.text, task.language);
      const passed = found === task.language;
      return {
        verifier: 'language',
        passed,
        reason: passed
          ? `answer is in ${found}`
          : `answer is in ${found}, the customer writes ${task.language}`,
      };
    },
  };
}
