import { RecentResults } from '../recent-results.js';
import { stopWordLists } from './stop-words.generated.js';

// The `stopword` package's lists, copied by scripts/stop-word-table.ts: importing the package
// itself loads every language it ships (~50 ms and ~1.3 MB of heap in each thread).
const { eng, spa, deu, fra, nld, ita, por } = stopWordLists;

/** One token of {@link factTokens}. */
export interface FactToken {
  /** Canonical form: lower case, accents folded; numbers, dates, times and codes normalised. */
  value: string;
  /** Numbers, amounts, codes, dates and times: facts that only match exactly. */
  key: boolean;
  /** A function word (in any of the corpus's seven languages), never a fact on its own. */
  stop: boolean;
  /**
   * What precedes the token: 2 when it starts a sentence (the text's first token, or after `.`, `!`,
   * `?` followed by a space, `;` or a line break), 1 when it starts a clause (after `,`, `:`,
   * brackets, a spaced dash or an emoji, or a dot that ends an abbreviation: after one or two
   * letters, "approx.", "inkl.", or with no space after it), else 0. A flag on the token rather than an index, so that tokens of several
   * texts concatenated (as the targeted reference does) keep their boundaries.
   */
  boundary: 0 | 1 | 2;
  /** Whether a menu-path separator (→ > ») stands before the token: "Payouts" in "Settings → Payouts". */
  path: boolean;
}

// Month names and abbreviations in en, es, de, fr, it, nl, pt (accents folded), only ever read as
// months next to a day number. Abbreviations that are everyday words beside a number ("2 set up",
// "2 out of 3", "5 ago") are left out.
const monthLists = [
  'january jan enero ene januar janner janvier janv gennaio gen januari janeiro',
  'february feb febrero februar fevrier fevr febbraio februari fevereiro fev',
  'march mar marzo marz maerz mars maart marco',
  'april apr abril avril aprile',
  'may mayo mai maggio mei maio',
  'june jun junio juni juin giugno junho',
  'july jul julio juli juillet juil luglio julho',
  'august aug agosto aout augustus',
  'september sep sept septiembre septembre settembre setembro',
  'october oct octubre oktober octobre ottobre okt outubro',
  'november nov noviembre novembre novembro',
  'december dec diciembre dezember decembre dicembre dez dezembro dic',
];
const monthOf = new Map<string, number>();
monthLists.forEach((names, index) => {
  for (const name of names.split(' ')) if (!monthOf.has(name)) monthOf.set(name, index + 1);
});
const monthPattern = [...monthOf.keys()].sort((a, b) => b.length - a.length).join('|');

// Number words 1–12 in the seven languages, so "seven days" and "7 days" are one fact. Words that
// are also common words of another language ("un", "een", "ein", "due", "once", "sei", "onze") are
// left out.
const numberWords = new Map<string, string>();
[
  'one uno eins',
  'two dos zwei deux twee dois duas',
  'three tres drei trois tre drie',
  'four cuatro vier quatre quattro quatro',
  'five cinco funf cinq cinque vijf',
  'six seis sechs zes',
  'seven siete sieben sept sette zeven',
  'eight ocho acht huit otto oito',
  'nine nueve neun neuf nove negen',
  'ten diez zehn dix dieci tien dez',
  'eleven elf undici',
  'twelve doce zwolf douze dodici twaalf',
].forEach((words, index) => {
  for (const word of words.split(' ')) if (!numberWords.has(word)) numberWords.set(word, String(index + 1));
});

const currencyWords = new Map<string, string>([
  ['eur', '€'],
  ['euro', '€'],
  ['euros', '€'],
  ['usd', '$'],
  ['dollar', '$'],
  ['dollars', '$'],
  ['gbp', '£'],
  ['pound', '£'],
  ['pounds', '£'],
  ['percent', '%'],
  ['per cent', '%'],
  ['prozent', '%'],
  ['procent', '%'],
  ['pour cent', '%'],
  ['por ciento', '%'],
  ['per cento', '%'],
  ['por cento', '%'],
]);

