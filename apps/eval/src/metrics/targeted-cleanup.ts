// Subpaths, not the package: a scoring worker must not load the whole core (language tables).
import {
  type FactToken,
  factTokens,
  functionWordLanguage,
  holdsNegation,
  nuggetVerdict,
  WordSet,
} from '@baton/core/facts';
import { RecentResults } from '@baton/core/recent-results';
import { listItemNumber, splitSentences } from './split-sentences.js';
import { humanCleanup } from './translation-edit-rate.js';

/** Share of a sentence's content words the reference must hold for the sentence to be kept as is. */
const keepShare = 0.75;
/** Below this share a sentence carries nothing the reference says and is dropped; between the two it is rewritten. */
const dropShare = 0.4;

/** What happened to each sentence on the way to the targeted reference. */
export interface TargetedSentence {
  text: string;
  /**
   * `kept`: an answer sentence the reference supports; `corrected`: one it supports but for one
   * number, with the reference's number put in (the text is the corrected sentence); `rewritten`:
   * one it partly supports, replaced by the reference sentence it corresponds to; `dropped`:
   * contradicted or carrying nothing it says; `added`: a reference sentence carrying a missing
   * nugget.
   */
  fate: 'kept' | 'corrected' | 'rewritten' | 'dropped' | 'added';
}

/** The targeted reference for an answer, and the cleanup it implies. */
export interface TargetedCleanupResult {
  /** TER from the answer to the target, capped at 1. */
  rate: number;
  /** The closest acceptable reply: the target of the edit. */
  target: string;
  sentences: TargetedSentence[];
}

/**
 * The normalisation of every cleanup number, stated so it can be compared with other tools: words
 * after Unicode NFKC, lower-casing and punctuation removal (as sacreBLEU's TER with
 * `case_sensitive=False, no_punct=True`), TERCOM's shift limits (blocks of ≤ 10 words moved ≤ 50
 * words), edits ÷ words of the target, capped at 1.
 */
export const cleanupNormalisation =
  'TER with shifts (NFKC, lower-cased, punctuation removed; shifts ≤ 10 words over ≤ 50), edits ÷ target words, capped at 1';

/**
 * HTER-style human cleanup against a **targeted reference** (Snover et al. 2006): the edit rate
 * from the answer to the closest acceptable reply, not to the human's own wording. The target is
 * built deterministically from the answer itself:
 *
 * 1. keep each answer sentence the reference supports: at least three quarters of its content
 *    words occur in the reference, and every number, amount, code, date and time in it too;
 * 2. correct a sentence that would be kept but for one number the reference does not hold, when
 *    nothing is a guess (no other number of its kind in the sentence, exactly one the reference
 *    sentence it corresponds to lacks, the same unit after a plain number): "€25" → "€15", as a
 *    post-editor would;
 * 3. rewrite a sentence it partly supports (40–75 % of its words, or numbers it does not hold)
 *    into the reference sentence it corresponds to, as a post-editor would fix it;
 * 4. drop the sentences that carry nothing it says;
 * 5. add, for each nugget the target does not convey yet, the reference sentence that carries it,
 *    after the target sentence nearest before it in the reference's order.
 *
 * The human's own reply is always an acceptable target too, so the cleanup is the lower of the
 * edit rates to the targeted reference and to the human reply.
 *
 * The human's own reply therefore costs 0, an answer with only unsupported sentences costs 1, and a
 * correct answer in other words costs little, as a post-editor would leave it alone.
 *
 * @param answer - The bot's answer.
 * @param reference - The recorded human reply.
 * @param nuggets - The facts an acceptable reply must convey (annotated or extracted).
 *
 * @example
 * ```ts
 * targetedCleanup('Fees are 1.59 % + €0.10.', 'Fees on Plus are 1.49 % + €0.10.', ['1.49 % + €0.10']).target;
 * // 'Fees are 1.49 % + €0.10.' (the one wrong number corrected)
 * ```
 */
