import { readFile } from 'node:fs/promises';
import { matchNuggets } from '@baton/core/facts';
import { describe, expect, it } from 'vitest';
import { targetedCleanup } from '../src/metrics/targeted-cleanup.js';
import { humanCleanup } from '../src/metrics/translation-edit-rate.js';
import { spearman } from '../src/stats/spearman.js';

// The hand-labelled audit sets of datasets/metric-audit (see its README): floors under the figures
// `npm run measure:metrics -w @baton/eval` prints and the root README quotes, so a change to the
// matcher or the targeted reference that loses agreement with a person's judgement fails here.
async function cases<T>(file: string): Promise<T[]> {
  const text = await readFile(new URL(`../../../datasets/metric-audit/${file}`, import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

describe('the offline metrics against the hand-labelled audit sets', () => {
  it('gives the labelled nugget verdict on most cases, and tells negated and content-free answers apart', async () => {
    const rows = await cases<{ nugget: string; answer: string; label: string; category: string }>(
      'nugget-labels.jsonl',
    );
    expect(rows).toHaveLength(380);
    const verdicts = rows.map((row) => ({
      ...row,
      verdict: matchNuggets(row.answer, [row.nugget]).judgements[0]!.verdict,
    }));
    const accuracy = (subset: typeof verdicts) =>
      subset.filter((row) => row.verdict === row.label).length / subset.length;
    // 0.742 when written (0.492 before the stance, unit, sentence, opposite and path rules).
    expect(accuracy(verdicts)).toBeGreaterThanOrEqual(0.72);
    expect(accuracy(verdicts.filter((row) => row.category === 'polarity'))).toBeGreaterThanOrEqual(0.85);
    // Greetings, apologies and echoes convey nothing: one echo ("You mentioned you'd like to reset
    // the PIN in the app.") still passes for its nugget.
    expect(accuracy(verdicts.filter((row) => row.category === 'contentfree'))).toBeGreaterThanOrEqual(0.85);
  });

  it('agrees with a person on the held-out set written after the rules were fixed, and is rarely wrong when it says present', async () => {
    const rows = await cases<{ nugget: string; answer: string; label: string }>('nugget-fresh.jsonl');
    expect(rows).toHaveLength(160);
    const verdicts = rows.map((row) => ({
      label: row.label,
      verdict: matchNuggets(row.answer, [row.nugget]).judgements[0]!.verdict,
    }));
    // 0.631 and 0.788 when written (0.606 and 0.717 for the matcher before the stance rules).
    expect(verdicts.filter((row) => row.verdict === row.label).length / rows.length).toBeGreaterThanOrEqual(
      0.6,
    );
    const said = verdicts.filter((row) => row.verdict === 'present');
    expect(said.filter((row) => row.label === 'present').length / said.length).toBeGreaterThanOrEqual(0.75);
  });

  it('ranks answers by the edits a person made about as the true HTER does, better than the plain reference', async () => {
    const rows = await cases<{ reference: string; nuggets: string[]; answer: string; postEdit: string }>(
      'cleanup-labels.jsonl',
    );
    expect(rows).toHaveLength(210);
    const truth = rows.map((row) => humanCleanup(row.answer, row.postEdit));
    const estimate = rows.map((row) => targetedCleanup(row.answer, row.reference, row.nuggets).rate);
    const referenceOnly = rows.map((row) => humanCleanup(row.answer, row.reference));
    const meanAbsoluteError = (values: number[]) =>
      values.reduce((sum, value, index) => sum + Math.abs(value - truth[index]!), 0) / values.length;
    // ρ 0.741 and MAE 0.122 when written (0.741 / 0.121 since a wrong number is corrected in place) (0.627 and 0.164 before sentences conveying their
    // nuggets in other words were kept; the plain reference: 0.497 and 0.276).
    expect(spearman(truth, estimate)).toBeGreaterThanOrEqual(0.7);
    expect(meanAbsoluteError(estimate)).toBeLessThanOrEqual(0.14);
    expect(spearman(truth, estimate)!).toBeGreaterThan(spearman(truth, referenceOnly)!);
    expect(meanAbsoluteError(estimate)).toBeLessThan(meanAbsoluteError(referenceOnly));
  });

  it.each([
    // Scored once before the number-correction rule was designed on it: 0.721 / 0.212; then 0.732 / 0.200.
    ['cleanup-fresh.jsonl', 0.7, 0.22],
    // Held out, scored once: 0.827 / 0.159 (0.827 / 0.158 after two reviews' fixes to the correction).
    ['cleanup-fresh2.jsonl', 0.8, 0.17],
  ] as const)(
    'ranks the realistic answers of %s like their true HTER, better than the plain reference',
    async (file, rho, mae) => {
      const rows = await cases<{ reference: string; nuggets: string[]; answer: string; postEdit: string }>(
        file,
      );
      expect(rows).toHaveLength(150);
      const truth = rows.map((row) => humanCleanup(row.answer, row.postEdit));
      const estimate = rows.map((row) => targetedCleanup(row.answer, row.reference, row.nuggets).rate);
      const referenceOnly = rows.map((row) => humanCleanup(row.answer, row.reference));
      const meanAbsoluteError = (values: number[]) =>
        values.reduce((sum, value, index) => sum + Math.abs(value - truth[index]!), 0) / values.length;
      expect(spearman(truth, estimate)).toBeGreaterThanOrEqual(rho);
      expect(meanAbsoluteError(estimate)).toBeLessThanOrEqual(mae);
      expect(spearman(truth, estimate)!).toBeGreaterThan(spearman(truth, referenceOnly)!);
      expect(meanAbsoluteError(estimate)).toBeLessThan(meanAbsoluteError(referenceOnly));
    },
  );
});