/** Words that carry no fact in a support reply: chat filler on top of the library's stop words. */
const extraStopWords = [
  'please',
  'thanks',
  'thank',
  'hi',
  'hello',
  'hey',
  'dear',
  'just',
  'can',
  'will',
  're',
  's',
  't',
  'll',
  've',
  'd',
  'm',
  'let',
  'know',
  'also',
  'bitte',
  'danke',
  'hallo',
  'gracias',
  'hola',
  'merci',
  'bonjour',
  'grazie',
  'ciao',
  'bedankt',
  'obrigado',
  'ola',
];

const asciiOnly = /^[ -~\t\n\r]*$/;
const foldedMarks = /[\u0300-\u036f\u0591-\u05c7\u064b-\u065f\u0670]+/g;

/** Folds case and accents the way every fact comparison here does. */
export function foldText(text: string): string {
  // ASCII is its own NFKC, NFD and NFC form and has no combining marks: only the case changes.
  if (asciiOnly.test(text)) return text.toLowerCase();
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .normalize('NFD')
      // Accents only (Latin, Greek, Cyrillic; Arabic and Hebrew vowel points): in other scripts a
      // mark is part of the letter, and dropping it made "ガス" "カス" and "काम" "कम".
      .replace(foldedMarks, '')
      .normalize('NFC')
      .replace(/(?![0-9])\p{Nd}/gu, asciiDigit)
  );
}

/**
 * The ASCII digit of a decimal digit of any script ("٣", "۳", "३" → "3"): Unicode keeps every
 * script's digits in runs of ten from 0 to 9, so its value is its distance from its run's start.
 * Without this the tokenizer, which reads ASCII digits, dropped them: "٣ أيام" lost its number.
 */
function asciiDigit(digit: string): string {
  let code = digit.codePointAt(0)!;
  let offset = 0;
  while (/\p{Nd}/u.test(String.fromCodePoint(code - 1))) {
    code -= 1;
    offset += 1;
  }
  return String(offset % 10);
}

const stopWords: ReadonlySet<string> = new Set(
  [...eng, ...spa, ...deu, ...fra, ...nld, ...ita, ...por, ...extraStopWords].map(foldText),
);

// Each language's own function words, to tell which of the seven a sentence is written in.
const functionWordsByLanguage: readonly ReadonlySet<string>[] = [eng, spa, deu, fra, nld, ita, por].map(
  (words) => new Set(words.map(foldText)),
);

/**
 * The corpus language (an index into en, es, de, fr, nl, it, pt) whose function words a text's
 * tokens use most, or -1 when none stands out (no function word, or a tie): "die … sind" is German,
 * "il … non" Italian, whatever product names, codes and numbers the text shares with another.
 */
export function functionWordLanguage(tokens: readonly FactToken[]): number {
  let best = -1;
  let bestCount = 0;
  let tie = false;
  functionWordsByLanguage.forEach((words, language) => {
    let count = 0;
    for (const token of tokens) if (token.stop && words.has(token.value)) count += 1;
    if (count > bestCount) {
      best = language;
      bestCount = count;
      tie = false;
    } else if (count === bestCount && count > 0) tie = true;
  });
  return tie ? -1 : best;
}

/** Whether a folded word is a function word in one of the seven languages. */
export function isStopWord(word: string): boolean {
  return stopWords.has(word);
}

const twoDigits = (value: number): string => String(value).padStart(2, '0');

/**
 * Rewrites dates, times, amounts and codes into one canonical spelling each, on folded text, so that
 * "14 March 2024", "2024-03-14" and "14/03/2024" all become `d0314 2024`, "8pm" and "20:00" become
 * `t2000`, "1,49 %" and "1.49%" become `1.49 %`, and "E-104" becomes `e104`.
 */
