import type { FactToken } from './fact-tokens.js';
import { oppositeParticles } from './nugget-antonyms.js';

// Whether the clause that carries a nugget's words says it, says the opposite, or only wonders
// whether it holds. Closed-class words of the seven corpus languages (en de fr es it nl pt), folded
// as `factTokens` folds them; the matcher ignores most of them as function words, which made "the
// reader doesn't work offline" convey "the reader works offline".

/** Negation words. English "n't" and Portuguese "no" (= "in the") are handled apart. */
const negations: ReadonlySet<string> = new Set([
  // en
  'not',
  'never',
  'none',
  'nothing',
  'nobody',
  'cannot',
  'neither',
  'nor',
  // de
  'nicht',
  'kein',
  'keine',
  'keinen',
  'keinem',
  'keiner',
  'keines',
  'nie',
  'niemals',
  'nichts',
  // fr: the second part ("ne … que" is "only"; spoken French drops "ne"); "ne … plus" apart
  'pas',
  'jamais',
  'aucun',
  'aucune',
  'rien',
  // es
  'nunca',
  'jamas',
  'ningun',
  'ninguno',
  'ninguna',
  'nada',
  'tampoco',
  // it ("mai" alone is also the German and French month)
  'non',
  'nessun',
  'nessuno',
  'nessuna',
  'niente',
  // nl
  'niet',
  'geen',
  'nooit',
  'niets',
  'niemand',
  // pt
  'nao',
  'nenhum',
  'nenhuma',
]);

/** Words only Portuguese uses among the seven: where they occur, "no" is "in the", not "no". */
const portugueseMarkers: ReadonlySet<string> = new Set([
  'nao',
  'voce',
  'uma',
  'ao',
  'aos',
  'pelo',
  'pela',
  'pelos',
  'pelas',
  'tambem',
  'em',
]);

/**
 * Words after which "whether" and its counterparts only ask: not knowing, not being sure, asking,
 * wondering. A word matches an entry it starts with. A conditional "if" is no hedge (replies put
 * instructions in it: "if you upload a PDF statement, …"), nor is "check whether" (an instruction).
 */
const doubtWords: readonly string[] = [
  // en
  'sure',
  'unsure',
  'know',
  'knew',
  'ask',
  'wonder',
  'certain',
  // de
  'sicher',
  'weiss',
  'wissen',
  'frag',
  // fr
  'sais',
  'sait',
  'savoir',
  'demand',
  // es
  'segur',
  'sabe',
  'saber',
  'pregunt',
  // it
  'sicur',
  'sapere',
  'chied',
  // nl
  'zeker',
  'weet',
  'weten',
  'vraag',
  'vroeg',
  // pt
  'certeza',
  'pergunt',
];

/**
 * "Whether" in the seven languages ("if", "si", "se", "of", "che" only after a doubt word: "make sure
 * each of the readers" and "sono sicuro che" are no doubt, as "sure" doubts only when negated).
 */
const whetherWords: ReadonlySet<string> = new Set(['whether', 'if', 'ob', 'si', 'se', 'of', 'che']);

/**
 * How far a clause is read from the words it holds, each way. Real clauses are far shorter; a text
 * without punctuation (a model repeating itself for 30 KB) would otherwise be one clause read
 * again for every stretch of it, seconds of CPU in quadratic time.
 */
const clauseReach = 64;

/** The first token of the clause holding `position` (a clause starts at a boundary), within reach. */
function clauseStart(tokens: readonly FactToken[], position: number): number {
  let start = position;
  const limit = Math.max(0, position - clauseReach);
  while (start > limit && tokens[start]!.boundary === 0) start -= 1;
  return start;
}

/** The end (exclusive) of the clause starting at `start`, within reach of it. */
function clauseEnd(tokens: readonly FactToken[], start: number): number {
  let end = start + 1;
  const limit = Math.min(tokens.length, start + 2 * clauseReach);
  while (end < limit && tokens[end]!.boundary === 0) end += 1;
  return end;
}

