import { type FactToken, factTokens, sameWord } from './fact-tokens.js';
import { antonymsOf } from './nugget-antonyms.js';
import { stance } from './nugget-stance.js';
import { unitsAgree } from './nugget-units.js';

/** Whether an answer conveys a nugget. `contradicted` counts as missing in every score. */
export type NuggetVerdict = 'present' | 'missing' | 'contradicted';

/** One nugget's verdict. */
export interface NuggetJudgement {
  nugget: string;
  verdict: NuggetVerdict;
}

/** What {@link matchNuggets} found. */
export interface NuggetMatchResult {
  /** Present nuggets ÷ nuggets; `null` when there are no nuggets. */
  recall: number | null;
  judgements: NuggetJudgement[];
}

/** Share of a nugget's content words that must appear together in the answer, by default. */
export const defaultWordShare = 0.6;

/**
 * Offline nugget matching: which of the facts an acceptable answer must convey (the reference's
 * nuggets) the answer conveys. A nugget is **present** when, within one stretch of the answer
 * (a window of max(12, 3k) tokens for a nugget of k content words), the answer has
 *
 * - every key token of the nugget exactly: numbers, amounts, codes, dates, times, after
 *   normalising their spelling ("1,49 %" = "1.49%", "14 March" = "14/03", "8pm" = "20:00",
 *   "E-104" = "E104", "seven" = "7"), and
 * - at least 60 % of its content words (function words of the seven corpus languages aside; case,
 *   accents, plurals and shared stems tolerated; menu-path separators ignored),
 *
 * all in one sentence (one per clause of the nugget; a sentence opening with a pronoun continues
 * the one before), and the stretch says what the nugget says. A nugget is **contradicted** when the
 * words are there but a key token differs (the answer says "1.59 %" where the nugget says "1.49 %"),
 * a number has another unit ("7 hours" for "7 days"), a negation stands beside the words on one
 * side only, a word is there only as its opposite ("disable" for "enable", "off" for "on"), or a
 * menu path the answer gives takes another step; **missing** when the words only follow a doubt
 * ("not sure whether …") or are not there. The window keeps a long answer from collecting a
 * nugget's words from unrelated sentences.
 *
 * @param answer - The answer being scored.
 * @param nuggets - The facts it must convey.
 * @param wordShare - The share of a nugget's content words the stretch must hold (default 0.6).
 * @returns Recall (present ÷ nuggets) and a verdict per nugget.
 *
 * @example
 * ```ts
 * matchNuggets('Your first payout is held up to seven days.', ['first payout held for up to 7 days']).recall; // 1
 * ```
 */
export function matchNuggets(
  answer: string,
  nuggets: readonly string[],
  wordShare = defaultWordShare,
): NuggetMatchResult {
  if (nuggets.length === 0) return { recall: null, judgements: [] };
  const answerTokens = factTokens(answer);
  const judgements = nuggets.map((nugget) => ({
    nugget,
    verdict: nuggetVerdict(answerTokens, factTokens(nugget), wordShare),
  }));
  const present = judgements.filter((judgement) => judgement.verdict === 'present').length;
  return { recall: present / nuggets.length, judgements };
}

/**
 * The verdict for one nugget's tokens against an answer's tokens (both from `factTokens`), for
 * callers that tokenise the answer once for many nuggets; `wordShare` as in {@link matchNuggets}.
 */