function canonicalise(folded: string): string {
  let text = ` ${folded} `;
  // Every rewrite but the currency words needs a digit in what it matches (a code is only joined
  // when it holds one): most sentences have none and skip ten scans.
  if (hasDigit(folded)) text = canonicaliseNumbers(text);
  // Currency and percent words.
  return text.replace(
    /\b(eur|euros?|usd|dollars?|gbp|pounds?|percent|per cent|prozent|procent|pour cent|por ciento|per cento|por cento)\b/g,
    (word) => ` ${currencyWords.get(word) ?? word} `,
  );
}

/** The rewrites of {@link canonicalise} that only ever change text holding a digit. */
function canonicaliseNumbers(spaced: string): string {
  let text = spaced;
  // ISO dates first, so their hyphens are not read as ranges or codes.
  text = text.replace(
    /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/g,
    (_match, year: string, month: string, day: string) =>
      validDate(+month, +day) ? ` d${twoDigits(+month)}${twoDigits(+day)} ${year} ` : _match,
  );
  // 14/03/2024, 14.03.2024, 14-03-24: day first (every language of the corpus but US English);
  // read month first only when the first part cannot be a month. A hyphenated date stands alone
  // (not inside a code such as INV-14-03-24).
  const numericDate = (match: string, first: string, second: string, year: string): string => {
    const [day, month] = +second > 12 && +first <= 12 ? [+second, +first] : [+first, +second];
    if (!validDate(month, day)) return match;
    return ` d${twoDigits(month)}${twoDigits(day)} ${year.length === 2 ? `20${year}` : year} `;
  };
  text = text.replace(/\b(\d{1,2})[./](\d{1,2})[./](\d{2}|\d{4})\b/g, numericDate);
  text = text.replace(/(?<![\p{L}\d-])(\d{1,2})-(\d{1,2})-(\d{2}|\d{4})(?![\p{L}\d-])/gu, numericDate);
  // 14/03 without a year, slash only (14.03 and 14-03 read as a decimal and a range; a/b/c as a
  // path), the same way round as above.
  text = text.replace(
    /(?<![/.])\b(\d{1,2})\/(\d{1,2})\b(?![./]\d)/g,
    (match, first: string, second: string) => {
      const [day, month] = +second > 12 && +first <= 12 ? [+second, +first] : [+first, +second];
      return validDate(month, day) ? ` d${twoDigits(month)}${twoDigits(day)} ` : match;
    },
  );
  // "14 March", "14th of March", "le 14 mars", "14. März" and "March 14th".
  text = text.replace(
    new RegExp(
      `\\b(\\d{1,2})(?:st|nd|rd|th|er|e|o|º|\\.)?\\s+(?:of\\s+|de\\s+)?(${monthPattern})\\b\\.?`,
      'g',
    ),
    (match, day: string, name: string) => {
      const month = monthOf.get(name)!;
      return validDate(month, +day) ? ` d${twoDigits(month)}${twoDigits(+day)} ` : match;
    },
  );
  text = text.replace(
    new RegExp(`\\b(${monthPattern})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b(?!\\s*[:.,]?\\d)`, 'g'),
    (match, name: string, day: string) => {
      const month = monthOf.get(name)!;
      return validDate(month, +day) ? ` d${twoDigits(month)}${twoDigits(+day)} ` : match;
    },
  );
  // Times: 8:00, 08.00 h, 8:30 pm, 8am, 8 p.m. (a dot only before "h": 12.50 alone is an amount).
  // A 12-hour clock's "am"/"pm" after the minutes belongs to the time ("8:00 pm" is 20:00).
  text = text.replace(
    // German "am" (on) after a time is not a suffix: "um 12:30 am Freitag" is 12:30.
    /\b(\d{1,2})(?:[:h](\d{2})\b|\.(\d{2})(?=\s?h\b))(?:\s?([ap])\.?m\b\.?(?!\s+(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|wochenende|vormittag|nachmittag|abend|morgen|nachsten|kommenden|folgenden|selben|gleichen|ersten|letzten|\d)))?/g,
    (
      match,
      hour: string,
      afterColon: string | undefined,
      beforeH: string | undefined,
      half: string | undefined,
    ) => {
      const minute = afterColon ?? beforeH ?? '';
      let value = +hour;
      let rest = '';
      if (half !== undefined && (value < 1 || value > 12)) {
        // Not a 12-hour time ("15:00 am Montag"): the 24-hour time, the word after it kept.
        rest = match.slice(match.search(/\s?[ap]\.?m\b\.?$/));
      } else if (half !== undefined) {
        value = (value % 12) + (half === 'p' ? 12 : 0);
      }
      return value < 24 && +minute < 60 ? ` t${twoDigits(value)}${minute} ${rest}` : match;
    },
  );
  text = text.replace(/\b(\d{1,2})\s?(a\.?m\.?|p\.?m\.?)(?=\W)/g, (match, hour: string, half: string) => {
    const value = +hour;
    if (value < 1 || value > 12) return match;
    const pm = half.startsWith('p');
    return ` t${twoDigits((value % 12) + (pm ? 12 : 0))}00 `;
  });
  // Thousands separators: 10,000 / 10.000 / 10 000 → 10000 (groups of exactly three digits), also
  // before a decimal part with the other mark: 1,000.50 / 1.000,50 → 1000.50. A group is three
  // digits and no more (1.2345 is not 12345), and after a lone 0 the mark is a decimal one
  // (0,125 = 0.125).
  text = text.replace(
    /\b(\d{1,3}(?:([,.\u00a0\u202f ])\d{3})+)(?:([.,])(\d+))?(?!\d|[,.]\d)/g,
    (
      match,
      whole: string,
      separator: string,
      decimalMark: string | undefined,
      fraction: string | undefined,
    ) => {
      const groups = whole.split(separator);
      if (!groups.every((group, index) => index === 0 || group.length === 3)) return match;
      if (groups[0] === '0') {
        return groups.length === 2 && decimalMark === undefined && (separator === ',' || separator === '.')
          ? `0.${groups[1]}`
          : match;
      }
      if (decimalMark === undefined) return groups.join('');
      return decimalMark === separator ? match : `${groups.join('')}.${fraction}`;
    },
  );
  // Decimal commas and trailing zeros: 1,49 → 1.49; 49,00 → 49; 1.50 → 1.5.
  text = text.replace(/\b(\d+)[.,](\d{1,2})\b(?![.,]\d)/g, (_match, whole: string, fraction: string) => {
    const trimmed = fraction.replace(/0+$/, '');
    return trimmed === '' ? whole : `${whole}.${trimmed}`;
  });
  // Codes: letters and digits joined by hyphens or spaces-free (E-104, INV-2024-118342, CD-410).
  text = text.replace(/\b[\p{L}\d]+(?:-[\p{L}\d]+)+\b/gu, (match) =>
    /\d/.test(match) && /\p{L}/u.test(match) ? match.replace(/-/g, '') : match,
  );
  return text;
}

