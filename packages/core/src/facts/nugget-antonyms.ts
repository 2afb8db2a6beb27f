import { RecentResults } from '../recent-results.js';

// Words of opposite meaning built from one stem: "enable" / "disable", "activate" / "deactivate",
// "attiva" / "disattiva", "ligue" / "desligue", "include" / "exclude", "increase" / "decrease",
// "minimum" / "maximum", "einschalten" / "ausschalten". The matcher took the opposite for a missing
// word and kept the nugget present on its other words ("Disable offline payments" conveyed "enable
// offline payments"). Prefixes, not word lists: a closed set of the seven corpus languages'
// negating and opposite prefixes, on folded words.

/**
 * Prefixes that negate a stem ("unlock", "deactivate", "désactiver", "disattiva", "desligue"), each
 * with the shortest stem it takes: "in", "de" and "dis" also begin words unrelated to the rest
 * ("income", "detail", "display", "inform"), so they need a stem of six letters.
 */
const negatingPrefixes: readonly (readonly [prefix: string, shortest: number])[] = [
  ['un', 4],
  ['non', 4],
  ['des', 5],
  ['dis', 6],
  ['de', 6],
  ['in', 6],
];

/** Pairs of prefixes of opposite meaning on one stem. */
const oppositePrefixes: readonly (readonly [string, string])[] = [
  ['en', 'dis'], // enable / disable
  ['in', 'ex'], // include / exclude, incluido / excluido
  ['in', 'es'], // inclusa / esclusa
  ['in', 'de'], // increase / decrease
  ['im', 'ex'], // import / export
  ['max', 'min'], // maximum / minimum, máximo / mínimo
  ['up', 'down'], // upload / download
  ['over', 'under'], // overpaid / underpaid
  ['ein', 'aus'], // einschalten / ausschalten
  ['an', 'aus'], // anschalten / ausschalten
  ['aan', 'uit'], // aanzetten / uitzetten
  ['in', 'uit'], // inschakelen / uitschakelen
];

/** A stem shorter than this is no stem ("de" + "bit"). */
const shortestStem = 4;

/**
 * Separable particles of opposite meaning, as their own words: "turn on" / "turn off", "schalten
 * Sie … aus", "zet … aan" / "zet … uit", "schakel … in" / "schakel … uit".
 */
export const oppositeParticles: ReadonlyMap<string, readonly string[]> = new Map([
  ['on', ['off']],
  ['off', ['on']],
  ['an', ['aus']],
  ['ein', ['aus']],
  ['aus', ['an', 'ein']],
  ['aan', ['uit']],
  ['in', ['uit']],
  ['uit', ['aan', 'in']],
  ['up', ['down']],
  ['down', ['up']],
]);

function formsOf(word: string): string[] {
  const forms: string[] = [];
  for (const [prefix, shortest] of negatingPrefixes) {
    if (word.length >= shortest) forms.push(prefix + word);
    if (word.startsWith(prefix) && word.length - prefix.length >= shortest)
      forms.push(word.slice(prefix.length));
  }
  for (const [one, other] of oppositePrefixes) {
    // max/min stems are short ("imo" of "máximo").
    const shortest = one === 'max' ? 3 : shortestStem;
    if (word.startsWith(one) && word.length - one.length >= shortest)
      forms.push(other + word.slice(one.length));
    if (word.startsWith(other) && word.length - other.length >= shortest)
      forms.push(one + word.slice(other.length));
  }
  return forms;
}

// A turn's nuggets are matched by every row of the run (strategies, the recorded bot, the floor
// probes) close together, then rarely again: a few hundred lists suffice, and each holds a map of
// formed words (4,096 of them held megabytes in every scoring thread).
const recentForms = new RecentResults<string, ReadonlyMap<string, readonly number[]>>(256);

/**
 * The words of opposite meaning to a nugget's words, each with the indices of the words it opposes
 * (remembered per list of words: the same nuggets are matched against every strategy's answer).
 * A form that is itself one of the words opposes nothing.
 */
export function antonymsOf(words: readonly string[]): ReadonlyMap<string, readonly number[]> {
  return recentForms.get(words.join(' '), () => {
    const opposed = new Map<string, number[]>();
    const own = new Set(words);
    words.forEach((word, index) => {
      for (const form of formsOf(word)) {
        if (own.has(form)) continue;
        const indices = opposed.get(form);
        if (indices === undefined) opposed.set(form, [index]);
        else if (!indices.includes(index)) indices.push(index);
      }
    });
    return opposed;
  });
}