/** 1 for a negation at `index`, 2 for "no" (a negation unless the text is Portuguese), else 0. */
function negationAt(tokens: readonly FactToken[], index: number): 0 | 1 | 2 {
  const value = tokens[index]!.value;
  if (boundsOrAdds(tokens, index)) return 0;
  if (
    negations.has(value) ||
    // "doesn't", "can't", "won't": the apostrophe splits off a "t" after an "n".
    (value === 't' && index > 0 && tokens[index - 1]!.value.endsWith('n')) ||
    // "ne … plus" is "no longer"; "plus" alone is "more", and "ne … que" is "only".
    (value === 'plus' && before(tokens, index, 3, isNe))
  )
    return 1;
  return value === 'no' ? 2 : 0;
}

/** "Not only", "nicht nur", "non solo", "niet alleen", "não só", "pas seulement": an addition. */
const onlyWords: ReadonlySet<string> = new Set([
  'only',
  'just',
  'nur',
  'seulement',
  'solo',
  'solamente',
  'alleen',
  'so',
  'apenas',
]);

/** Comparatives that, with "than" after them, make a negation a bound: "no more than 7 days". */
const comparatives: ReadonlySet<string> = new Set([
  'more',
  'less',
  'later',
  'earlier',
  'longer',
  'fewer',
  'mehr',
  'weniger',
  'spater',
  'plus',
  'moins',
  'mas',
  'menos',
  'piu',
  'meno',
  'meer',
  'minder',
  'mais',
]);

/** "Than" in the seven languages (and the "de", "di", "do" of "no más de 3 días"). */
const thanWords: ReadonlySet<string> = new Set(['than', 'als', 'que', 'de', 'di', 'dan', 'do', 'da', 'del']);

/**
 * Whether the negation word at `index` negates nothing: a bound ("no more than 7 days", "nicht mehr
 * als 3 Tage", "no más de 3 días", "pas plus de"), an addition ("not only offline", "nicht nur"),
 * "no" before a number ("order no 12345") or French "pas à pas" (step by step).
 */
function boundsOrAdds(tokens: readonly FactToken[], index: number): boolean {
  const next = tokens[index + 1];
  if (next === undefined || next.boundary > 0) return false;
  const value = tokens[index]!.value;
  if (onlyWords.has(next.value)) return true;
  if (comparatives.has(next.value)) {
    const after = tokens[index + 2];
    if (after !== undefined && after.boundary === 0 && thanWords.has(after.value)) return true;
  }
  if (value === 'no' && next.key) return true;
  return value === 'pas' && (next.value === 'a' || tokens[index - 1]?.value === 'a');
}

function isNe(word: string): boolean {
  return word === 'ne' || word === 'n';
}

/** Whether `position` stands in a "whether" clause after a doubt word ("not sure whether …"). */
function hedgedAt(tokens: readonly FactToken[], position: number): boolean {
  if (tokens[position]!.boundary > 0) return false;
  for (let index = position - 1; index >= Math.max(0, position - clauseReach); index -= 1) {
    if (whetherWords.has(tokens[index]!.value) && doubtBefore(tokens, index)) return true;
    if (tokens[index]!.boundary > 0) return false;
  }
  return false;
}

/** Whether the text reads as Portuguese (then "no" is "in the", no negation). */
function portugueseIn(tokens: readonly FactToken[]): boolean {
  // Asked for every stretch of an answer that has a "no": read each answer once.
  let known = readsPortuguese.get(tokens);
  if (known === undefined) {
    known = tokens.some((token) => portugueseMarkers.has(token.value));
    readsPortuguese.set(tokens, known);
  }
  return known;
}

const readsPortuguese = new WeakMap<readonly FactToken[], boolean>();

function isDoubtWord(word: string): boolean {
  for (const doubt of doubtWords) if (word.startsWith(doubt)) return true;
  return false;
}

/**
 * Whether a doubt word stands within three tokens before the "whether" word at `index`, in its
 * clause; a word of certainty ("sure", "sicher", "zeker" …) only with a negation before it: "not
 * sure whether" doubts, "make sure" and "I'm sure that" do not.
 */
function doubtBefore(tokens: readonly FactToken[], index: number): boolean {
  // German sets "ob" off with a comma ("Ich bin nicht sicher, ob …"); elsewhere a comma ends the
  // clause ("dudas o preguntas, se activa …" puts no doubt on what follows).
  const crossesComma = tokens[index]!.value === 'ob';
  for (let back = index - 1; back >= 0 && back >= index - 3; back -= 1) {
    const boundary = tokens[back + 1]!.boundary;
    if (boundary === 2 || (boundary === 1 && !(crossesComma && back + 1 === index))) return false;
    const word = tokens[back]!.value;
    if (!isDoubtWord(word)) continue;
    if (!isCertaintyWord(word)) return true;
    for (let negated = back - 1; negated >= 0 && negated >= back - 3; negated -= 1) {
      if (tokens[negated + 1]!.boundary > 0) break;
      const cue = tokens[negated]!.value;
      if (negations.has(cue) || cue === 'no' || cue === 't') return true;
    }
  }
  return false;
}

