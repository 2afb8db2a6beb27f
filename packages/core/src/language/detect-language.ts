import { RecentResults } from '../recent-results.js';
import { tokenize } from '../text-terms.js';
import { NgramLanguageDetector } from './ngram-language-detector.js';

/** The languages {@link detectLanguage} tells apart: the seven of the support corpus. */
export const detectableLanguages = ['en', 'es', 'de', 'fr', 'nl', 'it', 'pt'] as const;

// Two detectors, each where it is strong. ELD (the `eld` package's detector and its smallest
// database, character n-grams, ported over a packed copy of its table: see NgramLanguageDetector)
// reads anything of a few words; measured on the corpus's 1,128 labelled user turns it beats a
// stop-word table (`npm run measure:language -w @baton/core`). On a
// text of one to three words n-grams are noise ("hello?" looks Italian to them), so a closed table of
// very frequent function words, greetings and short replies decides there when it can.
const functionWords: Record<string, readonly string[]> = {
  en: [
    'no',
    'hello',
    'hi',
    'hey',
    'thank',
    'cheers',
    'yes',
    'ok',
    'okay',
    'sorry',
    'the',
    'is',
    'and',
    'my',
    'you',
    'to',
    'it',
    'i',
    'we',
    'have',
    'what',
    'how',
    'not',
    'can',
    'this',
    'with',
    'for',
    'please',
    'thanks',
    'of',
  ],
  es: [
    'buenas',
    'buenos',
    'sí',
    'vale',
    'perdón',
    'el',
    'la',
    'los',
    'las',
    'que',
    'de',
    'y',
    'es',
    'mi',
    'por',
    'para',
    'con',
    'no',
    'una',
    'un',
    'como',
    'hola',
    'gracias',
    'pero',
    'tengo',
    'cuando',
    'esta',
    'porque',
    'puedo',
    'se',
  ],
  de: [
    'guten',
    'ja',
    'nein',
    'genau',
    'vielen',
    'der',
    'die',
    'das',
    'und',
    'ist',
    'ich',
    'nicht',
    'mit',
    'wir',
    'sie',
    'ein',
    'eine',
    'auf',
    'für',
    'wie',
    'bitte',
    'danke',
    'hallo',
    'haben',
    'kann',
    'unser',
    'mein',
    'es',
    'zu',
    'bei',
  ],
  fr: [
    'salut',
    'oui',
    'non',
    "d'accord",
    'bonsoir',
    'le',
    'la',
    'les',
    'et',
    'est',
    'je',
    'pas',
    'vous',
    'nous',
    'une',
    'un',
    'pour',
    'avec',
    'mon',
    'ma',
    'merci',
    'bonjour',
    'que',
    'des',
    'du',
    'sur',
    'mais',
    'ne',
    'ai',
    'il',
  ],
  nl: [
    'dank',
    'je',
    'hoi',
    'goedemorgen',
    'ja',
    'nee',
    'graag',
    'de',
    'het',
    'een',
    'en',
    'is',
    'ik',
    'niet',
    'met',
    'wij',
    'we',
    'van',
    'op',
    'voor',
    'hoe',
    'bedankt',
    'hallo',
    'mijn',
    'onze',
    'kan',
    'dat',
    'er',
    'zijn',
    'wat',
    'geen',
    'nog',
  ],
  it: [
    'no',
    'buongiorno',
    'buonasera',
    'sì',
    'il',
    'la',
    'di',
    'che',
    'e',
    'non',
    'per',
    'con',
    'una',
    'un',
    'sono',
    'mio',
    'mia',
    'grazie',
    'ciao',
    'come',
    'ho',
    'abbiamo',
    'del',
    'della',
    'ma',
    'anche',
    'lo',
    'gli',
    'posso',
  ],
  pt: [
    'no',
    'bom',
    'boa',
    'sim',
    'tudo',
    'o',
    'a',
    'os',
    'as',
    'que',
    'de',
    'e',
    'não',
    'nao',
    'com',
    'para',
    'uma',
    'um',
    'meu',
    'minha',
    'obrigado',
    'obrigada',
    'olá',
    'ola',
    'como',
    'tenho',
    'mas',
    'do',
    'da',
    'por',
  ],
};

const lookup = new Map<string, string[]>();
for (const [language, words] of Object.entries(functionWords)) {
  for (const word of new Set(words)) lookup.set(word, [...(lookup.get(word) ?? []), language]);
}

const shortText = 3;

// Every strategy and floor probe of a replayed turn detects the same message, and so do the agents
// and verifiers it reaches: the n-gram scoring is the cost, a repeat is a lookup.
const recentGuesses = new RecentResults<string, string | undefined>(1024);

/**
 * Guesses the language of a text among {@link detectableLanguages}, or `undefined` when the text
 * gives no evidence (a bare order number, an emoji, "ok"). Use it to fall back on other evidence,
 * such as the customer's earlier messages.
 *
 * @example
 * ```ts
 * guessLanguage('Tu reembolso llegará en cinco a diez días hábiles'); // 'es'
 * guessLanguage('P1-4E7729-B'); // undefined
 * ```
 */
export function guessLanguage(text: string): string | undefined {
  return recentGuesses.get(text, guess);
}

function guess(text: string): string | undefined {
  const words = text.match(/\p{L}[\p{L}'’]*/gu) ?? [];
  const letters = words.filter((word) => word.length > 1);
  if (letters.length === 0) return undefined;
  if (letters.length <= shortText) return byFunctionWords(text) ?? reliableNgrams(text);
  return ngrams(text).language;
}

/**
 * Guesses the language of a text among en, es, de, fr, nl, it, pt. Returns `fallback` (default
 * `en`) when the text gives no evidence.
 *
 * @example
 * ```ts
 * detectLanguage('¿Cuándo llega mi pedido?'); // 'es'
 * ```
 */
export function detectLanguage(text: string, fallback = 'en'): string {
  return guessLanguage(text) ?? fallback;
}

/** The function-word vote: a language only when it clearly leads. */
function byFunctionWords(text: string): string | undefined {
  const counts = new Map<string, number>();
  for (const token of tokenize(text)) {
    const languages = lookup.get(token);
    if (!languages) continue;
    // A word shared by several languages is weak evidence for each.
    for (const language of languages)
      counts.set(language, (counts.get(language) ?? 0) + 1 / languages.length);
  }
  let best: string | undefined;
  let bestScore = 0;
  let tied = false;
  for (const [language, score] of counts) {
    if (score > bestScore) {
      best = language;
      bestScore = score;
      tied = false;
    } else if (score === bestScore) tied = true;
  }
  return bestScore >= 1 && !tied ? best : undefined;
}

function ngrams(text: string): { language: string | undefined; reliable: boolean } {
  // The detector scores all of its 60 languages; the seven are picked from its scores.
  detector ??= new NgramLanguageDetector();
  const result = detector.detect(text);
  let language: string | undefined;
  let best = 0;
  for (const candidate of detectableLanguages) {
    const score = result.scores.get(candidate) ?? 0;
    if (score > best) {
      best = score;
      language = candidate;
    }
  }
  return { language, reliable: result.reliable && result.language === language };
}

// Built on the first detection: a process that never detects a language never decodes the table.
let detector: NgramLanguageDetector | undefined;

function reliableNgrams(text: string): string | undefined {
  const { language, reliable } = ngrams(text);
  return reliable ? language : undefined;
}
