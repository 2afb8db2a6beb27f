import {
  bsnValid,
  codiceFiscaleValid,
  ibanValid,
  luhnValid,
  nirValid,
  portugueseNifValid,
  spanishIdValid,
  steuerIdValid,
} from './checksums.js';

/** What {@link redactPii} found and replaced. */
export interface PiiRedaction {
  text: string;
  count: number;
  kinds: Record<string, number>;
}

/** A span of personal data found in a text. */
export interface PiiSpan {
  start: number;
  end: number;
  /** `email`, `iban`, `card`, `id`, `passport`, `dob`, `ip`, `address`, `name` or `phone`. */
  kind: string;
}

interface Detector {
  kind: string;
  pattern: RegExp;
  /** Which capture group is the personal data (default: the whole match). */
  group?: number;
  accept?: (found: string) => boolean;
  /**
   * Fewest ASCII digits a text needs for this detector to find anything (its pattern, or `accept`,
   * requires them): most chat turns have few digits, so most detectors are skipped without running
   * their pattern. Default 0.
   */
  digits?: number;
  /** A character every find contains, when there is one. */
  needs?: string;
  /** Whether the text can hold a find at all, when neither `digits` nor `needs` can say. */
  when?: (text: string, digits: number) => boolean;
}

const L = "\\p{Lu}[\\p{Ll}'’-]+";
const name = `${L}(?:[ -](?:(?:de|da|do|dos|van|von|der|den|de la|di|del|le|la)[ ])?${L}){0,2}`;
const date =
  '\\d{1,2}[./-]\\d{1,2}[./-]\\d{2,4}|\\d{4}-\\d{2}-\\d{2}|\\d{1,2}\\.? (?:de )?\\p{L}{3,10}\\.?(?: de)? \\d{4}';

/** Words that introduce a person's name, as regular-expression alternatives, in lower case. */
const nameCues =
  "my name is|name is|surname is|i am|i'm|this is|attention|attn\\.?|contact|call|ask for|mr\\.?|mrs\\.?|ms\\.?|me llamo|soy|a nombre de|llamad a|sr\\.?|sra\\.?|ich heiße|ich bin|z\\. ?hd\\.?|rufen sie|herr|frau|je m'appelle|je suis|à l'attention de|appelez|m\\.|mme|ik heet|ik ben|t\\.a\\.v\\.|bel|dhr\\.?|mevr\\.?|mi chiamo|sono|alla c\\.a\\. di|chiamate|sig\\.?|sig\\.ra|chamo-me|sou|ao cuidado de|liguem à|liguem ao";
/**
 * Account-holder words, which also end compounds ("Mitkontoinhaber", "cointestatario",
 * "cotitular"): unlike the cues above they may follow other letters.
 */
const holderCues = 'account holder|titular|kontoinhaber|titulaire|rekeninghouder|intestatario';

/**
 * A lower-case regular-expression fragment that matches its letters in either case: each cased
 * letter becomes a class of both (`m` → `[mM]`), escapes and other characters stay. For a cue that
 * must match in any case inside a pattern whose other parts must not (JavaScript has no inline
 * `(?i:…)` before Node 23).
 */
function anyCase(fragment: string): string {
  let out = '';
  for (let index = 0; index < fragment.length; index += 1) {
    const char = fragment[index]!;
    if (char === '\\') {
      out += char + (fragment[index + 1] ?? '');
      index += 1;
      continue;
    }
    const upper = char.toUpperCase();
    out += upper !== char && upper.length === 1 ? `[${char}${upper}]` : char;
  }
  return out;
}

