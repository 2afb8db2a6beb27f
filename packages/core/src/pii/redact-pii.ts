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
  /** Whether a find counts; `text` and `start` give its context (a cue before it). */
  accept?: (found: string, text: string, start: number) => boolean;
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
const name = `${L}(?:[ -](?:(?:van de[nr]?|von de[rmn]|de los|de las|de la|de|da|do|dos|das|van|von|der|den|di|del|le|la)[ ])?${L}){0,2}`;
const date =
  '\\d{1,2}[./-]\\d{1,2}[./-]\\d{2,4}|\\d{4}-\\d{2}-\\d{2}|\\d{1,2}\\.? (?:de )?\\p{L}{3,10}\\.?(?: de)? \\d{4}|\\p{L}{3,10}\\.? \\d{1,2}(?:st|nd|rd|th)?,? \\d{4}';
/** Between a cue and its value: a colon, or a verb and an article ("is", "est le", "ist der", "è"). */
const copula =
  '(?:\\s*:\\s*|\\s+)(?:(?:is|was|es|est|ist|war|è|é|era)\\s+)?(?:(?:le|der|den|el|il|o|on|the)\\s+)?';

/** Words that introduce a person's name, as regular-expression alternatives, in lower case. */
const nameCues =
  "my name is|name is|naam is|name ist|nombre es|nom est|nome è|nome é|me chamo|ich heisse|herrn|mevrouw|meneer|de heer|alla c\\.a\\. (?:di|del|della|dello|dei)|surname is|i am|i'm|this is|attention|attn\\.?|contact|call|ask for|mr\\.?|mrs\\.?|ms\\.?|me llamo|soy|a nombre de|llamad a|sr\\.?|sra\\.?|ich heiße|ich bin|z\\. ?hd\\.?|rufen sie|herr|frau|je m'appelle|je suis|à l'attention de|appelez|m\\.|mme|ik heet|ik ben|t\\.a\\.v\\.|bel|dhr\\.?|mevr\\.?|mi chiamo|sono|chiamate|sig\\.?|sig\\.ra|chamo-me|sou|ao cuidado de|liguem à|liguem ao";
/**
 * Account-holder words, which also end compounds ("Mitkontoinhaber", "cointestatario",
 * "cotitular"): unlike the cues above they may follow other letters.
 */
const holderCues = 'account holder|titular|kontoinhaber|titulaire|rekeninghouder|intestatario';
/** A form field ("Name: Ana Ruiz"), not a noun phrase ending in name ("Device name: …"). */
const fieldCues = 'name|nombre|nom|naam|nome';
/** Titles between a cue and the name ("Frau Dr. Keller", "alla c.a. della Dott.ssa Ferri"). */
const titles =
  'dr|prof|dott\\.ssa|dott|ing|mag|sig\\.ra|sig|sr|sra|mr|mrs|ms|mme|mlle|dhr|mevr|mevrouw|meneer|herrn|herr|frau';
/**
 * Cues that also start ordinary sentences ("I am Gold member", "Ich bin Kunde", "call Monday"):
 * after them, a word of {@link notNames} is not a name. German capitalises every noun, so case alone
 * cannot tell "Ich bin Kunde" from "Ich bin Stefan".
 */