export function targetedCleanup(
  answer: string,
  reference: string,
  nuggets: readonly string[],
): TargetedCleanupResult {
  const answerSentences = splitSentences(answer);
  if (answerSentences.length === 0) {
    return { rate: 1, target: reference, sentences: [{ text: reference, fate: 'added' }] };
  }
  const read = recentReferences.get(reference, readReference);
  const { referenceSentences, referenceKeys, referenceWords } = read;

  const sentences: TargetedSentence[] = [];
  // The target so far, in the answer's order, each entry with its place in the reference's order.
  const target: { text: string; tokens: readonly FactToken[]; position: number }[] = [];
  const used = new Set<number>();
  const nuggetTokens = nuggets.map((nugget) => factTokens(nugget));
  for (const text of answerSentences) {
    // A list item's number ("1. Open …") is no fact the reference must hold.
    const tokens = factTokens(text.replace(listItemNumber, ''));
    const { share, keysHeld } = support(tokens, referenceWords, referenceKeys);
    const position = bestMatch(tokens, referenceSentences);
    const fixed = keysHeld ? undefined : withNumberFixed(text, tokens, referenceSentences[position], read);
    if (
      keysHeld &&
      (share >= keepShare || conveysItsNuggets(text, tokens, position, read, nuggets, nuggetTokens))
    ) {
      // Supported word for word, or in other words: it conveys every nugget of the reference
      // sentence it corresponds to (and at least one) with the reference's numbers, so a
      // post-editor leaves it alone (HTER counts no edit for a correct paraphrase).
      sentences.push({ text, fate: 'kept' });
      target.push({ text, tokens, position });
    } else if (
      fixed !== undefined &&
      (share >= keepShare ||
        conveysItsNuggets(fixed.text, fixed.tokens, position, read, nuggets, nuggetTokens))
    ) {
      // Right but for one number: the post-editor corrects the number and leaves the rest.
      sentences.push({ text: fixed.text, fate: 'corrected' });
      target.push({ text: fixed.text, tokens: fixed.tokens, position });
    } else if (share >= dropShare && referenceSentences.length > 0) {
      // Partly right, or right but for a number: the post-editor fixes it into what the reference
      // says there (once per reference sentence).
      sentences.push({ text, fate: 'rewritten' });
      if (!used.has(position)) {
        used.add(position);
        const replacement = referenceSentences[position]!;
        // A numbered step stays numbered as the answer numbered it.
        const marker = listItemNumber.exec(text)?.[0] ?? '';
        target.push({ text: `${marker}${replacement.text}`, tokens: replacement.tokens, position });
      }
    } else {
      sentences.push({ text, fate: 'dropped' });
    }
  }

  const targetTokens = target.flatMap((entry) => entry.tokens);
  // Reference sentences are held without their list number: so are the target's for this lookup.
  const inTarget = new Set(target.map((entry) => entry.text.replace(listItemNumber, '')));
  const missingCarriers = new Set<number>();
  for (let index = 0; index < nuggets.length; index += 1) {
    const nugget = nuggets[index]!;
    if (nuggetVerdict(targetTokens, nuggetTokens[index]!) === 'present') continue;
    const carrier = carrierIn(read, nugget, nuggetTokens[index]!);
    // A carrier already in the target (kept verbatim, or rewritten into) is not added twice: the
    // matcher can miss a paraphrased nugget in the very sentence that carries it.
    if (carrier !== undefined && !used.has(carrier) && !inTarget.has(referenceSentences[carrier]!.text))
      missingCarriers.add(carrier);
  }
  // Each added sentence goes after the last target sentence (in the answer's order) that comes no
  // later in the reference's order, or first when none does.
  const addedAfter = new Map<number, number[]>();
  for (const index of [...missingCarriers].sort((a, b) => a - b)) {
    let slot = -1;
    target.forEach((entry, entryIndex) => {
      if (entry.position <= index) slot = entryIndex;
    });
    addedAfter.set(slot, [...(addedAfter.get(slot) ?? []), index]);
    sentences.push({ text: referenceSentences[index]!.text, fate: 'added' });
  }
  // One array literal that only ever holds strings: a `map` over a possibly empty list gave arrays
  // of two V8 shapes, and this function, among the scoring's hottest, was compiled again for each.
  const texts: string[] = [];
  for (const index of addedAfter.get(-1) ?? []) texts.push(referenceSentences[index]!.text);
  target.forEach((entry, entryIndex) => {
    texts.push(entry.text);
    for (const index of addedAfter.get(entryIndex) ?? []) texts.push(referenceSentences[index]!.text);
  });
  const targetText = texts.join(' ');
  const targeted = targetText === '' ? 1 : humanCleanup(answer, targetText);
  // A target that came out as the reply itself needs no second alignment, and none can beat 0. The
  // reply's edit rate only matters below the targeted one, so it is capped there: exact, and when
  // the words alone put it at or above that cap its shift search is skipped.
  const direct =
    targetText === reference || targeted === 0
      ? targeted
      : humanCleanup(answer, reference, { cap: targeted });
  return direct < targeted
    ? { rate: round(direct), target: reference, sentences }
    : { rate: round(targeted), target: targetText, sentences };
}

