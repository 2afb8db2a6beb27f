/**
 * Scores the offline metrics against the hand-labelled audit sets in `datasets/metric-audit/` (see
 * its README for how they were made): the nugget matcher's verdicts against a person's (on the
 * audit set and on the held-out set written after the rules were fixed), and the
 * offline human-cleanup estimate against the true HTER of a person's minimal post-edit, each on
 * the whole set and on its dev and test halves, and on the two cleanup sets written after it (the
 * second held out). Prints the figures the root README quotes.
 *
 * Usage: tsx --conditions=@baton/source scripts/measure-metrics.ts [--json]
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { matchNuggets } from '@baton/core/facts';
import { z } from 'zod';
import { targetedCleanup } from '../src/metrics/targeted-cleanup.js';
import { humanCleanup } from '../src/metrics/translation-edit-rate.js';
import { spearman } from '../src/stats/spearman.js';
import { parseScriptArgs, runScript } from './run-script.js';

const folder = fileURLToPath(new URL('../../../datasets/metric-audit/', import.meta.url));
const usage = 'usage: measure-metrics [--json]';

const nuggetCase = z.object({
  id: z.string(),
  lang: z.string(),
  category: z.string(),
  nugget: z.string(),
  answer: z.string(),
  label: z.enum(['present', 'missing', 'contradicted']),
});
const cleanupCase = z.object({
  id: z.string(),
  lang: z.string(),
  category: z.string(),
  reference: z.string(),
  nuggets: z.array(z.string()),
  answer: z.string(),
  postEdit: z.string(),
});

async function readCases<T>(file: string, schema: z.ZodType<T>): Promise<T[]> {
  const text = await readFile(`${folder}${file}`, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const parsed = schema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file}:${index + 1}: ${parsed.error.issues[0]?.message}`);
      return parsed.data;
    });
}

/** The halves the sets were frozen with: each set's own rule on sha256(id) (see the README). */
function nuggetHalf(id: string): 'dev' | 'test' {
  const hex = createHash('sha256').update(id).digest('hex');
  return Number.parseInt(hex.at(-1)!, 16) % 2 === 0 ? 'dev' : 'test';
}
function cleanupHalf(id: string): 'dev' | 'test' {
  return BigInt(`0x${createHash('sha256').update(id).digest('hex')}`) % 2n === 0n ? 'dev' : 'test';
}

/** Agreement of the nugget matcher with the labels over some cases. */
export interface NuggetAgreement {
  cases: number;
  /** Share of cases with the labelled verdict (present, missing or contradicted). */
  accuracy: number;
  /**
   * Share of cases where "present or not" agrees with the label: what the core's `conveys` (the
   * `required-facts` criterion) decides, which does not tell missing from contradicted.
   */
  conveysAccuracy: number;
  /** Of the cases the matcher calls present, the share labelled present. */
  presentPrecision: number;
  /** Of the cases labelled present, the share the matcher calls present. */
  presentRecall: number;
}

function nuggetAgreement(rows: { label: string; verdict: string }[]): NuggetAgreement {
  const said = rows.filter((row) => row.verdict === 'present');
  const labelled = rows.filter((row) => row.label === 'present');
  return {
    cases: rows.length,
    accuracy: rows.filter((row) => row.verdict === row.label).length / rows.length,
    conveysAccuracy:
      rows.filter((row) => (row.verdict === 'present') === (row.label === 'present')).length / rows.length,
    presentPrecision: said.filter((row) => row.label === 'present').length / Math.max(1, said.length),
    presentRecall: labelled.filter((row) => row.verdict === 'present').length / Math.max(1, labelled.length),
  };
}

/** Agreement of a cleanup estimate with the true HTER over some cases. */
export interface CleanupAgreement {
  cases: number;
  spearman: number | null;
  meanAbsoluteError: number;
}

function cleanupAgreement(rows: { truth: number; estimate: number }[]): CleanupAgreement {
  return {
    cases: rows.length,
    spearman: spearman(
      rows.map((row) => row.truth),
      rows.map((row) => row.estimate),
    ),
    meanAbsoluteError: rows.reduce((sum, row) => sum + Math.abs(row.estimate - row.truth), 0) / rows.length,
  };
}