function validDate(month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// Tokens with a letter first (so "2fa" and "r2" stay whole), then plain numbers, then symbols.
const tokenPattern = /[\p{L}\p{M}\p{N}]*\p{L}[\p{L}\p{M}\p{N}]*|\d+(?:\.\d+)?|[€$£%]/gu;

/**
 * Splits text into fact tokens: words (case and accents folded), numbers, amounts, codes, dates and
 * times in one canonical form each, and the symbols € $ £ %. Punctuation and menu-path separators
 * (→, >, /, ») vanish, so "Back Office → Payouts" and "Back Office > Payouts" give the same tokens.
 *
 * @example
 * ```ts
 * factTokens('Fees: 1,49 % + €0,10 from 1 March').map((token) => token.value);
 * // ['fees', '1.49', '%', '€', '0.1', 'from', 'd0301']
 * ```
 */
export function factTokens(text: string): FactToken[] {
  // The same reference sentences and nuggets are tokenised for every strategy's answer to a turn; a
  // long text (a whole answer, which each scorer reads once) is not kept: 8,192 answers of 500
  // words held ~400 MB in an SDK process verifying every answer.
  if (text.length > rememberedLength) return tokenise(text);
  return recentTokens.get(text, tokenise).slice();
}

/** Texts longer than this are tokenised afresh each time (sentences and nuggets are far shorter). */
const rememberedLength = 400;

/**
 * Texts whose tokens {@link factTokens} remembers (it is pure; tokens are never changed after they
 * are made, and each caller gets its own array): at most 8,192 texts of 400 characters, tens of MB
 * in the worst case, a few MB for sentence-sized texts.
 */
const recentTokens = new RecentResults<string, readonly FactToken[]>(8192);

function tokenise(text: string): FactToken[] {
  const canonical = canonicalise(foldText(text));
  const tokens: FactToken[] = [];
  let end = 0;
  // Whether a « is open: its » closes a quotation, not a menu.
  const quotes = { open: false };
  for (const match of canonical.matchAll(tokenPattern)) {
    let value = match[0];
    const number = numberWords.get(value);
    if (number !== undefined) value = number;
    const key = hasDigit(value);
    const boundary = tokens.length === 0 ? 2 : boundaryIn(canonical, end, match.index, tokens.at(-1)!.value);
    const path = tokens.length > 0 && pathIn(canonical, end, match.index, quotes);
    tokens.push({ value, key, stop: !key && isStopWord(value), boundary, path });
    end = match.index + match[0].length;
  }
  return tokens;
}

/**
 * Whether `text` has a menu-path separator between two tokens (`from` to `to`): →, or > and » with
 * a space beside them, and » only when it closes no « (French, Spanish, Italian and Portuguese
 * quotes: «artículo no encontrado»; "<key>" is no menu either). Updates whether a « is open.
 */
function pathIn(text: string, from: number, to: number, quotes: { open: boolean }): boolean {
  let found = false;
  for (let index = from; index < to; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0xab) quotes.open = true;
    else if (code === 0xbb && quotes.open) quotes.open = false;
    else if (code === 0x2192) found = true;
    else if (
      (code === 62 || code === 0xbb) &&
      (text.charCodeAt(index - 1) === 32 || text.charCodeAt(index + 1) === 32)
    )
      found = true;
  }
  return found;
}