/**
 * Numbers as written: an amount with its currency sign, a percentage, a time, a plain number with
 * its separators ("€25", "1,49 %", "17:00", "10,000"); not inside a word or code (the 2 of "2FA",
 * "R2" or "E-104" is no number of the sentence).
 */
const writtenNumber = /(?<![\p{L}\d])(?<!\p{L}-)(?:[€$£]\s?)?\d+(?:[.,:]\d+)*(?:\s?[%€])?(?![\p{L}\d])/gu;

/** The kind of a written number, so that only a number of the same kind replaces it. */
function numberKind(written: string): string {
  if (written.includes('%')) return 'percent';
  if (/[€$£]/u.test(written)) return 'amount';
  if (written.includes(':')) return 'time';
  return 'number';
}

/** The word right after a position, lower-cased ("" at a punctuation mark or the end): a number's unit. */
function wordAfter(text: string, from: number): string {
  return (/^\s*(\p{L}+)/u.exec(text.slice(from))?.[1] ?? '').toLowerCase();
}

/** The canonical values (see `factTokens`) of a written number's key tokens. */
function keysOf(written: string): string[] {
  return factTokens(written)
    .filter((token) => token.key)
    .map((token) => token.value);
}

/**
 * The sentence with its one wrong number corrected: exactly one number of the sentence is not in
 * the reference, no other number of its kind stands in the sentence, the reference sentence it
 * corresponds to holds exactly one number of that kind the sentence lacks, and for a plain number
 * the same word (its unit) follows both. Anything less certain (two numbers of a kind, two candidates, another
 * unit) is left to the rewrite, as a post-editor unsure which number is meant rewrites the sentence.
 */