async function main(): Promise<number> {
  const parsed = parseScriptArgs({ options: { json: { type: 'boolean', default: false } } }, usage);
  if (parsed === undefined) return 0;
  const nuggets = (await readCases('nugget-labels.jsonl', nuggetCase)).map((row) => ({
    ...row,
    half: nuggetHalf(row.id),
    verdict: matchNuggets(row.answer, [row.nugget]).judgements[0]!.verdict,
  }));
  // Written after the matcher's rules were fixed and scored once: never used to change them.
  const fresh = (await readCases('nugget-fresh.jsonl', nuggetCase)).map((row) => ({
    label: row.label,
    verdict: matchNuggets(row.answer, [row.nugget]).judgements[0]!.verdict,
  }));
  const cleanups = (await readCases('cleanup-labels.jsonl', cleanupCase)).map((row) => ({
    ...row,
    half: cleanupHalf(row.id),
    truth: humanCleanup(row.answer, row.postEdit),
    estimate: targetedCleanup(row.answer, row.reference, row.nuggets).rate,
    referenceOnly: humanCleanup(row.answer, row.reference),
  }));
  // Written blind after the audit (see the README): `cleanup-fresh` was scored once, then the
  // number-correction rule was designed looking at it; `cleanup-fresh2`, written after, is held out.
  const freshCleanup = async (file: string) => {
    const rows = (await readCases(file, cleanupCase)).map((row) => ({
      truth: humanCleanup(row.answer, row.postEdit),
      estimate: targetedCleanup(row.answer, row.reference, row.nuggets).rate,
      referenceOnly: humanCleanup(row.answer, row.reference),
    }));
    return {
      targeted: cleanupAgreement(rows),
      referenceOnly: cleanupAgreement(rows.map((row) => ({ ...row, estimate: row.referenceOnly }))),
    };
  };
  const halves = ['all', 'dev', 'test'] as const;
  const inHalf = <T extends { half: string }>(rows: T[], half: (typeof halves)[number]) =>
    half === 'all' ? rows : rows.filter((row) => row.half === half);
  const result = {
    nuggetMatching: Object.fromEntries(halves.map((half) => [half, nuggetAgreement(inHalf(nuggets, half))])),
    nuggetMatchingHeldOut: nuggetAgreement(fresh),
    nuggetMatchingByCategory: Object.fromEntries(
      [...new Set(nuggets.map((row) => row.category))]
        .sort()
        .map((category) => [
          category,
          nuggetAgreement(nuggets.filter((row) => row.category === category)).accuracy,
        ]),
    ),
    humanCleanup: Object.fromEntries(halves.map((half) => [half, cleanupAgreement(inHalf(cleanups, half))])),
    humanCleanupFresh: await freshCleanup('cleanup-fresh.jsonl'),
    humanCleanupHeldOut: await freshCleanup('cleanup-fresh2.jsonl'),
    referenceOnlyCleanup: Object.fromEntries(
      halves.map((half) => [
        half,
        cleanupAgreement(inHalf(cleanups, half).map((row) => ({ ...row, estimate: row.referenceOnly }))),
      ]),
    ),
  };
  if (parsed.values.json) {
    console.log(JSON.stringify(result, null, 2));
    return 0;
  }
  const fixed = (value: number | null) => (value === null ? 'n/a' : value.toFixed(3));
  console.log(
    'nugget matching (verdict against the label)   accuracy  present-or-not  precision(present)  recall(present)  n',
  );
  for (const half of halves) {
    const row = result.nuggetMatching[half]!;
    console.log(
      `  ${half.padEnd(45)}${fixed(row.accuracy).padStart(8)}${fixed(row.conveysAccuracy).padStart(16)}${fixed(row.presentPrecision).padStart(20)}${fixed(row.presentRecall).padStart(17)}  ${row.cases}`,
    );
  }
  const heldOut = result.nuggetMatchingHeldOut;
  console.log(
    `  ${'held out (nugget-fresh.jsonl)'.padEnd(45)}${fixed(heldOut.accuracy).padStart(8)}${fixed(heldOut.conveysAccuracy).padStart(16)}${fixed(heldOut.presentPrecision).padStart(20)}${fixed(heldOut.presentRecall).padStart(17)}  ${heldOut.cases}`,
  );
  console.log(
    `  by category: ${Object.entries(result.nuggetMatchingByCategory)
      .map(([category, accuracy]) => `${category} ${fixed(accuracy)}`)
      .join(', ')}`,
  );
  console.log(
    'human cleanup against the true HTER           spearman   MAE   | reference-only: spearman   MAE   n',
  );
  for (const half of halves) {
    const row = result.humanCleanup[half]!;
    const plain = result.referenceOnlyCleanup[half]!;
    console.log(
      `  ${half.padEnd(45)}${fixed(row.spearman).padStart(7)}${fixed(row.meanAbsoluteError).padStart(7)}   |${fixed(plain.spearman).padStart(25)}${fixed(plain.meanAbsoluteError).padStart(7)}  ${row.cases}`,
    );
  }
  for (const [label, row] of [
    ['cleanup-fresh.jsonl (rule designed on it)', result.humanCleanupFresh],
    ['held out (cleanup-fresh2.jsonl)', result.humanCleanupHeldOut],
  ] as const) {
    const { targeted, referenceOnly } = row;
    console.log(
      `  ${label.padEnd(45)}${fixed(targeted.spearman).padStart(7)}${fixed(targeted.meanAbsoluteError).padStart(7)}   |${fixed(referenceOnly.spearman).padStart(25)}${fixed(referenceOnly.meanAbsoluteError).padStart(7)}  ${targeted.cases}`,
    );
  }
  return 0;
}

runScript('measure-metrics', main);