/** Abbreviations with a dot in the seven corpus languages, folded, beyond one or two letters. */
const abbreviations: ReadonlySet<string> = new Set([
  'approx',
  'aprox',
  'max',
  'min',
  'incl',
  'excl',
  'inkl',
  'exkl',
  'zzgl',
  'bzw',
  'ggf',
  'evtl',
  'usw',
  'etc',
  'vs',
  'ca',
  'env',
  'nr',
  'tel',
  'resp',
]);

/**
 * The strongest break in `text` between two tokens (`from` to `to`, after the token `previous`): 2
 * for a sentence end, 1 for a clause break, 0 for none. Decimal points and the colons of times are inside tokens by now, and
 * menu-path separators (→ > » /) and apostrophes break nothing. A character loop, not a regular
 * expression: it runs once per token of every text tokenised.
 */
function boundaryIn(text: string, from: number, to: number, previous: string): 0 | 1 | 2 {
  let found: 0 | 1 | 2 = 0;
  for (let index = from; index < to; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 59 || code === 10) return 2;
    // . ! ? end a sentence before a space: not inside "tillwell.com" or "kim.nguyen@…", and not in a
    // quoted label ("Forgot password?" I can see …); a dot after one or two letters ends an
    // abbreviation ("e.g.", "z. B.", "EE. UU.", "B.V."), which breaks no more than a comma.
    if (code === 46 || code === 33 || code === 63) {
      const next = text.charCodeAt(index + 1);
      const spaced = next === 32 || next === 10 || next === 9 || next === 0xa0 || index + 1 >= text.length;
      if (!spaced) found = 1;
      else if (code === 46 && previous.length <= 2 && !hasDigit(previous)) found = 1;
      // "approx. 3 days", "max. 30 days", "inkl. MwSt", "bzw.": an abbreviation breaks no more than
      // a comma.
      else if (code === 46 && abbreviations.has(previous)) found = 1;
      else return 2;
      continue;
    }
    // , : ( ) [ ] ¿ ¡ and a dash with a space on either side (not quotes, which wrap the labels of
    // buttons, nor « », which separate menus)
    if (
      code === 44 ||
      code === 58 ||
      code === 40 ||
      code === 41 ||
      code === 91 ||
      code === 93 ||
      code === 0xbf ||
      code === 0xa1 ||
      // an emoji (a surrogate pair) ends a clause as a comma would: "Congrats 😄 Don't …"
      (code >= 0xd800 && code <= 0xdbff) ||
      ((code === 0x2013 || code === 0x2014 || code === 45) &&
        (text.charCodeAt(index - 1) === 32 || text.charCodeAt(index + 1) === 32))
    )
      found = 1;
  }
  return found;
}