function withNumberFixed(
  text: string,
  tokens: readonly FactToken[],
  counterpart: ReferenceSentence | undefined,
  read: ReadReference,
): { text: string; tokens: readonly FactToken[] } | undefined {
  if (counterpart === undefined) return undefined;
  const written = [
    ...text.replace(listItemNumber, (marker) => ' '.repeat(marker.length)).matchAll(writtenNumber),
  ];
  const wrong = written.filter((match) => keysOf(match[0]).some((key) => !read.referenceKeys.has(key)));
  if (wrong.length !== 1) return undefined;
  const [match] = wrong as [RegExpMatchArray];
  const kind = numberKind(match[0]);
  // Another number of the same kind beside it ("5-10 days", "10 seconds, then 5 minutes"): which
  // of the reference's numbers goes where is a guess, left to the rewrite.
  if (written.some((other) => other !== match && numberKind(other[0]) === kind)) return undefined;
  const own = new Set(tokens.filter((token) => token.key).map((token) => token.value));
  const candidates = [...counterpart.text.matchAll(writtenNumber)].filter(
    (candidate) => numberKind(candidate[0]) === kind && !keysOf(candidate[0]).some((key) => own.has(key)),
  );
  if (new Set(candidates.map((candidate) => candidate[0])).size !== 1) return undefined;
  const candidate = candidates[0]!;
  // A plain number: the same unit after both ("7 hours" for "3 days" is two edits, not one), else
  // the rewrite. An amount's or a percentage's sign is its unit already.
  if (
    kind === 'number' &&
    wordAfter(counterpart.text, candidate.index! + candidate[0].length) !==
      wordAfter(text, match.index! + match[0].length)
  )
    return undefined;
  const fixedText = `${text.slice(0, match.index)}${candidate[0]}${text.slice(match.index! + match[0].length)}`;
  const fixedTokens = factTokens(fixedText.replace(listItemNumber, ''));
  return fixedTokens.every((token) => !token.key || read.referenceKeys.has(token.value))
    ? { text: fixedText, tokens: fixedTokens }
    : undefined;
}

/** A reference as every answer to its turn is measured against it: read once, never changed. */
interface ReadReference {
  referenceSentences: readonly ReferenceSentence[];
  /** Its numbers, amounts, codes, dates and times. */
  referenceKeys: ReadonlySet<string>;
  /** Its other words. */
  referenceWords: WordSet;
  /** Its language by its function words (see `functionWordLanguage`), -1 when unclear. */
  language: number;
  /**
   * The carrier sentence of each nugget asked about so far (see `carrierOf`): a function of the
   * reference and the nugget alone, so every answer to the turn shares one search.
   */
  carriers: Map<string, number | undefined>;
}

interface ReferenceSentence {
  /** The sentence, without a list item's number it opens with. */
  text: string;
  tokens: readonly FactToken[];
  words: WordSet;
  /** Whether it holds a negation (`holdsNegation`). */
  negated: boolean;
}