/** Words of certainty among the doubt words: a doubt only when negated. */
const certaintyWords: readonly string[] = ['sure', 'certain', 'sicher', 'sicur', 'segur', 'zeker', 'certeza'];

function isCertaintyWord(word: string): boolean {
  for (const certainty of certaintyWords) if (word.startsWith(certainty)) return true;
  return false;
}

/** Whether one of the `count` tokens before `index`, in its sentence, passes `test`. */
function before(
  tokens: readonly FactToken[],
  index: number,
  count: number,
  test: (word: string) => boolean,
): boolean {
  for (let back = index - 1; back >= 0 && back >= index - count; back -= 1) {
    // Only within the clause: "Sure! If you open Settings …" and "dudas o preguntas, se activa …"
    // put no doubt on what follows.
    if (tokens[back + 1]!.boundary > 0) return false;
    if (test(tokens[back]!.value)) return true;
  }
  return false;
}

/** "More" after a negation makes "no longer", "nicht mehr", "ne … plus", "no más", "non più" … */
const moreWords: ReadonlySet<string> = new Set([
  'longer',
  'more',
  'mehr',
  'plus',
  'mas',
  'piu',
  'meer',
  'mais',
]);

/**
 * How far `tokens` negate what their `matched` positions say: 2 when a negation in a clause holding
 * more than half of them stands next to one of them (the content word right after it or right
 * before it, in its clause: "doesn't work", "no fee", "can no longer be used", "verkaufen wir
 * nicht"), 1 when a clause holding any of them has a negation elsewhere ("you don't need a
 * separate contract"), 0 when none has one. A negation in a clause without the words ("if not, we
 * retry …") counts for nothing. `portuguese` is asked only when a "no" is found.
 */
function negation(
  tokens: readonly FactToken[],
  matched: readonly number[],
  portuguese: () => boolean,
  later: readonly number[] = [],
): 0 | 1 | 2 {
  let found: 0 | 1 | 2 = 0;
  let previousStart = -1;
  // Matched positions come in answer order, so each clause is read once.
  for (const position of matched) {
    const start = clauseStart(tokens, position);
    if (start === previousStart) continue;
    previousStart = start;
    const end = clauseEnd(tokens, start);
    let held = 0;
    for (const other of matched) if (other >= start && other < end) held += 1;
    for (let index = start; index < end; index += 1) {
      const cue = negationAt(tokens, index);
      if (cue === 0 || (cue === 2 && portuguese())) continue;
      if (found === 0) found = 1;
      // Only the clause that holds most of the words states them.
      if (2 * held <= matched.length) continue;
      if (nextTo(tokens, index, start, end, matched, later)) return 2;
    }
  }
  return found;
}

/**
 * Whether the content word right after the negation at `index` (past "longer", "mehr", "plus" … of
 * "no longer") or, for a negation that follows its verb, right before it ("verkaufen wir nicht"),
 * within its clause, is a matched one.
 */
function nextTo(
  tokens: readonly FactToken[],
  index: number,
  start: number,
  end: number,
  matched: readonly number[],
  later: readonly number[],
): boolean {
  let negatesAfter = false;
  for (let next = index + 1; next < end; next += 1) {
    const token = tokens[next]!;
    if (token.stop || negationAt(tokens, next) !== 0 || (next === index + 1 && moreWords.has(token.value)))
      continue;
    if (matched.includes(next) || later.includes(next)) return true;
    negatesAfter = true;
    break;
  }
  // A negation looks back when it follows its verb ("verkaufen wir nicht", "werkt niet", "ne
  // fonctionne pas", "kostet nichts") or negates nothing after it ("can no longer be used"): an
  // English, Spanish, Italian or Portuguese one that has a content word after it negates that, and
  // looking back made "declined with E-512 and nothing is stored" or "rules that can't be
  // contracted out of still apply" deny the words before them.
  if (negatesAfter && !postVerbalNegations.has(tokens[index]!.value)) return false;
  for (let back = index - 1; back >= start; back -= 1) {
    const token = tokens[back]!;
    if (token.stop || negationAt(tokens, back) !== 0 || token.value === 't') continue;
    return matched.includes(back);
  }
  return false;
}

