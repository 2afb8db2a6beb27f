import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChatModel } from '@baton/core';
import type { ItemResult } from './item-result.js';
import { judgePair, pairwiseValue } from './pairwise-judge.js';
import { mergeItems, readItems } from './report/parse-items.js';
import type { InUnit } from './run-evaluation.js';

/** Names of the pairwise scores on candidate items. */
export const pairwiseScoreNames = { win: 'pairwiseWin', agreement: 'pairwiseAgreement' } as const;

/**
 * With an LLM judge, compares every candidate answer with the baseline's answer to the same turn in
 * both orders and appends the candidate items again with `pairwiseWin` (1 win, 0.5 tie, 0 loss,
 * null when the two orders disagree) and `pairwiseAgreement` (whether they agreed; both null when
 * an order got no usable verdict, so a failing judge is not a self-contradicting one). The latest line
 * of an item wins when items are read back, so the summary picks the new scores up.
 */
export async function addPairwiseJudgements(options: {
  out: string;
  judge: ChatModel;
  baseline: string;
  concurrency: number;
  signal?: AbortSignal;
  /** Names each pair's judge calls for a cassette (see `RunModels.inUnit`). */
  inUnit?: InUnit;
}): Promise<number> {
  const file = join(options.out, 'items.jsonl');
  const { items } = mergeItems([
    { file, items: (await readItems(file, { allowTruncatedTail: true })).items },
  ]);
  const baselineItems = new Map<string, ItemResult>();
  for (const item of items)
    if (item.strategy === options.baseline) baselineItems.set(`${item.itemId}#${item.repeat}`, item);
  const pairs = items.flatMap((candidate) => {
    if (candidate.strategy === options.baseline || candidate.outcome !== 'answered') return [];
    const baseline = baselineItems.get(`${candidate.itemId}#${candidate.repeat}`);
    return baseline && baseline.outcome === 'answered' ? [{ baseline, candidate }] : [];
  });
  let next = 0;
  let judged = 0;
  const worker = async () => {
    while (next < pairs.length && !options.signal?.aborted) {
      const pair = pairs[next++]!;
      const judge = () =>
        judgePair({ model: options.judge, ...pair, ...(options.signal ? { signal: options.signal } : {}) });
      // Identical pairs (repeats of a deterministic strategy) send identical requests at once.
      const { candidate } = pair;
      const { verdict, details } = await (options.inUnit
        ? options.inUnit(`pairwise/${candidate.strategy}/${candidate.itemId}/${candidate.repeat}`, judge)
        : judge());
      const updated: ItemResult = {
        ...pair.candidate,
        scores: {
          ...pair.candidate.scores,
          [pairwiseScoreNames.win]: pairwiseValue(verdict),
          // A pair the judge gave no verdict for is no evidence of (dis)agreement.
          [pairwiseScoreNames.agreement]: verdict === 'unscored' ? null : verdict !== 'inconsistent',
        },
        scoreDetails: { ...pair.candidate.scoreDetails, pairwise: { verdict, ...details } },
      };
      await appendFile(file, `${JSON.stringify(updated)}\n`);
      judged += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, pairs.length)) }, worker));
  return judged;
}
