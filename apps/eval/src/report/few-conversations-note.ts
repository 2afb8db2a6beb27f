import type { RunSummary } from '../run-summary.js';
import { fewestBoundedConversations } from '../summary/gate.js';

/**
 * The sentence every report adds when a bootstrap comparison paired fewer conversations than the
 * run's resamples can bound (two to four at 2,000): its interval is then the range of the
 * resampled means, which may leave 0 out while p stays at or above 0.05, and a reader should not
 * take it for a 95% interval. `undefined` when no comparison is that small.
 *
 * @example
 * ```ts
 * const note = fewConversationsNote(summary); // 'Differences over fewer than 5 conversations …'
 * ```
 */
export function fewConversationsNote(
  summary: Pick<RunSummary, 'comparisons' | 'resamples'>,
): string | undefined {
  const fewest = fewestBoundedConversations(summary.resamples);
  const few = summary.comparisons.some(
    (comparison) =>
      comparison.method === 'paired-bootstrap' &&
      comparison.diff !== null &&
      comparison.n >= 2 &&
      comparison.n < fewest,
  );
  if (!few) return undefined;
  return `Differences over fewer than ${fewest} conversations: ${summary.resamples} resamples cannot reach a 95% interval's tail, so the interval shown is the range of the resampled differences, narrower than a 95% interval of so few, and p cannot fall below 0.05; too few conversations to tell.`;
}