/** Negations of German, Dutch and French that stand after the verb they negate. */
const postVerbalNegations: ReadonlySet<string> = new Set([
  'nicht',
  'nichts',
  'nie',
  'niemals',
  'niet',
  'niets',
  'nooit',
  'pas',
  'jamais',
  'rien',
  'plus',
]);

/**
 * How the stretch of the answer holding a nugget's words (`occurrences[start..end]`, positions in
 * `answer`, going on to `reach` in its sentence) stands to the nugget: `flipped` when the answer negates the words and the nugget does
 * not, or the other way round ("works offline" / "doesn't work offline"; a negation on both sides
 * agrees: "won't pair under 20 %" / "below 20 % it does not pair"), or when the nugget's particle
 * is turned round ("turn on" / "turn off"); `hedged` when every word sits in a "whether" clause
 * after a doubt word ("I'm not sure whether …", "you asked whether …") and the nugget asks nothing
 * itself; else `same`. Only closed-class cues, read in the clauses holding the words, so
 * paraphrases keep matching.
 */
export function stance(
  answer: readonly FactToken[],
  nugget: readonly FactToken[],
  occurrences: readonly { word: number; position: number }[],
  start: number,
  end: number,
  reach = end,
): 'same' | 'flipped' | 'hedged' {
  // Each nugget word at its last occurrence up to `end`: the tightest stretch ending there. A
  // negation that is itself a nugget word ("not" is no English stop word) is a cue, not content.
  const matched: number[] = [];
  let allHedged = true;
  for (let index = end; index >= start; index -= 1) {
    const occurrence = occurrences[index]!;
    let seen = false;
    for (let later = index + 1; later <= end && !seen; later += 1)
      seen = occurrences[later]!.word === occurrence.word;
    if (seen) continue;
    if (negationAt(answer, occurrence.position) === 0) matched.push(occurrence.position);
    if (allHedged && !hedgedAt(answer, occurrence.position)) allHedged = false;
  }
  matched.sort((a, b) => a - b);
  const content: number[] = [];
  let nuggetAsks = false;
  for (let index = 0; index < nugget.length; index += 1) {
    if (!nuggetAsks && hedgedAt(nugget, index)) nuggetAsks = true;
    if (!nugget[index]!.stop && negationAt(nugget, index) === 0) content.push(index);
  }
  if (allHedged && !nuggetAsks) return 'hedged';
  // The stretch's words after the one that completed it (up to `reach`) are no clause of their own
  // to weigh, but a negation or a particle just beside one turns it round: "can no longer be
  // used", "Schakel offline betalingen uit", where earlier words completed the stretch.
  const later: number[] = [];
  for (let index = end + 1; index <= reach; index += 1) later.push(occurrences[index]!.position);
  if (particlesOppose(answer, matched, nugget, later)) return 'flipped';
  // "no" is a negation unless either text reads as Portuguese (they share one language).
  let portuguese: boolean | undefined;
  const isPortuguese = (): boolean => {
    portuguese ??= portugueseIn(nugget) || portugueseIn(answer);
    return portuguese;
  };
  const inAnswer = negation(answer, matched, isPortuguese, later);
  const inNugget = negation(nugget, content, isPortuguese);
  // Flipped only when one side plainly negates the words and the other has no negation near them
  // at all: a negation placed a word apart on one side ("no separate contract" / "you don't need a
  // separate contract") is the same statement.
  return (inAnswer === 2 && inNugget === 0) || (inNugget === 2 && inAnswer === 0) ? 'flipped' : 'same';
}

/**
 * Whether a text's tokens hold a negation anywhere ("not", "doesn't", "kein", "ne … plus", "nunca",
 * "non", "geen", "não"; "no" unless the text reads as Portuguese, where it is "in the"): for a
 * caller comparing two sentences' polarity as a whole rather than a nugget's words.
 */
export function holdsNegation(tokens: readonly FactToken[]): boolean {
  let portuguese: boolean | undefined;
  for (let index = 0; index < tokens.length; index += 1) {
    const cue = negationAt(tokens, index);
    if (cue === 1) return true;
    if (cue !== 2) continue;
    portuguese ??= portugueseIn(tokens);
    if (!portuguese) return true;
  }
  return false;
}

