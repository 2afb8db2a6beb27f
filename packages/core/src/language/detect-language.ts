import { tokenize } from './text-terms.js';

// Short chat turns defeat trigram detectors; a closed set of very frequent function words per
// language is more reliable at this length and costs nothing. Extend the table to add a language.
const markers: Record<string, readonly string[]> = {
  en: [
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
for (const [language, words] of Object.entries(markers)) {
  for (const word of words) lookup.set(word, [...(lookup.get(word) ?? []), language]);
}

/**
 * Guesses the language of a short text among en, es, de, fr, nl, it, pt from function words.
 * Returns `fallback` (default `en`) when the text gives no evidence.
 *
 * @example
 * ```ts
 * detectLanguage('¿Cuándo llega mi pedido?'); // 'es'
 * ```
 */
export function detectLanguage(text: string, fallback = 'en'): string {
  const counts = new Map<string, number>();
  for (const token of tokenize(text)) {
    const languages = lookup.get(token);
    if (!languages) continue;
    // A word shared by several languages is weak evidence for each.
    for (const language of languages)
      counts.set(language, (counts.get(language) ?? 0) + 1 / languages.length);
  }
  let best = fallback;
  let bestScore = 0;
  for (const [language, score] of counts) {
    if (score > bestScore || (score === bestScore && language === fallback)) {
      best = language;
      bestScore = score;
    }
  }
  return bestScore >= 1 ? best : fallback;
}