/** Whether a sentence is a question (Spanish opens one with ¿, every language ends it with ?). */
function isQuestion(text: string): boolean {
  return /[?？]\s*["'»”’)]*\s*$/u.test(text) || text.trimStart().startsWith('¿');
}

// Every answer to a turn (the strategy's and each floor probe's) is measured against the same
// reply: it is split and tokenised once. Turns in flight at once are far fewer than this.
const recentReferences = new RecentResults<string, ReadReference>(256);

function readReference(reference: string): ReadReference {
  const referenceSentences = splitSentences(reference).map((numbered) => {
    // Its list numbers are no facts either ("1. Open Orders." holds no "1" an answer may state),
    // nor part of a sentence a post-editor brings into the answer (the answer numbers its own).
    const text = numbered.replace(listItemNumber, '');
    const tokens = factTokens(text);
    return {
      text,
      tokens,
      words: new WordSet(tokens.map((token) => token.value)),
      negated: holdsNegation(tokens),
    };
  });
  const referenceTokens = referenceSentences.flatMap((sentence) => sentence.tokens);
  return {
    referenceSentences,
    referenceKeys: new Set(referenceTokens.filter((token) => token.key).map((token) => token.value)),
    referenceWords: new WordSet(referenceTokens.filter((token) => !token.key).map((token) => token.value)),
    language: functionWordLanguage(referenceTokens),
    carriers: new Map(),
  };
}

/**
 * Whether an answer sentence the reference's words do not support conveys, in its own words,
 * every nugget whose carrier is its corresponding reference sentence, and at least one nugget,
 * contradicting none: a correct paraphrase, which a post-editor would not touch.
 */
function conveysItsNuggets(
  text: string,
  tokens: readonly FactToken[],
  position: number,
  read: ReadReference,
  nuggets: readonly string[],
  nuggetTokens: readonly (readonly FactToken[])[],
): boolean {
  // A question asks rather than conveys (an echo of the customer's message), and a sentence
  // negated where its reference sentence is not, or the reverse, says the opposite in its words.
  if (isQuestion(text)) return false;
  // Product names, codes and numbers survive a translation: the nugget words of a sentence in
  // another language than the reference's are no evidence of a correct reply.
  const language = functionWordLanguage(tokens);
  if (language >= 0 && read.language >= 0 && language !== read.language) return false;
  const counterpart = read.referenceSentences[position];
  if (counterpart !== undefined && holdsNegation(tokens) !== counterpart.negated) return false;
  let conveyed = 0;
  for (let index = 0; index < nuggets.length; index += 1) {
    const verdict = nuggetVerdict(tokens, nuggetTokens[index]!);
    if (verdict === 'present') conveyed += 1;
    else if (
      verdict === 'contradicted' ||
      carrierIn(read, nuggets[index]!, nuggetTokens[index]!) === position
    )
      return false;
  }
  return conveyed > 0;
}

/** {@link carrierOf} for a nugget of a read reference, searched once per reference and nugget. */
function carrierIn(
  read: ReadReference,
  nugget: string,
  nuggetTokens: readonly FactToken[],
): number | undefined {
  if (read.carriers.has(nugget)) return read.carriers.get(nugget);
  const carrier = carrierOf(nuggetTokens, read.referenceSentences);
  read.carriers.set(nugget, carrier);
  return carrier;
}

/**
 * How far the reference supports a sentence: the share of its content words (all its words when
 * it has no content words) that occur in the reference, and whether it holds every one of the
 * sentence's numbers, amounts, codes, dates and times.
 */
function support(
  tokens: readonly FactToken[],
  referenceWords: WordSet,
  referenceKeys: ReadonlySet<string>,
): { share: number; keysHeld: boolean } {
  const keysHeld = tokens.every((token) => !token.key || referenceKeys.has(token.value));
  const content = tokens.filter((token) => !token.key && !token.stop);
  const words = content.length > 0 ? content : tokens.filter((token) => !token.key);
  if (words.length === 0) return { share: keysHeld ? 1 : 0, keysHeld };
  const found = words.filter((word) => referenceWords.has(word.value));
  return { share: found.length / words.length, keysHeld };
}

function bestMatch(tokens: readonly FactToken[], sentences: readonly { words: WordSet }[]): number {
  let best = 0;
  let bestScore = -1;
  const content = tokens.filter((token) => !token.stop);
  sentences.forEach((sentence, index) => {
    // Key tokens only match exactly, which WordSet.has does for anything with a digit.
    const score = content.filter((token) => sentence.words.has(token.value)).length;
    if (score > bestScore) {
      best = index;
      bestScore = score;
    }
  });
  return best;
}

/**
 * The reference sentence that conveys the nugget (of several, the one sharing most of its words: a
 * short nugget's words can be enough of another sentence too, "still go to the old account" of "Go
 * to Settings → … → Bank account"), else the one sharing most of its words.
 */
function carrierOf(
  nuggetTokens: readonly FactToken[],
  sentences: readonly { tokens: readonly FactToken[]; words: WordSet }[],
): number | undefined {
  const conveying: number[] = [];
  sentences.forEach((sentence, index) => {
    if (nuggetVerdict(sentence.tokens, nuggetTokens) === 'present') conveying.push(index);
  });
  if (conveying.length === 1) return conveying[0];
  if (conveying.length > 1)
    return conveying[
      bestMatch(
        nuggetTokens,
        conveying.map((index) => sentences[index]!),
      )
    ];
  if (sentences.length === 0) return undefined;
  return bestMatch(nuggetTokens, sentences);
}

function round(value: number): number {
  return Math.round(value * 10000) / 10000;
}