const weakCue =
  /(?:^|[^\p{L}\p{N}])(?:i am|i'm|this is|call|contact|ask for|soy|llamad a|ich bin|rufen sie|je suis|appelez|ik ben|bel|sono|chiamate|sou|liguem à|liguem ao)[: ]+$/iu;
/**
 * Role, status and calendar words that follow those cues; lower case. Months that are also given
 * names (April, May, June, August) are left out: "this is May Chen" must still be found.
 */
const notNames = new Set(
  [
    'customer client member owner manager admin administrator employee staff supervisor director founder partner subscriber user student retired premium gold silver platinum vip business not very so really still just also urgent new happy sorry support service sales billing',
    'kunde kundin neukunde stammkunde privatkunde geschäftskunde mitglied inhaber inhaberin besitzer besitzerin eigentümer eigentümerin geschäftsführer geschäftsführerin filialleiter filialleiterin leiter leiterin mitarbeiter mitarbeiterin angestellter angestellte chef chefin rentner rentnerin studentin händler händlerin kassierer kassiererin apotheker apothekerin arzt ärztin unternehmer unternehmerin selbstständig selbständig nutzer benutzer abonnent vegetarier veganer',
    'cliente socio socia propietario propietaria dueño dueña encargado encargada gerente responsable directora empleado empleada autónomo autónoma jubilado jubilada estudiante usuario usuaria administrador',
    'membre propriétaire gérant gérante directeur directrice employé employée salarié salariée retraité retraitée étudiant étudiante commerçant commerçante abonné abonnée administrateur',
    'titolare proprietaria gestore responsabile direttore direttrice dipendente impiegato impiegata pensionato pensionata studente studentessa commerciante utente abbonato abbonata amministratore',
    'sócio sócia proprietário proprietária dono gerente responsável diretor diretora funcionário funcionária empregado empregada reformado reformada aposentado aposentada comerciante utilizador usuário assinante',
    "klant lid eigenaar eigenares beheerder bedrijfsleider filiaalmanager directeur medewerker medewerkster werknemer gepensioneerd studente zzp'er zzper ondernemer winkelier gebruiker abonnee zakelijke",
    'monday tuesday wednesday thursday friday saturday sunday january february march july september october november december',
    'montag dienstag mittwoch donnerstag freitag samstag sonntag januar februar märz juli september oktober november dezember',
    'lunes martes miércoles jueves viernes sábado domingo lundi mardi mercredi jeudi vendredi samedi dimanche lunedì martedì mercoledì giovedì venerdì sabato',
    'segunda terça quarta quinta sexta maandag dinsdag woensdag donderdag vrijdag zaterdag zondag',
  ]
    .join(' ')
    .split(' '),
);
/**
 * Words that label the number after them as a reference (order, ticket, invoice, tracking, barcode):
 * "order #100458923", "Commande n° 100234567", "Bestelnummer 4012345678" are not phones or ids.
 */
const referenceCue =
  /(?:^|[^\p{L}])(?:order|pedido|commande|bestell|auftrag|ordine|encomenda|bestel|ticket|invoice|factura|facture|rechnung|fattura|fatura|factuur|tracking|seguimiento|suivi|sendung|rastreio|ean|gtin|sku|barcode|serial|referen|parcel|colis|paket|pacco|pakket)\p{L}*\.?(?:\s*(?:number|no\.?|nr\.?|n\.?\s?[°º]|núm(?:ero)?\.?|numéro|nummer|numero|id|code|código|is|es|est|ist|è|é|#|:))*\s*$/iu;
/**
 * Words that say the number is for reaching or paying someone, whatever it is about: "the phone
 * number on my order is …", "Rückfragen zur Bestellung: …", "the card for the order is …".
 */
const contactCue =
  /phone|\btel\b|mobile|cell|whatsapp|\bcall|\breach|card|karte|carte|tarjeta|carta|cartão|kaart|telefo|téléphone|teléfono|handy|portable|móvil|cellulare|telemóvel|rückfrage|contact|kontakt/iu;
const afterReference = (text: string, start: number) => {
  const before = text.slice(Math.max(0, start - 40), start);
  return referenceCue.test(before) && !contactCue.test(before);
};

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
    // Upper case as printed, or typed in lower case without spaces (nl91abna0417164300).
    pattern:
      /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b|\b[a-z]{2}\d{2}[a-z0-9]{11,30}\b/g,
    accept: ibanValid,
    digits: 2,
  },
  {
    kind: 'card',
    pattern: /\b\d(?:[ -]?\d){12,18}\b/g,
    accept: (found, text, start) => luhnValid(found) && !afterReference(text, start),
    digits: 13,
  },
  {
    kind: 'ip',
    // A dotted run of numbers is taken whole and counts only with four parts, so the last four
    // groups of a dotted phone number ("06.12.34.56.78") are not an address; an IPv4 address right
    // after an IPv6 one is still found.
    pattern: /\b\d{1,3}(?:\.\d{1,3}){3,}\b(?!\.\d)|\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b/gi,
    accept: (found) =>
      found.includes(':') || found.split('.').every((part, _, parts) => parts.length === 4 && +part <= 255),
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
  {
    kind: 'id',
    pattern: /\b\d{11}\b/g,
    accept: (found, text, start) => steuerIdValid(found) && !afterReference(text, start),
    digits: 11,
  },
  {
    kind: 'id',
    pattern: /\b\d{9}\b/g,
    accept: (found, text, start) =>
      (bsnValid(found) || portugueseNifValid(found)) && !afterReference(text, start),
    digits: 9,
  },
  { kind: 'id', pattern: /\b[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g, digits: 6 },
  { kind: 'id', pattern: /\b\d{3}-\d{2}-\d{4}\b/g, digits: 9 },
  {
    kind: 'passport',
    pattern:
      /(?:passport|pasaporte|reisepass|pass|passeport|paspoort|passaporto|passaporte)(?:nummer|nr\.?)?(?: (?:number|no\.?|nr\.?|n\.?[ºo°]|número|numéro|nummer|numero))?[: ]+([A-Z0-9]{6,9})\b/giu,
    group: 1,
    accept: (found) => /\d/.test(found) && /[A-Z]/i.test(found),
    digits: 1,
  },
  {
    kind: 'dob',
    pattern: new RegExp(
      `(?:born(?: on)?|date of birth|dob|d\\.o\\.b\\.|birthday|fecha de nacimiento|nacid[oa] el|geburtsdatum|geboren(?: am| op)?|né(?:e)? le|date de naissance|geboortedatum|data di nascita|nat[oa] il|data de nascimento|nascid[oa] (?:a|em))${copula}(${date})`,
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
        `\\b\\d{1,5}[a-z]? (?:${L} ){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Way|Boulevard|Blvd|Close|Court|Place|Terrace|Crescent|Square|Row|Parkway|Gardens|Grove|Mews)\\b`,
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
      /(?<![\w/.#-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,4}(?![\w-]|[.,:]\d)/g,
    accept: (found, text, start) => {
      const digits = found.replace(/\D/g, '');
      if (digits.length < 9 || digits.length > 15) return false;
      // Invoice and order numbers written as year-sequence (2024-000123) are not phone numbers.
      if (/^(?:19|20)\d{2}-\d{3,}$/.test(found)) return false;
      // Nor is a date with its time (2024-03-12 10:30), nor a number labelled as a reference.
      if (/^(?:19|20)\d{2}-\d{2}-\d{2}\b/.test(found)) return false;
      // An international prefix is a phone's, never a reference number's.
      return found.startsWith('+') || !afterReference(text, start);
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
      `(?:(?<![\\p{L}\\p{N}])(?:${anyCase(nameCues)})|${anyCase(holderCues)}|(?<![\\p{L}\\p{N}] ?)(?:${anyCase(fieldCues)}) ?(?=:))[: ]+(?:(?:${anyCase(titles)})\\.?[ ]+)*(${name})`,
      'gu',
    ),
    group: 1,
    // Only the few characters before the name can hold a weak cue (not the whole text before it).
    accept: (found, text, start) =>
      !(
        notNames.has(found.split(/[ -]/)[0]!.toLowerCase()) &&
        weakCue.test(text.slice(Math.max(0, start - 24), start))
      ),
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
      if (detector.accept && !detector.accept(found, text, start)) continue;
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