/**
 * Whether two folded word tokens are the same word up to inflection: equal, a plural `-s`/`-es`
 * apart, or sharing a prefix of at least 4 letters and three quarters of the shorter word
 * ("payout"/"payouts", "verify"/"verification", "reembolso"/"reembolsos"). Key tokens (numbers,
 * codes, dates) only ever match exactly.
 */
export function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  if (hasDigit(a) || hasDigit(b)) return false;
  // Called for every answer token against every nugget word: no arrays or strings are built here.
  const short = a.length <= b.length ? a : b;
  const long = a.length <= b.length ? b : a;
  let common = 0;
  while (common < short.length && short.charCodeAt(common) === long.charCodeAt(common)) common += 1;
  // `long` is `short` + "s" or + "es".
  if (common === short.length) {
    const extra = long.length - short.length;
    if (extra === 1 && long.charCodeAt(short.length) === 115) return true;
    if (extra === 2 && long.charCodeAt(short.length) === 101 && long.charCodeAt(short.length + 1) === 115)
      return true;
  }
  if (short.length < 4) return false;
  return common >= Math.max(4, Math.ceil(short.length * 0.75));
}

function hasDigit(word: string): boolean {
  for (let index = 0; index < word.length; index += 1) {
    const code = word.charCodeAt(index);
    if (code >= 48 && code <= 57) return true;
  }
  return false;
}

/**
 * A set of folded words that answers "does it hold this word, up to inflection?" exactly as
 * {@link sameWord} would against every member, without comparing against every member: equal and
 * plural forms are looked up, and shared stems are only compared within the words that start with
 * the same four letters (a stem match needs at least four in common).
 *
 * @example
 * ```ts
 * new WordSet(['payouts', 'verification']).has('payout'); // true
 * ```
 */
export class WordSet {
  readonly #exact = new Set<string>();
  readonly #byStart = new Map<string, string[]>();

  constructor(words: Iterable<string>) {
    for (const word of words) {
      if (this.#exact.has(word)) continue;
      this.#exact.add(word);
      if (word.length >= 4 && !hasDigit(word)) {
        const start = word.slice(0, 4);
        const bucket = this.#byStart.get(start);
        if (bucket) bucket.push(word);
        else this.#byStart.set(start, [word]);
      }
    }
  }

  has(word: string): boolean {
    if (this.#exact.has(word)) return true;
    if (hasDigit(word)) return false;
    if (this.#exact.has(`${word}s`) || this.#exact.has(`${word}es`)) return true;
    if (word.endsWith('es') && this.#exact.has(word.slice(0, -2))) return true;
    if (word.endsWith('s') && this.#exact.has(word.slice(0, -1))) return true;
    if (word.length < 4) return false;
    for (const other of this.#byStart.get(word.slice(0, 4)) ?? []) if (sameWord(word, other)) return true;
    return false;
  }
}
