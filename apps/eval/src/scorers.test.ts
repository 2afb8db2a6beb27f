import { scriptedChatModel } from '@baton/core/testing';
import { describe, expect, it } from 'vitest';
import { defaultRubric, llmJudgeScorer } from './llm-judge-scorer.js';
import { referenceScorer } from './reference-scorer.js';
import type { ReplayTurn } from './replay-turn.js';

const turn: ReplayTurn = {
  itemId: 'c#0',
  conversationId: 'c',
  turnIndex: 0,
  input: 'How long does a refund take?',
  history: [],
  reference: 'Refunds take five to ten business days.',
  gold: { domains: ['billing'] },
  metadata: {},
};
const signal = new AbortController().signal;

describe('referenceScorer', () => {
  it('scores token F1 against the human reply by default', async () => {
    // answer [refunds, take, ten, days] vs reference [refunds, take, five, to, ten, business, days]:
    // 4 shared; precision 4/4, recall 4/7 → F1 = 2·1·(4/7)/(1 + 4/7) = 8/11.
    const result = await referenceScorer().score({
      turn,
      strategy: 's',
      answer: 'Refunds take ten days',
      signal,
    });
    expect(result.value).toBeCloseTo(8 / 11, 4);
  });

  it('names its method', () => {
    expect(referenceScorer({ metric: 'rouge-l' }).description).toBe(
      'reference-based rouge-l against the human reply',
    );
  });
});

describe('llmJudgeScorer', () => {
  it('normalises the 1–5 grade to 0–1 and records rubric and model', async () => {
    const model = scriptedChatModel([JSON.stringify({ score: 4, rationale: 'correct, misses the range' })], {
      modelId: 'judge-1',
    });
    const result = await llmJudgeScorer({ model }).score({ turn, strategy: 's', answer: 'ten days', signal });
    expect(result.value).toBe(0.75);
    expect(result.details).toMatchObject({ judge: 'scripted:judge-1', rubric: defaultRubric, rawScore: 4 });
    expect(model.requests[0]?.messages[1]?.content).toContain('Refunds take five to ten business days.');
  });

  it('retries an unparseable judgement once, then records no score instead of guessing', async () => {
    const model = scriptedChatModel(['great answer!', '{"score": 9}']);
    const result = await llmJudgeScorer({ model }).score({ turn, strategy: 's', answer: 'x', signal });
    expect(result.value).toBeNull();
    expect(model.requests).toHaveLength(2);
    expect(String(result.details?.error)).toMatch(/unparseable judgement/);
  });
});
