import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EvalError } from '../eval-error.js';
import { spearman } from '../stats/spearman.js';
import { humanCleanup, translationEditRate } from './translation-edit-rate.js';

const words = (text: string): string[] => (text === '' ? [] : text.split(' '));

/**
 * Word pairs from the support corpus scored by sacreBLEU 2.6.0 (`scripts/ter-pairs.ts` piped into
 * `scripts/sacrebleu-ter.py`): `sacrebleu` as it ships, `exact` with its 25-word beam and its cap of
 * 1,000 shift candidates lifted; for pairs of real texts, `textEdits` ÷ `textWords` is sacreBLEU's
 * `TER(case_sensitive=False, no_punct=True)` of the texts, its own tokeniser included.
 */
const sacrebleuPairs = readFileSync(new URL('./fixtures/sacrebleu-ter.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) =>
    z
      .object({
        kind: z.enum(['draft', 'unrelated', 'moved']),
        id: z.string(),
        hypothesis: z.string(),
        reference: z.string().min(1),
        sacrebleu: z.number().int().nonnegative(),
        exact: z.number().int().nonnegative(),
        hypothesisText: z.string().optional(),
        referenceText: z.string().optional(),
        textEdits: z.number().int().nonnegative().optional(),
        textWords: z.number().int().positive().optional(),
      })
      .parse(JSON.parse(line)),
  );

describe('translationEditRate', () => {
  it('counts nothing for identical texts', () => {
    expect(translationEditRate(words('a b c'), words('a b c'))).toEqual({
      edits: 0,
      referenceWords: 3,
      rate: 0,
      shifts: 0,
      insertions: 0,
      deletions: 0,
      substitutions: 0,
    });
  });

  it('counts one substitution, insertion or deletion per differing word', () => {
    // "cat" → "dog": 1 substitution ÷ 3 reference words.
    expect(translationEditRate(words('the cat sat'), words('the dog sat'))).toMatchObject({
      edits: 1,
      substitutions: 1,
      rate: 1 / 3,
    });
    // "black" is missing from the hypothesis: 1 insertion ÷ 3.
    expect(translationEditRate(words('the cat'), words('the black cat'))).toMatchObject({
      edits: 1,
      insertions: 1,
      rate: 1 / 3,
    });
    // "big" is extra in the hypothesis: 1 deletion ÷ 3.
    expect(translationEditRate(words('the big black cat'), words('the black cat'))).toMatchObject({
      edits: 1,
      deletions: 1,
      rate: 1 / 3,
    });
  });

  it('moves a three-word block with one shift instead of three insertions and three deletions', () => {
    // Hypothesis: then wait ten seconds | restart the router
    // Reference:  restart the router | then wait ten seconds   (7 words)
    // Without shifts the cheapest edit inserts "restart the router" in front and deletes it at the
    // end: 3 + 3 = 6 edits (6/7). One block shift (cost 1) aligns everything: 1/7.
    const result = translationEditRate(
      words('then wait ten seconds restart the router'),
      words('restart the router then wait ten seconds'),
    );
    expect(result).toEqual({
      edits: 1,
      referenceWords: 7,
      rate: 1 / 7,
      shifts: 1,
      insertions: 0,
      deletions: 0,
      substitutions: 0,
    });
  });

  it('combines a shift with the edits that remain after it', () => {
    // Hypothesis "on weekdays we open at ten", reference "we open at nine on weekdays" (6 words).
    // Levenshtein before shifting: drop "on weekdays" (2), keep "we open at", ten→nine (1),
    // insert "on weekdays" (2) = 5. Moving "on weekdays" to the end leaves only ten→nine (gain 4);
    // moving "we open at" to the front instead leaves insert "nine" + delete "ten" (gain 3).
    // The greedy search takes the first: 1 shift + 1 substitution = 2 edits → 2/6.
    expect(
      translationEditRate(words('on weekdays we open at ten'), words('we open at nine on weekdays')),
    ).toEqual({
      edits: 2,
      referenceWords: 6,
      rate: 1 / 3,
      shifts: 1,
      insertions: 0,
      deletions: 0,
      substitutions: 1,
    });
  });

  it('does not shift words that are already aligned (TERCOM rule), even when that would be cheaper', () => {
    // Hypothesis "restart the router then wait", reference "wait then restart the router".
    // The optimal single shift would move "restart the router" to the end, but those three words
    // are aligned correctly at the start, so TERCOM never tries it. Greedy: "then" to the front
    // (Levenshtein 4 → 2, tie with "wait" broken by the earlier block), then "wait" to the front
    // (2 → 0): 2 shifts ÷ 5 words.
    expect(
      translationEditRate(words('restart the router then wait'), words('wait then restart the router')),
    ).toMatchObject({
      edits: 2,
      shifts: 2,
      rate: 2 / 5,
    });
  });

  describe('agrees with sacrebleu', () => {
    // Cases from sacrebleu's test suite, test/test_ter.py (mjpost/sacrebleu, Apache-2.0), whose
    // TER follows TERCOM. sacrebleu lower-cases and splits on spaces by default; so do we here.
    it.each([
      ['aaaa bbbb cccc dddd', 'aaaa bbbb cccc dddd', 0], // perfect match
      ['dddd eeee ffff', 'aaaa bbbb cccc', 1], // no overlap: 3 substitutions ÷ 3
      ['', 'a', 1], // empty hypothesis: 1 insertion ÷ 1
      ['d e f g h a b c', 'a b c d e f g h', 1 / 8], // a single shift fixes it
    ])('%j against %j gives %d', (hypothesis, reference, expected) => {
      expect(translationEditRate(words(hypothesis), words(reference)).rate).toBeCloseTo(expected, 10);
    });

    it('scores the realistic WMT dev-data example at 0.136 over the corpus', () => {
      // sacrebleu's "realistic example from WMT dev data (2019)": corpus TER = Σ edits ÷ Σ
      // reference words = 0.136. The references hold 31 + 24 + 31 + 19 + 20 = 125 words, so the
      // expected total is 0.136 · 125 = 17 edits.
      const hypotheses = [
        'wählen Sie " Bild neu berechnen , " um beim Ändern der Bildgröße Pixel hinzuzufügen oder zu entfernen , damit das Bild ungefähr dieselbe Größe aufweist wie die andere Größe .',
        'wenn Sie alle Aufgaben im aktuellen Dokument aktualisieren möchten , wählen Sie im Menü des Aufgabenbedienfelds die Option " Alle Aufgaben aktualisieren . "',
        'klicken Sie auf der Registerkarte " Optionen " auf die Schaltfläche " Benutzerdefiniert " und geben Sie Werte für " Fehlerkorrektur-Level " und " Y / X-Verhältnis " ein .',
        'Sie können beispielsweise ein Dokument erstellen , das ein Auto über die Bühne enthält .',
        'wählen Sie im Dialogfeld " Neu aus Vorlage " eine Vorlage aus und klicken Sie auf " Neu . "',
      ];
      const references = [
        'wählen Sie " Bild neu berechnen , " um beim Ändern der Bildgröße Pixel hinzuzufügen oder zu entfernen , damit die Darstellung des Bildes in einer anderen Größe beibehalten wird .',
        'wenn Sie alle Aufgaben im aktuellen Dokument aktualisieren möchten , wählen Sie im Menü des Aufgabenbedienfelds die Option " Alle Aufgaben aktualisieren . "',
        'klicken Sie auf der Registerkarte " Optionen " auf die Schaltfläche " Benutzerdefiniert " und geben Sie für " Fehlerkorrektur-Level " und " Y / X-Verhältnis " niedrigere Werte ein .',
        'Sie können beispielsweise ein Dokument erstellen , das ein Auto enthalt , das sich über die Bühne bewegt .',
        'wählen Sie im Dialogfeld " Neu aus Vorlage " eine Vorlage aus und klicken Sie auf " Neu . "',
      ];
      let edits = 0;
      let referenceWords = 0;
      hypotheses.forEach((hypothesis, index) => {
        const result = translationEditRate(
          words(hypothesis.toLowerCase()),
          words(references[index]!.toLowerCase()),
        );
        edits += result.edits;
        referenceWords += result.referenceWords;
      });
      expect(referenceWords).toBe(125);
      expect(edits).toBe(17);
      expect(edits / referenceWords).toBeCloseTo(0.136, 10);
    });
  });

  describe('against sacreBLEU on pairs from the corpus', () => {
    const scored = sacrebleuPairs.map((pair) => ({
      ...pair,
      ours: translationEditRate(words(pair.hypothesis), words(pair.reference)),
    }));

    it('has drafts, unrelated replies and moved blocks to compare', () => {
      const kinds = new Map<string, number>();
      for (const pair of scored) kinds.set(pair.kind, (kinds.get(pair.kind) ?? 0) + 1);
      expect(Object.fromEntries(kinds)).toEqual({ draft: 60, unrelated: 113, moved: 113 });
    });

    it('counts exactly the edits of sacreBLEU’s search without its beam and candidate cap', () => {
      // The same shift candidates, ranking and limits as TERCOM via sacreBLEU; the edit distance is
      // exact and every candidate is tried, so the counts must match to the edit.
      const differing = scored
        .filter((pair) => pair.ours.edits !== pair.exact)
        .map((pair) => `${pair.id}: ${pair.ours.edits} edits, sacreBLEU (exact) ${pair.exact}`);
      expect(differing).toEqual([]);
    });

    it('stays within 2 points of sacreBLEU as it ships, and equals it on 95 % of pairs', () => {
      // Its beam can miss the cheapest alignment (more edits) or lead the greedy shift search
      // elsewhere (fewer): both are small.
      const same = scored.filter((pair) => pair.ours.edits === pair.sacrebleu).length;
      expect(same / scored.length).toBeGreaterThanOrEqual(0.95);
      for (const pair of scored) {
        const theirs = pair.sacrebleu / pair.ours.referenceWords;
        expect(Math.abs(pair.ours.rate - theirs), pair.id).toBeLessThanOrEqual(0.02);
      }
    });

    it('gives human cleanup close to sacreBLEU’s TER(no_punct=True) on the raw texts', () => {
      // Each tool splits the text its own way (Baton at every punctuation mark, TERCOM keeping
      // "don't" and "e-mail" whole), so word counts differ; the capped rates must still agree.
      const texts = sacrebleuPairs.flatMap((pair) =>
        pair.hypothesisText !== undefined &&
        pair.referenceText !== undefined &&
        pair.textEdits !== undefined &&
        pair.textWords !== undefined
          ? [
              {
                kind: pair.kind,
                ours: humanCleanup(pair.hypothesisText, pair.referenceText),
                theirs: Math.min(1, pair.textEdits / pair.textWords),
              },
            ]
          : [],
      );
      expect(texts).toHaveLength(173);
      const meanGap = texts.reduce((sum, pair) => sum + Math.abs(pair.ours - pair.theirs), 0) / texts.length;
      expect(meanGap).toBeLessThanOrEqual(0.012);
      // Post-edited drafts, the regime the metric is for: ranked alike.
      const drafts = texts.filter((pair) => pair.kind === 'draft');
      expect(drafts).toHaveLength(60);
      expect(
        spearman(
          drafts.map((pair) => pair.ours),
          drafts.map((pair) => pair.theirs),
        ),
      ).toBeGreaterThanOrEqual(0.95);
    });
  });

  it('uses sacrebleu’s convention for an empty reference', () => {
    expect(translationEditRate([], [])).toMatchObject({ edits: 0, referenceWords: 0, rate: 0 });
    expect(translationEditRate(words('a b'), [])).toMatchObject({ edits: 2, deletions: 2, rate: 1 });
  });

  it('finds no shift when the block would have to travel further than maxShiftDistance', () => {
    // "x" must move 3 places; with a limit of 2 it costs a deletion and an insertion instead.
    const hypothesis = words('x a b c');
    const reference = words('a b c x');
    expect(translationEditRate(hypothesis, reference).edits).toBe(1);
    expect(translationEditRate(hypothesis, reference, { maxShiftDistance: 2 })).toMatchObject({
      edits: 2,
      shifts: 0,
      insertions: 1,
      deletions: 1,
    });
  });

  it('rejects limits that are not positive integers', () => {
    expect(() => translationEditRate(['a'], ['a'], { maxShiftSize: 0 })).toThrow(EvalError);
    expect(() => translationEditRate(['a'], ['a'], { maxShiftDistance: 1.5 })).toThrow(/maxShiftDistance/);
  });

  it('matches a plain re-implementation of the TERCOM search on random texts', () => {
    // The production code takes shortcuts (bit-parallel rows, reused prefix/suffix tables, pruning
    // by an upper bound on the gain); this slow version recomputes everything for every candidate.
    // 100 rounds keep it well under a second on an idle machine (the slow version is cubic per
    // candidate): enough cases for every shortcut, cheap enough for a loaded CI machine.
    let state = 20240601;
    const random = (): number => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
    const longReferences: number[] = [];
    for (let round = 0; round < 100; round++) {
      const long = round % 10 === 0;
      const vocabulary = 2 + Math.floor(random() * (long ? 12 : 6));
      const length = long ? 33 + Math.floor(random() * 45) : 1 + Math.floor(random() * 30);
      if (long) longReferences.push(length);
      const reference = Array.from({ length }, () => `w${Math.floor(random() * vocabulary)}`);
      const hypothesis = [...reference];
      for (let edit = Math.floor(random() * 8); edit > 0; edit--) {
        const kind = random();
        const at = Math.floor(random() * hypothesis.length);
        if (kind < 0.35)
          hypothesis.splice(Math.floor(random() * (hypothesis.length + 1)), 0, ...hypothesis.splice(at, 3));
        else if (kind < 0.55) hypothesis.splice(at, 0, `w${Math.floor(random() * vocabulary)}`);
        else if (kind < 0.75 && hypothesis.length > 1) hypothesis.splice(at, 1);
        else hypothesis[at] = `w${Math.floor(random() * vocabulary)}`;
      }
      const fast = translationEditRate(hypothesis, reference);
      const slow = plainTercom(hypothesis, reference);
      const { edits, shifts, insertions, deletions, substitutions } = fast;
      expect({ round, edits, shifts, insertions, deletions, substitutions }).toEqual({ round, ...slow });
      expect(fast.edits).toBe(fast.shifts + fast.insertions + fast.deletions + fast.substitutions);
      // Shifts keep the length, so the remaining edits must bridge the length difference.
      expect(fast.insertions - fast.deletions).toBe(reference.length - hypothesis.length);
    }
    // Some references exceed 32 and some 64 words, so that the bit vectors span two and three blocks.
    expect(longReferences.some((length) => length > 32 && length <= 64)).toBe(true);
    expect(longReferences.some((length) => length > 64)).toBe(true);
  });

  it('matches the plain search in every count, under other shift limits, at bit-vector block edges', () => {
    // The production code keeps both Levenshtein tables as bit vectors (the backward one computed
    // right to left and bit-reversed), reads its backtrace from their steps, indexes the reference
    // by word and reuses one buffer across calls; every count depends on the backtrace's ties.
    // Lengths around 32 and 64 put the last column at either end of a 32-bit block, and successive
    // calls of different sizes leave stale data in the reused buffer.
    let state = 20260115;
    const random = (): number => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
    const edgeLengths = [1, 2, 31, 32, 33, 63, 64, 65];
    const limits = [
      { maxShiftSize: 1, maxShiftDistance: 50 },
      { maxShiftSize: 2, maxShiftDistance: 5 },
      { maxShiftSize: 3, maxShiftDistance: 1 },
      { maxShiftSize: 10, maxShiftDistance: 50 },
    ];
    for (let round = 0; round < 64; round++) {
      const vocabulary = 2 + Math.floor(random() * 10);
      const length =
        round % 2 === 0 ? edgeLengths[(round / 2) % edgeLengths.length]! : 1 + Math.floor(random() * 40);
      const reference = Array.from({ length }, () => `w${Math.floor(random() * vocabulary)}`);
      // Half the hypotheses are edits of the reference (shifts pay off), half unrelated draws.
      const hypothesis =
        round % 4 < 2
          ? [...reference]
          : Array.from(
              { length: 1 + Math.floor(random() * 40) },
              () => `w${Math.floor(random() * vocabulary)}`,
            );
      if (round % 4 < 2) {
        for (let edit = 1 + Math.floor(random() * 6); edit > 0; edit--) {
          const at = Math.floor(random() * hypothesis.length);
          const kind = random();
          if (kind < 0.5)
            hypothesis.splice(
              Math.floor(random() * (hypothesis.length + 1)),
              0,
              ...hypothesis.splice(at, 1 + Math.floor(random() * 4)),
            );
          else if (kind < 0.75) hypothesis.splice(at, 0, `w${Math.floor(random() * vocabulary)}`);
          else hypothesis[Math.min(at, hypothesis.length - 1)] = `x${Math.floor(random() * vocabulary)}`;
        }
      }
      const options = limits[round % limits.length]!;
      const { edits, shifts, insertions, deletions, substitutions } = translationEditRate(
        hypothesis,
        reference,
        options,
      );
      expect({ round, edits, shifts, insertions, deletions, substitutions }).toEqual({
        round,
        ...plainTercom(hypothesis, reference, options),
      });
    }
  });
});

describe('humanCleanup', () => {
  it('caps texts too far apart for any shift to matter at the same value as the full search', () => {
    // Few shared words: at least max(n, m) − shared edits remain whatever the shifts, which already
    // reaches the cap, so the shift search is skipped; the result must be what it would give.
    const pairs: [string, string][] = [
      ['Your parcel left our warehouse today.', 'Please reset the password from the login page first.'],
      ['a b c d e f g h i j', 'k l m a'],
      ['one two three', 'one two three four five six seven'],
      ['', 'something'],
    ];
    for (const [bot, human] of pairs) {
      for (const cap of [0.5, 1, 2]) {
        const full = translationEditRate(
          bot.toLowerCase().match(/[a-z]+/g) ?? [],
          human.toLowerCase().match(/[a-z]+/g) ?? [],
        ).rate;
        expect(humanCleanup(bot, human, { cap }), `${bot} → ${human}, cap ${cap}`).toBe(Math.min(full, cap));
      }
    }
    expect(() => humanCleanup('a b c', 'x', { maxShiftSize: 0 })).toThrow(EvalError);
  });

  it('is the TER of the normalised bot answer against the human text', () => {
    // Words: bot [restart, the, router], human [please, restart, the, router]:
    // 1 insertion ÷ 4 words. Case and punctuation cost nothing.
    expect(humanCleanup('Restart the router.', 'Please restart the router!')).toBe(0.25);
    // The TSDoc example: "wait" and "then" each move once (sacreBLEU also counts 2 edits).
    expect(humanCleanup('Restart the router, then wait.', 'Wait, then restart the router.')).toBe(0.4);
  });

  it('handles accented Spanish text and shifts', () => {
    // bot   [reinicie, el, router, y, espere]       human [espere, luego, reinicie, el, router]
    // Levenshtein 4; moving "espere" to the front leaves insert "luego" + delete "y" (gain 2);
    // "reinicie el router" is aligned already, so it is not moved. 1 shift + 2 = 3 edits ÷ 5.
    expect(humanCleanup('Reinicie el router y espere.', 'Espere; luego, reinicie el router.')).toBeCloseTo(
      0.6,
      12,
    );
  });

  it('caps the rate at 1 by default and at the given cap otherwise', () => {
    // 7 bot words against 1 human word: 6 deletions + 1 substitution = 7 edits ÷ 1 word = 7.
    const bot = 'A very long answer with many words';
    expect(humanCleanup(bot, 'OK')).toBe(1);
    expect(humanCleanup(bot, 'OK', { cap: 10 })).toBe(7);
  });

  it('counts an escalated turn (no bot answer) as 1', () => {
    expect(humanCleanup(undefined, 'The human wrote all of this.')).toBe(1);
  });

  it('treats an empty human text as 0 when the bot said nothing either, else 1', () => {
    expect(humanCleanup('', '')).toBe(0);
    expect(humanCleanup('¡!', '...')).toBe(0);
    expect(humanCleanup('Hola', '')).toBe(1);
  });

  it('rejects a cap that is not positive', () => {
    expect(() => humanCleanup('a', 'a', { cap: 0 })).toThrow(EvalError);
  });
});

/**
 * TERCOM's greedy search written the slow, obvious way: full Levenshtein with a backtrace for every
 * candidate, no pruning. Ties in the backtrace prefer diagonal, then dropping a hypothesis word,
 * then inserting a reference word; shifts are ranked by gain, length, earlier start, earlier target.
 */
function plainTercom(
  hypothesis: readonly string[],
  reference: readonly string[],
  { maxShiftSize = 10, maxShiftDistance = 50 }: { maxShiftSize?: number; maxShiftDistance?: number } = {},
): { edits: number; shifts: number; insertions: number; deletions: number; substitutions: number } {
  const levenshtein = (words: readonly string[]) => {
    // One flat table, row by row: the same full recomputation, without an array per row.
    const width = reference.length + 1;
    const table = new Int32Array((words.length + 1) * width);
    const cell = (i: number, j: number): number => table[i * width + j]!;
    for (let j = 0; j <= reference.length; j++) table[j] = j;
    for (let i = 1; i <= words.length; i++) {
      table[i * width] = i;
      for (let j = 1; j <= reference.length; j++) {
        table[i * width + j] = Math.min(
          cell(i - 1, j - 1) + (words[i - 1] === reference[j - 1] ? 0 : 1),
          cell(i - 1, j) + 1,
          cell(i, j - 1) + 1,
        );
      }
    }
    const hypothesisWrong = words.map(() => false);
    const referenceWrong = reference.map(() => false);
    const alignedTo = reference.map(() => -1);
    const counts = { insertions: 0, deletions: 0, substitutions: 0 };
    let i = words.length;
    let j = reference.length;
    while (i > 0 || j > 0) {
      const here = cell(i, j);
      const mismatch = i > 0 && j > 0 && words[i - 1] !== reference[j - 1];
      if (i > 0 && j > 0 && cell(i - 1, j - 1) + (mismatch ? 1 : 0) === here) {
        alignedTo[j - 1] = i - 1;
        hypothesisWrong[i - 1] = mismatch;
        referenceWrong[j - 1] = mismatch;
        if (mismatch) counts.substitutions++;
        i--;
        j--;
      } else if (i > 0 && (j === 0 || cell(i - 1, j) + 1 === here)) {
        hypothesisWrong[i - 1] = true;
        counts.deletions++;
        i--;
      } else {
        alignedTo[j - 1] = i - 1;
        referenceWrong[j - 1] = true;
        counts.insertions++;
        j--;
      }
    }
    return {
      distance: cell(words.length, reference.length),
      hypothesisWrong,
      referenceWrong,
      alignedTo,
      counts,
    };
  };
  const move = (words: readonly string[], start: number, length: number, target: number): string[] => {
    const block = words.slice(start, start + length);
    if (target < start)
      return [
        ...words.slice(0, target),
        ...block,
        ...words.slice(target, start),
        ...words.slice(start + length),
      ];
    if (target > start + length) {
      return [
        ...words.slice(0, start),
        ...words.slice(start + length, target),
        ...block,
        ...words.slice(target),
      ];
    }
    return [
      ...words.slice(0, start),
      ...words.slice(start + length, length + target),
      ...block,
      ...words.slice(length + target),
    ];
  };
  let current = [...hypothesis];
  let shifts = 0;
  for (;;) {
    const { distance, hypothesisWrong, referenceWrong, alignedTo, counts } = levenshtein(current);
    let best: { key: number[]; words: string[] } | undefined;
    for (let start = 0; start < current.length; start++) {
      for (let referenceStart = 0; referenceStart < reference.length; referenceStart++) {
        if (Math.abs(referenceStart - start) > maxShiftDistance) continue;
        for (let length = 1; length <= maxShiftSize; length++) {
          if (start + length > current.length || referenceStart + length > reference.length) break;
          if (current[start + length - 1] !== reference[referenceStart + length - 1]) break;
          if (!hypothesisWrong.slice(start, start + length).some(Boolean)) continue;
          if (!referenceWrong.slice(referenceStart, referenceStart + length).some(Boolean)) continue;
          if (alignedTo[referenceStart]! >= start && alignedTo[referenceStart]! < start + length) continue;
          for (let offset = -1; offset < length; offset++) {
            const target = referenceStart + offset === -1 ? 0 : alignedTo[referenceStart + offset]! + 1;
            const shifted = move(current, start, length, target);
            const key = [distance - levenshtein(shifted).distance, length, -start, -target];
            if (best === undefined || lexicographicallyGreater(key, best.key)) best = { key, words: shifted };
          }
        }
      }
    }
    if (best === undefined || best.key[0]! <= 0) return { edits: shifts + distance, shifts, ...counts };
    current = best.words;
    shifts++;
  }
}

function lexicographicallyGreater(first: readonly number[], second: readonly number[]): boolean {
  for (let index = 0; index < first.length; index++) {
    if (first[index] !== second[index]) return first[index]! > second[index]!;
  }
  return false;
}
