import { factTokens, foldText } from '@baton/core/facts';
import { splitSentences } from './split-sentences.js';

/** At most this many nuggets are extracted from one reference. */
const maxNuggets = 6;

/**
 * Words of courtesy and refusal in the seven corpus languages, which a sentence needs besides to
 * be a fact: "Thank you for contacting us", "Sorry, we cannot help with that" and "Vielen Dank für
 * Ihre Nachricht" hold no fact a content-free answer could not repeat, while "Please restart the
 * app" does.
 */
const courtesyWords: ReadonlySet<string> = new Set(
  [
    'us sorry apologise apologize apologies apology inconvenience patience understanding contacting reaching welcome glad happy pleasure regards kind best wishes greetings cheers help assist cannot unfortunately',
    'contactarnos contactado disculpa disculpas disculpe perdon siento molestias paciencia comprension saludos atentamente gusto placer ayudar ayudarle ayudarte ayudarla ayudarlo podemos lamentablemente',
    'dank vielen nachricht anfrage konnen entschuldigung entschuldigen unannehmlichkeiten geduld verstandnis grusse grussen freundlichen gerne leider helfen',
    'contactes contacte desole desolee desoles excuses excusez gene comprehension cordialement salutations plaisir aider pouvons malheureusement',
    'contattato contattati contattarci scusa scuse scusi disagio pazienza comprensione cordiali saluti piacere aiutare aiutarla aiutarti possiamo purtroppo',
    'contactar contacto desculpa desculpe incomodo paciencia compreensao cumprimentos atenciosamente prazer ajudar ajuda-lo ajuda-la podemos infelizmente',
    'excuses ongemak geduld begrip groeten vriendelijke graag helpen helaas',
  ]
    .join(' ')
    .split(' ')
    .map(foldText),
);

// Month names of the seven corpus languages, with and without accents ("may" and "mar" only next
// to a day number, as every date pattern below requires).
const monthNames = [
  'january|february|march|april|may|june|july|august|september|october|november|december',
  'jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec',
  'enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre',
  'januar|jänner|februar|märz|maerz|mai|juni|juli|oktober|dezember',
  'janvier|février|fevrier|mars|avril|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre',
  'gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre',
  'januari|februari|maart|mei|augustus',
  'janeiro|fevereiro|março|marco|maio|junho|julho|setembro|outubro|novembro|dezembro',
]
  .join('|')
  .split('|')
  .sort((a, b) => b.length - a.length)
  .join('|');

function capitalised(names: string): string {
  return names
    .split('|')
    .map((name) => name[0]!.toUpperCase() + name.slice(1))
    .join('|');
}