export function nuggetVerdict(
  answer: readonly FactToken[],
  nugget: readonly FactToken[],
  wordShare = defaultWordShare,
): NuggetVerdict {
  // Content words, or all words when the nugget has only function words: one call of `distinct`
  // for both, as a call first reached after V8 optimised this function (function words only are
  // rare) makes it drop the optimised code.
  const content = nugget.filter((token) => !token.stop);
  const words = distinct(content.length > 0 ? content : nugget);
  if (words.length === 0) return 'present';
  const keys = words.filter((token) => token.key);
  const plain = words.filter((token) => !token.key);
  const window = Math.max(12, 3 * words.length);
  const needPlain = Math.ceil(plain.length * wordShare);

  // Positions in the answer where each nugget word occurs. Every answer token meets every nugget
  // word here (the scoring's hottest loop): two words that `sameWord` can match begin with the same
  // letter (equal, a plural apart, or a shared stem of 4+ letters), so a differing first letter
  // rules the pair out before the call. Empty values, which tokens never have, take the full test.
  // `opposite`: the answer has the word's opposite here ("disable" for "enable").
  const occurrences: { word: number; position: number; opposite: boolean }[] = [];
  const opposed = antonymsOf(words.map((word) => word.value));
  const firstLetters = new Int32Array(words.length);
  for (let index = 0; index < words.length; index += 1)
    firstLetters[index] = firstLetter(words[index]!.value);
  for (let position = 0; position < answer.length; position += 1) {
    const token = answer[position]!;
    const value = token.value;
    const first = firstLetter(value);
    for (let index = 0; index < words.length; index += 1) {
      const word = words[index]!;
      const matches = word.key
        ? value === word.value
        : !token.key &&
          (first === firstLetters[index] || first < 0 || firstLetters[index]! < 0) &&
          sameWord(value, word.value);
      if (matches) occurrences.push({ word: index, position, opposite: false });
    }
    // One lookup per answer token, not per pair.
    const opposite = opposed.size > 0 && !token.key ? opposed.get(value) : undefined;
    if (opposite !== undefined)
      for (const word of opposite) occurrences.push({ word, position, opposite: true });
  }
  const span = { from: 0, to: 0 };
  const held = windowHolds(answer, nugget, occurrences, window, words, keys.length, needPlain, span);
  // A menu path is checked (most nuggets have none: `pathConflicts` answers those at once) only
  // where the answer words the nugget as a path: the words held in
  // prose ("open Settings and tap Payouts") are no other route because a path elsewhere in the
  // answer ("Settings → Devices", for another step) starts from the same menu.
  if (held === 'present')
    return pathConflicts(answer, nugget) && pathIn(answer, span) ? 'contradicted' : 'present';
  // The words are together, but every such stretch says the opposite (a negation on one side only,
  // a number in another unit) or only wonders whether it holds ("not sure whether …").
  if (held === 'flipped') return 'contradicted';
  if (held === 'hedged') return 'missing';
  if (keys.length > 0 && (plain.length === 0 ? false : needPlain > 0)) {
    return contradicts(answer, { words, keys, occurrences, window, needPlain }) ? 'contradicted' : 'missing';
  }
  return 'missing';
}

/**
 * Contradicted: the nugget's words are there together with a key token of the same kind that is
 * none of the nugget's own (another amount, date, time or code; a key it merely lacks is missing).
 *
 * Plain loops, where `map` and `filter` chains made arrays whose V8 shape depended on whether they
 * were empty: {@link nuggetVerdict} is the scoring's hottest function, and each new shape made V8
 * drop its optimised code and compile it again (with its function-words fallback, six compilations
 * in the default offline run, `node --trace-opt`; one now).
 */
function contradicts(
  answer: readonly FactToken[],
  nugget: {
    words: readonly FactToken[];
    keys: readonly FactToken[];
    occurrences: readonly { word: number; position: number }[];
    window: number;
    needPlain: number;
  },
): boolean {
  const { words, keys, occurrences, window, needPlain } = nugget;
  for (let position = 0; position < answer.length; position += 1) {
    const rival = answer[position]!;
    if (!rival.key || !keys.some((key) => sameKind(key.value, rival.value))) continue;
    // The nugget's distinct plain words within the window around the rival key.
    const near = new Set<number>();
    for (const occurrence of occurrences) {
      if (!words[occurrence.word]!.key && Math.abs(occurrence.position - position) <= window)
        near.add(occurrence.word);
    }
    if (near.size >= needPlain && !keys.some((key) => key.value === rival.value)) return true;
  }
  return false;
}

/**
 * Whether some window of `size` answer positions holds every key word and at least `needPlain`
 * distinct plain words (a sliding window over the occurrences in position order) and says what the
 * nugget says: `present` for the first such window that does, else `flipped` when one of them
 * carries a negation the nugget lacks (or lacks the nugget's), a nugget word only as its opposite
 * ("disable" for "enable", "turn off" for "turn on") or counts a number in another unit,
 * `hedged` when each of them only
 * sits in a "whether" clause after a doubt word (a conditional "if" is no hedge), `none` when no
 * window holds the words.
 */
