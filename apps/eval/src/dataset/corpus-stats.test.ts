import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { computeCorpusStats } from './corpus-stats.js';
import { loadSuite } from './load-suite.js';

const suiteFile = fileURLToPath(
  new URL('../../test/fixtures/datasets/mini-suite/suite.json', import.meta.url),
);

describe('computeCorpusStats', () => {
  it('counts conversations, turns, labels, split sides, lengths and articles from the files', async () => {
    const stats = await computeCorpusStats(await loadSuite(suiteFile));
    expect(stats).toEqual({
      conversations: 4,
      multiTurnConversations: 1,
      userTurns: 5,
      agentTurns: 5,
      agentTurnsWithDraft: 2,
      // The mini suite annotates no nuggets: no validation pairs, but the drafts' edits are measured.
      agentTurnsWithNuggets: 0,
      nuggetsPerTurn: [],
      draftEdits: {
        bands: [
          { label: 'unchanged (0)', drafts: 0 },
          { label: 'light (≤ 0.2)', drafts: 0 },
          { label: 'moderate (0.2–0.5)', drafts: 1 },
          { label: 'heavy (> 0.5)', drafts: 1 },
        ],
        medianDraftWords: 4.5,
        medianFinalWords: 11,
      },
      cleanupValidation: { pairs: 0, spearman: null, meanAbsoluteError: null },
      nonEnglishUserTurns: 1,
      multiPartUserTurns: 1,
      regulatedAdviceUserTurns: 0,
      outOfScopeUserTurns: 0,
      distinctIntents: 5,
      domains: [
        { domain: 'billing', userTurns: 3, train: 2, test: 1 },
        { domain: 'general', userTurns: 3, train: 2, test: 1 },
      ],
      languages: [
        { language: 'en', userTurns: 4 },
        { language: 'es', userTurns: 1 },
      ],
      files: [
        { file: 'a-chats.jsonl', conversations: 2, userTurns: 3 },
        { file: 'b-export.csv', conversations: 2, userTurns: 2 },
      ],
      knowledgeBases: [
        { kb: 'billing', articles: 2, languages: ['en'] },
        { kb: 'general', articles: 2, languages: ['en'] },
      ],
      split: {
        train: { conversations: 2, userTurns: 3 },
        test: { conversations: 2, userTurns: 2 },
        unassigned: 0,
      },
      userTurnWords: {
        min: 1,
        p10: 1,
        p25: 5,
        median: 5,
        p75: 7,
        p90: 10,
        max: 10,
        mean: 5.6,
        buckets: [
          { label: '1–5', userTurns: 3 },
          { label: '6–15', userTurns: 2 },
          { label: '16–40', userTurns: 0 },
          { label: '41–100', userTurns: 0 },
          { label: '101+', userTurns: 0 },
        ],
      },
    });
  });
});