// Each pattern finds one kind of checkable fact in a reply. Order matters: earlier kinds win
// where two overlap (a URL is not also read as a menu path).
const patterns: readonly { kind: string; pattern: RegExp }[] = [
  { kind: 'email', pattern: /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g },
  {
    kind: 'url',
    pattern:
      /\bhttps?:\/\/[^\s)>\]]+|\b(?:[a-z0-9-]+\.)+(?:com|org|net|io|eu|de|fr|es|nl|it|pt)(?:\/[^\s)>\]]*)?/gi,
  },
  // Menu paths: two or more labels joined by →, >, », ›. The first label is capitalised words
  // ("Back Office"), later ones start with any word and go on with capitalised ones.
  {
    kind: 'menu-path',
    pattern:
      /[\p{Lu}\d][\p{L}\d&'’-]*(?:\s[\p{Lu}\d][\p{L}\d&'’-]*){0,3}(?:\s*(?:→|->|>|»|›)\s*["“]?[\p{L}\d][\p{L}\d&'’-]*(?:\s[\p{Lu}\d][\p{L}\d&'’-]*){0,2}["”]?)+/gu,
  },
  // Quoted UI labels: "Use a backup code", “Cancel”, «Annuler» (up to 8 words).
  { kind: 'quoted', pattern: /["“«„]([^"”»“\n]{2,60})["”»“]/g },
  // Amounts, percentages and numbers with a unit or a time frame: €15, 1.49% + €0.10, 5–10 business days.
  {
    kind: 'amount',
    pattern:
      /(?:[€$£]\s?\d[\d.,]*|\d[\d.,]*\s?(?:%|€|\$|£|eur\b|euros?\b|usd\b))(?:\s?\+\s?(?:[€$£]\s?\d[\d.,]*|\d[\d.,]*\s?[€$£%]))?/giu,
  },
  {
    kind: 'duration',
    pattern:
      /\b\d+(?:\s?[–-]\s?\d+)?\s(?:business\s|working\s)?(?:days?|hours?|minutes?|weeks?|months?|years?|días?|horas?|minutos?|semanas?|meses|mes|años?|tage?n?|stunden?|minuten|wochen?|monate?n?|jahre?n?|jours?|heures?|semaines?|mois|ans?|giorni|ore|settimane|mesi|anni|dagen|uur|weken|maanden|jaar|dias|meses|anos)\b(?:\s(?:hábiles|laborables|ouvrés|ouvrables|lavorativi|werktage|werkdagen|úteis))?/giu,
  },
  // Codes: error codes, order and invoice numbers, device models (E-104, INV-2024-118342, R2).
  // (`#` is not a word character: "#48213" starts after no word boundary, so it stands outside `\b`.)
  { kind: 'code', pattern: /(?:\b(?:[A-Z]{1,5}-?\d{2,}(?:-\d+)*|[A-Z]+\d[A-Z\d]*)|#\d{3,})\b/g },
  // Times and dates, numeric or with a month's name ("14 March 2025", "am 14. März", "March 14").
  {
    kind: 'time',
    pattern:
      /\b\d{1,2}[:.]\d{2}(?:\s?[–-]\s?\d{1,2}[:.]\d{2})?(?:\s?(?:CET|CT|UTC|h|[ap]\.?m\b\.?))?|\b\d{1,2}\s?[ap]\.?m\b\.?/gi,
  },
  { kind: 'date', pattern: /\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b/g },
  {
    kind: 'date',
    pattern: new RegExp(
      `\\b\\d{1,2}(?:st|nd|rd|th|er|º|\\.)?[ \\t\\u00a0]+(?:of[ \\t\\u00a0]+|de[ \\t\\u00a0]+)?(?:${monthNames})(?![\\p{L}\\p{M}])\\.?(?:[ \\t\\u00a0]+\\d{4}\\b)?`,
      'giu',
    ),
  },
  // Month first ("March 14, 2025") only with a capital, so that "you may 2-step verify" is no date.
  {
    kind: 'date',
    pattern: new RegExp(
      `(?<![\\p{L}\\p{M}])(?:${capitalised(monthNames)})\\.?[ \\t\\u00a0]+\\d{1,2}(?:st|nd|rd|th)?\\b(?:,?[ \\t\\u00a0]+\\d{4}\\b)?`,
      'gu',
    ),
  },
];

/** A nugget found in a reference text, with the kind of fact it is. */
export interface ExtractedNugget {
  text: string;
  kind: string;
}

/**
 * Extracts the checkable facts of a reference reply, for datasets whose replies carry no
 * annotated nuggets: URLs, e-mail addresses, menu paths, quoted UI labels, amounts and
 * percentages, numbers with a time unit, codes, times (also "8 pm") and dates (also "14 March",
 * "am 14. März") (at most six, in reply order, without repeats). A reply with none of these gets
 * up to three of its sentences with the most content words as nuggets (kind `sentence`); only
 * sentences with at least two content words besides courtesy and refusal ("thank you for
 * contacting us", "sorry, we cannot help") count, so "Please restart the app." is a nugget and a
 * greeting, a thank-you or an apology is none: a content-free answer cannot convey a nugget.
 *
 * The summary labels such nuggets as extracted, not annotated: they are a weaker standard.
 *
 * @example
 * ```ts
 * extractNuggets('Refunds take 5–10 business days. Go to Back Office → Payouts.').map((nugget) => nugget.text);
 * // ['Back Office → Payouts', '5–10 business days']
 * ```
 */
export function extractNuggets(reference: string): ExtractedNugget[] {
  const found: { start: number; end: number; text: string; kind: string }[] = [];
  for (const { kind, pattern } of patterns) {
    for (const match of reference.matchAll(pattern)) {
      const text = (match[1] ?? match[0]).trim().replace(/^["“”«»„]+|["“”«»„.,;:]+$/g, '');
      const start = match.index ?? 0;
      const end = start + match[0].length;
      if (text.length < 2 || factTokens(text).length === 0) continue;
      if (found.some((other) => start < other.end && other.start < end)) continue;
      found.push({ start, end, text, kind });
    }
  }
  const seen = new Set<string>();
  const facts = found
    .sort((a, b) => a.start - b.start)
    .filter((nugget) => {
      const key = factTokens(nugget.text)
        .map((token) => token.value)
        .join(' ');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, maxNuggets)
    .map(({ text, kind }) => ({ text, kind }));
  if (facts.length > 0) return facts;

  return splitSentences(reference)
    .map((sentence, index) => ({
      sentence,
      index,
      content: factTokens(sentence).filter((token) => !token.stop && !courtesyWords.has(token.value)).length,
    }))
    .filter((entry) => entry.content >= 2)
    .sort((a, b) => b.content - a.content || a.index - b.index)
    .slice(0, 3)
    .sort((a, b) => a.index - b.index)
    .map((entry) => ({ text: entry.sentence, kind: 'sentence' }));
}