/** Particles that are also common prepositions or articles (German "an", "aus", "ein"; Dutch "in"). */
const clauseFinalParticles: ReadonlySet<string> = new Set(['an', 'ein', 'aus', 'aan', 'in', 'uit']);

// Words that open a noun phrase: an English "on"/"off"/"up"/"down" right before one may be a
// preposition ("on the reader", "on your account") as well as a particle ("turn on the reader").
const determiners: ReadonlySet<string> = new Set([
  'the',
  'a',
  'an',
  'your',
  'my',
  'our',
  'their',
  'his',
  'her',
  'its',
  'this',
  'that',
  'these',
  'those',
]);

/**
 * The particles of `tokens[from..to)` that may turn a verb on or off: `plain` ones, and in
 * `before` those that stand before a noun phrase, each keyed with the token before it, which
 * only the same word before the answer's particle can turn round ("turn on the" / "turn off the";
 * "on the reader" after another word is a place, not a switch).
 */
function particlesIn(
  tokens: readonly FactToken[],
  from: number,
  to: number,
  found: { plain: Set<string>; before: Set<string> },
  near?: readonly number[],
): void {
  for (let index = from; index < to; index += 1) {
    const value = tokens[index]!.value;
    if (!oppositeParticles.has(value)) continue;
    // German and Dutch separable particles close their clause ("Schalten Sie Bluetooth aus.");
    // elsewhere they are prepositions or articles ("aus Rotterdam", "ein Gerät").
    const last = index + 1 >= tokens.length || tokens[index + 1]!.boundary > 0;
    if (clauseFinalParticles.has(value) && !last) continue;
    // In an answer, a particle turns round the words only beside it: "turn off Bluetooth", not
    // "… and switch off power saving" or a "drop-down menu" in the clause of other words.
    if (near !== undefined && !besideMatched(tokens, index, from, to, near)) continue;
    const next = tokens[index + 1];
    if (next !== undefined && next.boundary === 0 && determiners.has(next.value)) {
      if (index > from) found.before.add(`${tokens[index - 1]!.value} ${value}`);
    } else found.plain.add(value);
  }
}

/** Whether the nearest content word before or after `index`, within `from..to`, is in `near`. */
function besideMatched(
  tokens: readonly FactToken[],
  index: number,
  from: number,
  to: number,
  near: readonly number[],
): boolean {
  for (let next = index + 1; next < to; next += 1) {
    if (tokens[next]!.stop || oppositeParticles.has(tokens[next]!.value)) continue;
    if (near.includes(next)) return true;
    break;
  }
  for (let back = index - 1; back >= from; back -= 1) {
    if (tokens[back]!.stop || oppositeParticles.has(tokens[back]!.value)) continue;
    return near.includes(back);
  }
  return false;
}

/**
 * Whether the nugget has a particle ("turn on", "zet … aan") whose opposite the answer's clauses
 * holding the words have, without the nugget's own ("Turn off Bluetooth", "Zet Bluetooth uit").
 */
function particlesOppose(
  answer: readonly FactToken[],
  matched: readonly number[],
  nugget: readonly FactToken[],
  later: readonly number[],
): boolean {
  const beside = later.length > 0 ? [...matched, ...later] : matched;
  const own = { plain: new Set<string>(), before: new Set<string>() };
  particlesIn(nugget, 0, nugget.length, own);
  if (own.plain.size === 0 && own.before.size === 0) return false;
  const theirs = { plain: new Set<string>(), before: new Set<string>() };
  let previousStart = -1;
  for (const position of matched) {
    const start = clauseStart(answer, position);
    if (start === previousStart) continue;
    previousStart = start;
    particlesIn(answer, start, clauseEnd(answer, start), theirs, beside);
  }
  for (const particle of own.plain) {
    if (theirs.plain.has(particle)) continue;
    if (oppositeParticles.get(particle)!.some((opposite) => theirs.plain.has(opposite))) return true;
  }
  for (const pair of own.before) {
    if (theirs.before.has(pair)) continue;
    const [word, particle] = pair.split(' ') as [string, string];
    if (oppositeParticles.get(particle)!.some((opposite) => theirs.before.has(`${word} ${opposite}`)))
      return true;
  }
  return false;
}