function windowHolds(
  answer: readonly FactToken[],
  nugget: readonly FactToken[],
  occurrences: readonly { word: number; position: number; opposite: boolean }[],
  size: number,
  words: readonly FactToken[],
  keyCount: number,
  needPlain: number,
  span: { from: number; to: number },
): 'present' | 'flipped' | 'hedged' | 'none' {
  // Sentence starts, found as the window moves on (no per-answer table: most answers are read for
  // one to four nuggets).
  const sentenceStarts: number[] = [];
  let scanned = 1;
  const sentence = (position: number): number => {
    for (; scanned <= position; scanned += 1)
      if (answer[scanned]!.boundary === 2 && !continuers.has(answer[scanned]!.value))
        sentenceStarts.push(scanned);
    // How many starts are at or before the position: a binary search, as a long answer has many.
    let low = 0;
    let high = sentenceStarts.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (sentenceStarts[middle]! <= position) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  // A nugget of one clause is said within one sentence; one of several parts ("merchant cash
  // advance, not a classic loan") may take a sentence per part.
  let parts = 1;
  for (let index = 1; index < nugget.length; index += 1) if (nugget[index]!.boundary > 0) parts += 1;
  const counts = new Map<number, number>();
  let keysIn = 0;
  let plainIn = 0;
  let start = 0;
  let rejected: 'flipped' | 'hedged' | 'none' = 'none';
  for (let end = 0; end < occurrences.length; end += 1) {
    const occurrence = occurrences[end]!;
    add(occurrence.word, 1);
    while (
      occurrence.position - occurrences[start]!.position >= size ||
      sentence(occurrence.position) - sentence(occurrences[start]!.position) > parts - 1
    ) {
      add(occurrences[start]!.word, -1);
      start += 1;
    }
    if (keysIn === keyCount && plainIn >= needPlain) {
      // The stretch's words may go on past the one that completed it ("… IVA esclusa").
      let reach = end;
      while (
        reach + 1 < occurrences.length &&
        occurrences[reach + 1]!.position - occurrences[start]!.position < size &&
        sentence(occurrences[reach + 1]!.position) === sentence(occurrence.position)
      )
        reach += 1;
      const said =
        !oppositeOnly(occurrences, start, reach) && unitsAgree(answer, nugget, occurrences, start, end)
          ? stance(answer, nugget, occurrences, start, end, reach)
          : 'flipped';
      if (said === 'same') {
        span.from = occurrences[start]!.position;
        span.to = occurrences[reach]!.position;
        return 'present';
      }
      if (said === 'flipped' || rejected === 'none') rejected = said;
    }
  }
  return rejected;

  function add(word: number, delta: 1 | -1): void {
    const before = counts.get(word) ?? 0;
    const after = before + delta;
    counts.set(word, after);
    if ((before === 0) === (after === 0)) return;
    const change = after === 0 ? -1 : 1;
    if (words[word]!.key) keysIn += change;
    else plainIn += change;
  }
}

/**
 * Pronouns and demonstratives that open a sentence about what the one before said ("… in the app.
 * It costs €0.30."), in the seven corpus languages; such a sentence counts as part of the one before.
 * Not Italian "il" (an article); Spanish, Italian and Portuguese sentences that drop the pronoun
 * ("Cuesta 0,30 €.") stay apart.
 */
const continuers: ReadonlySet<string> = new Set([
  // en
  'it',
  'this',
  'that',
  'they',
  'these',
  'those',
  // de
  'es',
  'er',
  'sie',
  'das',
  'dies',
  'diese',
  'dieser',
  // fr
  'elle',
  'ils',
  'elles',
  'cela',
  'ca',
  'ce',
  'ceci',
  // es
  'esto',
  'eso',
  'ello',
  // it
  'esso',
  'essa',
  'cio',
  'questo',
  'questa',
  // nl
  'het',
  'dit',
  'dat',
  'hij',
  'ze',
  'zij',
  // pt
  'isso',
  'isto',
  'ele',
  'ela',
  'eles',
  'elas',
]);

/**
 * Whether some nugget word is in `occurrences[start..end]` only as its opposite ("Disable offline
 * payments" for "enable offline payments"); "enable or disable" holds the word itself.
 */
function oppositeOnly(
  occurrences: readonly { word: number; position: number; opposite: boolean }[],
  start: number,
  end: number,
): boolean {
  let opposites: number[] | undefined;
  for (let index = start; index <= end; index += 1) {
    if (!occurrences[index]!.opposite) continue;
    opposites ??= [];
    opposites.push(occurrences[index]!.word);
  }
  if (opposites === undefined) return false;
  return opposites.some(
    (word) =>
      !occurrences.some(
        (occurrence, index) =>
          index >= start && index <= end && occurrence.word === word && !occurrence.opposite,
      ),
  );
}

/**
 * The steps of the menu paths in `tokens`: for each separator, the word before it ("More" is a
 * function word but a menu too) and the content words after it up to the next separator or clause
 * end, at most three ("→ turn on "Ask
 * for tips"" is the step to "Ask for tips").
 */
function stepsOf(tokens: readonly FactToken[]): { from: string; to: string[] }[] {
  const steps: { from: string; to: string[] }[] = [];
  for (let index = 1; index < tokens.length; index += 1) {
    if (!tokens[index]!.path) continue;
    const to: string[] = [];
    for (let after = index; after < tokens.length && to.length < 3; after += 1) {
      const token = tokens[after]!;
      if (after > index && (token.path || token.boundary > 0)) break;
      if (!token.stop) to.push(token.value);
    }
    if (to.length > 0) steps.push({ from: tokens[index - 1]!.value, to });
  }
  return steps;
}

/**
 * Whether the answer writes the nugget's menu path another way: a step of the nugget's path
 * ("Settings → Payments") is nowhere in the answer, which has the same menu leading elsewhere
 * ("Settings → Devices") or another menu leading to the same item ("Account → Security" for
 * "Settings → Security"). A path the answer words in prose, or leaves a leading step out of
 * ("Settings → Tips" for "Back Office → Settings → Tips"), is no conflict. The 60 % share of words
 * let a path with one wrong step through.
 */
/** Whether the sentences from the one holding `span.from` to the one holding `span.to` hold a path. */
function pathIn(tokens: readonly FactToken[], span: { from: number; to: number }): boolean {
  let first = span.from;
  while (first > 0 && tokens[first]!.boundary !== 2) first -= 1;
  for (let index = first; index < tokens.length; index += 1) {
    if (index > span.to && tokens[index]!.boundary === 2) break;
    if (tokens[index]!.path) return true;
  }
  return false;
}

function pathConflicts(answer: readonly FactToken[], nugget: readonly FactToken[]): boolean {
  let nuggetHasPath = false;
  for (const token of nugget) if (token.path) nuggetHasPath = true;
  if (!nuggetHasPath) return false;
  const theirs = stepsOf(answer);
  if (theirs.length === 0) return false;
  for (const step of stepsOf(nugget)) {
    const target = step.to[0]!;
    const leadsTo = (other: { to: string[] }) => other.to.some((word) => sameWord(word, target));
    if (theirs.some((other) => sameWord(other.from, step.from) && leadsTo(other))) continue;
    // A conflict is judged on the word right after the separator: the prose after it may name the
    // nugget's item anyway ("Settings → Receipts and upload your logo").
    if (theirs.some((other) => sameWord(other.from, step.from) !== sameWord(other.to[0]!, target)))
      return true;
  }
  return false;
}

/** The first UTF-16 unit of a word, or -1 for the empty word. */
function firstLetter(word: string): number {
  return word.length === 0 ? -1 : word.charCodeAt(0);
}

function distinct(tokens: readonly FactToken[]): FactToken[] {
  const seen = new Set<string>();
  return tokens.filter((token) => {
    if (seen.has(token.value)) return false;
    seen.add(token.value);
    return true;
  });
}

/** Two key tokens of one kind: both dates, both times, both plain numbers, or both codes. */
function sameKind(a: string, b: string): boolean {
  return kindOf(a) === kindOf(b);
}

function kindOf(value: string): string {
  if (/^d\d{4}$/.test(value)) return 'date';
  if (/^t\d{4}$/.test(value)) return 'time';
  if (/^\d+(\.\d+)?$/.test(value)) return 'number';
  return `code:${value.replace(/\d+/g, '#')}`;
}