// Order matters: a span found by an earlier detector is not looked at again, so checked identifiers
// come before the looser phone pattern, and cue-based ones (a name after "my name is") last.
const detectors: Detector[] = [
  { kind: 'email', pattern: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu, needs: '@' },
  {
    kind: 'iban',
    pattern: /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b/g,
    accept: ibanValid,
    digits: 2,
  },
  { kind: 'card', pattern: /\b\d(?:[ -]?\d){12,18}\b/g, accept: luhnValid, digits: 13 },
  {
    kind: 'ip',
    pattern:
      /\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b|\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b/gi,
    // IPv4 needs four digits, IPv6 a colon. One pattern for both, so that where they overlap the
    // leftmost address wins, as it always has.
    when: (text, digits) => digits >= 4 || text.includes(':'),
  },
  // National identifiers of the seven corpus countries (and the UK's NINO, the US SSN), checksums
  // where the format has one.
  { kind: 'id', pattern: /\b[XYZ]?\d{7,8}[A-Z]\b/g, accept: spanishIdValid, digits: 7 },
  {
    kind: 'id',
    pattern: /\b[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]\b/gi,
    accept: codiceFiscaleValid,
    digits: 7,
  },
  {
    kind: 'id',
    pattern: /\b[12] ?\d{2} ?\d{2} ?\d{2} ?\d{3} ?\d{3} ?\d{2}\b/g,
    accept: nirValid,
    digits: 15,
  },
  { kind: 'id', pattern: /\b\d{11}\b/g, accept: steuerIdValid, digits: 11 },
  {
    kind: 'id',
    pattern: /\b\d{9}\b/g,
    accept: (found) => bsnValid(found) || portugueseNifValid(found),
    digits: 9,
  },
  { kind: 'id', pattern: /\b[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g, digits: 6 },
  { kind: 'id', pattern: /\b\d{3}-\d{2}-\d{4}\b/g, digits: 9 },
  {
    kind: 'passport',
    pattern:
      /(?:passport|pasaporte|reisepass|pass|passeport|paspoort|passaporto|passaporte)(?: (?:number|no\.?|nr\.?|n[ºo°]|número|numéro|nummer|numero))?[: ]+([A-Z0-9]{6,9})\b/giu,
    group: 1,
    accept: (found) => /\d/.test(found) && /[A-Z]/i.test(found),
    digits: 1,
  },
  {
    kind: 'dob',
    pattern: new RegExp(
      `(?:born(?: on)?|date of birth|dob|d\\.o\\.b\\.|birthday|fecha de nacimiento|nacid[oa] el|geburtsdatum|geboren(?: am| op)?|né(?:e)? le|date de naissance|geboortedatum|data di nascita|nat[oa] il|data de nascimento|nascid[oa] (?:a|em))[: ]+(${date})`,
      'giu',
    ),
    group: 1,
    // The shortest date, 1.2.34, has four digits.
    digits: 4,
  },
  {
    kind: 'address',
    pattern: new RegExp(
      [
        `\\b\\d{1,5}[a-z]? (?:${L} ){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Way|Boulevard|Blvd|Close|Court|Place)\\b`,
        `\\b(?:Calle|C/|Avenida|Avda\\.?|Plaza|Paseo|Camino|Via|Viale|Piazza|Corso|Rua|Av\\.|Praça|Travessa|Largo)(?: (?:de|del|de la|da|do|dos|das))?(?: ${L}){1,3},? \\d{1,4}[a-z]?\\b`,
        `\\b${L}(?:straße|strasse|weg|platz|allee|gasse|ring|damm|straat|laan|plein|gracht|kade|singel|dijk)(?: \\d{1,4}[a-z]?)\\b`,
        `\\b\\d{1,4}(?: ?bis| ?ter)?,? (?:rue|avenue|boulevard|bd|place|chemin|allée|impasse|quai)(?: (?:de la|de l'|des|du|de|d'))?(?:[ ]?${L}){1,3}`,
      ].join('|'),
      'gu',
    ),
    // Every form has a house number.
    digits: 1,
  },
  {
    kind: 'phone',
    pattern:
      /(?<![\w/.-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,4}(?![\w-]|[.,]\d)/g,
    accept: (found) => {
      const digits = found.replace(/\D/g, '');
      if (digits.length < 9 || digits.length > 15) return false;
      // Invoice and order numbers written as year-sequence (2024-000123) are not phone numbers.
      if (/^(?:19|20)\d{2}-\d{3,}$/.test(found)) return false;
      return true;
    },
    digits: 9,
  },
  {
    kind: 'name',
    // The cue in any case ("My name is", "HERR"), the name capitalised: no `i` flag, under which
    // `\p{Lu}` matches every letter and any word after a cue ("I am happy", "this is urgent")
    // became a name. The cue must start a word, so "recall", "label" or the "m." ending a sentence
    // do not hold one; an account-holder word may end a compound.
    pattern: new RegExp(
      `(?:(?<![\\p{L}\\p{N}])(?:${anyCase(nameCues)})|${anyCase(holderCues)})[: ]+(${name})`,
      'gu',
    ),
    group: 1,
  },
];

/**
 * Finds personal data in a text with hand-written detectors: e-mail addresses, IBANs (mod-97),
 * card numbers (Luhn), IP addresses, national identifiers of es, de, fr, nl, it, pt (checksums:
 * DNI/NIE letter, Steuer-ID, NIR key, BSN 11-proof, codice fiscale, NIF) and the UK and US ones,
 * passport numbers and dates of birth after their cue words, street addresses (house number and
 * street type in the seven languages), phone numbers, and person names after a cue ("my name is",
 * "Herr", "t.a.v.", "alla c.a. di"…). Look-alikes stay: invoice numbers such as 2024-000123, order
 * numbers, error codes, prices, product models and serials. Names without a cue are not found — a
 * limit of rules without a name model (see the core README for the measured recall).
 */
export function findPii(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  const overlaps = (start: number, end: number) => spans.some((span) => start < span.end && end > span.start);
  const digits = countDigits(text);
  for (const detector of detectors) {
    if ((detector.digits ?? 0) > digits) continue;
    if (detector.needs !== undefined && !text.includes(detector.needs)) continue;
    if (detector.when !== undefined && !detector.when(text, digits)) continue;
    // exec on the shared global pattern, not matchAll: matchAll clones the RegExp on every call,
    // which cost more than the matching itself on short chat turns.
    const pattern = detector.pattern;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      // An empty match must step on (none of the patterns has one), by a whole code point.
      if (match[0] === '')
        pattern.lastIndex += pattern.unicode && (text.codePointAt(pattern.lastIndex) ?? 0) > 0xffff ? 2 : 1;
      const found = detector.group === undefined ? match[0] : match[detector.group];
      if (found === undefined || found === '') continue;
      const offset = detector.group === undefined ? 0 : match[0].lastIndexOf(found);
      const start = (match.index ?? 0) + offset;
      const end = start + found.length;
      if (detector.accept && !detector.accept(found)) continue;
      if (overlaps(start, end)) continue;
      spans.push({ start, end, kind: detector.kind });
    }
  }
  return spans.sort((a, b) => a.start - b.start);
}

/** ASCII digits in a text: what `\d` matches, even in a `u` pattern. */
function countDigits(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 48 && code <= 57) count += 1;
  }
  return count;
}

/**
 * Replaces personal data ({@link findPii}) with `[email]`, `[iban]`, `[card]`, `[ip]`, `[id]`,
 * `[passport]`, `[dob]`, `[address]`, `[phone]`, `[name]`, for delegates not cleared to see it.
 *
 * @example
 * ```ts
 * redactPii('mail me at ana@example.com').text; // 'mail me at [email]'
 * ```
 */
export function redactPii(text: string): PiiRedaction {
  const spans = findPii(text);
  const kinds: Record<string, number> = {};
  let result = '';
  let position = 0;
  for (const span of spans) {
    result += `${text.slice(position, span.start)}[${span.kind}]`;
    position = span.end;
    kinds[span.kind] = (kinds[span.kind] ?? 0) + 1;
  }
  result += text.slice(position);
  return { text: result, count: spans.length, kinds };
}
