import { scriptedChatModel } from '@baton/core/testing';
import { describe, expect, it } from 'vitest';
import { defaultRubric, llmJudgeScorer } from './llm-judge-scorer.js';
import { nuggetScorer } from './nugget-scorer.js';
import { referenceScorer } from './reference-scorer.js';
import type { ReplayTurn } from './replay-turn.js';

const turn: ReplayTurn = {
  itemId: 'c#0',
  conversationId: 'c',
  turnIndex: 0,
  input: 'How long does a refund take?',
  history: [],
  reference: 'Refunds take five to ten business days. You can follow them in Back Office → Orders → Refunds.',
  nuggets: ['refunds take 5–10 business days', 'Back Office → Orders → Refunds'],
  nuggetSource: 'annotated',
  gold: { domains: ['billing'] },
  metadata: {},
};
const routingOnly: ReplayTurn = { ...turn, reference: null, nuggets: [], nuggetSource: 'none' };
const signal = new AbortController().signal;

describe('nuggetScorer', () => {
  it('scores the share of nuggets the answer conveys, with a verdict for each', async () => {
    const result = await nuggetScorer().score({
      turn,
      strategy: 's',
      answer: 'A refund takes 5 to 10 business days to arrive.',
      signal,
    });
    expect(result.value).toBe(0.5);
    expect(result.details).toEqual({
      method: 'nugget-match',
      nuggetSource: 'annotated',
      nuggets: [
        { nugget: 'refunds take 5–10 business days', verdict: 'present' },
        { nugget: 'Back Office → Orders → Refunds', verdict: 'missing' },
      ],
    });
  });

  it('gives no score to a turn with nothing to check', async () => {
    const result = await nuggetScorer().score({ turn: routingOnly, strategy: 's', answer: 'Hello!', signal });
    expect(result).toEqual({ value: null });
  });

  it('is the default answer quality and names its method', () => {
    const scorer = nuggetScorer();
    expect(scorer.name).toBe('answerQuality');
    expect(scorer.description).toMatch(/^nugget recall/);
    expect(nuggetScorer({ name: 'nuggets' }).name).toBe('nuggets');
  });
});

describe('referenceScorer', () => {
  const oneSentence = { ...turn, reference: 'Refunds take five to ten business days.' };

  it('scores token F1 against the human reply by default', async () => {
    // answer [refunds, take, ten, days] vs reference [refunds, take, five, to, ten, business, days]:
    // 4 shared; precision 4/4, recall 4/7 → F1 = 2·1·(4/7)/(1 + 4/7) = 8/11.
    const result = await referenceScorer().score({
      turn: oneSentence,
      strategy: 's',
      answer: 'Refunds take ten days',
      signal,
    });
    expect(result.value).toBeCloseTo(8 / 11, 4);
  });

  it('gives no score to a routing-only turn', async () => {
    expect(await referenceScorer().score({ turn: routingOnly, strategy: 's', answer: 'x', signal })).toEqual({
      value: null,
    });
  });

  it('names its method', () => {
    expect(referenceScorer({ metric: 'rouge-l' }).description).toBe(
      'reference-based rouge-l against the human reply',
    );
  });
});

describe('llmJudgeScorer', () => {
  const judgement = (nuggets: { index: number; verdict: string }[], postEdit = 'Refunds take 5–10 days.') =>
    JSON.stringify({ nuggets, postEdit, rationale: 'right range, no menu path' });

  it('scores present nuggets ÷ nuggets, contradicted counting as missing, and returns the post-edit', async () => {
    const model = scriptedChatModel(
      [
        judgement([
          { index: 2, verdict: 'contradicted' },
          { index: 1, verdict: 'present' },
        ]),
      ],
      { modelId: 'judge-1' },
    );
    const result = await llmJudgeScorer({ model }).score({
      turn,
      strategy: 's',
      answer: 'Refunds take 5–10 days; see Settings → Refunds.',
      signal,
    });
    expect(result.value).toBe(0.5);
    expect(result.postEdit).toBe('Refunds take 5–10 days.');
    expect(result.details).toMatchObject({
      method: 'llm-judge',
      judge: 'scripted:judge-1',
      rubric: defaultRubric,
      nuggetSource: 'annotated',
      nuggets: [
        { nugget: 'refunds take 5–10 business days', verdict: 'present' },
        { nugget: 'Back Office → Orders → Refunds', verdict: 'contradicted' },
      ],
      postEdit: 'Refunds take 5–10 days.',
      rationale: 'right range, no menu path',
    });
    const prompt = String(model.requests[0]?.messages[1]?.content);
    expect(prompt).toContain(turn.reference);
    expect(prompt).toContain('1. refunds take 5–10 business days\n2. Back Office → Orders → Refunds');
  });

  it('retries a judgement it cannot use once, then records no score instead of guessing', async () => {
    // Not JSON, then a verdict for nugget 1 only.
    const model = scriptedChatModel(['great answer!', judgement([{ index: 1, verdict: 'present' }])]);
    const result = await llmJudgeScorer({ model }).score({ turn, strategy: 's', answer: 'x', signal });
    expect(result.value).toBeNull();
    expect(result.postEdit).toBeUndefined();
    expect(model.requests).toHaveLength(2);
    expect(String(result.details?.error)).toBe('unparseable judgement: no verdict for nugget 2');
  });

  it('accepts the retried judgement when the first could not be parsed', async () => {
    const model = scriptedChatModel([
      '{"score": 4}',
      judgement([
        { index: 1, verdict: 'present' },
        { index: 2, verdict: 'present' },
      ]),
    ]);
    const result = await llmJudgeScorer({ model }).score({ turn, strategy: 's', answer: 'x', signal });
    expect(result.value).toBe(1);
    expect(model.requests).toHaveLength(2);
  });

  it('does not pick from two verdicts for one nugget or accept a verdict for a nugget that does not exist', async () => {
    const conflicting = judgement([
      { index: 1, verdict: 'missing' },
      { index: 1, verdict: 'present' },
      { index: 2, verdict: 'present' },
    ]);
    const extra = judgement([
      { index: 1, verdict: 'present' },
      { index: 2, verdict: 'present' },
      { index: 3, verdict: 'missing' },
    ]);
    const model = scriptedChatModel([conflicting, extra]);
    const result = await llmJudgeScorer({ model }).score({ turn, strategy: 's', answer: 'x', signal });
    expect(result.value).toBeNull();
    expect(String(result.details?.error)).toBe('unparseable judgement: verdict for nugget 3 of 2');
  });

  it('keeps the usage of every judge call, the failed attempt and the unscored judgement included', async () => {
    const usage = { inputTokens: 100, outputTokens: 5 };
    const verdicts = judgement([
      { index: 1, verdict: 'present' },
      { index: 2, verdict: 'present' },
    ]);
    const retried = scriptedChatModel([
      { content: 'great answer!', usage },
      { content: verdicts, usage },
    ]);
    const scored = await llmJudgeScorer({ model: retried }).score({
      turn,
      strategy: 's',
      answer: 'x',
      signal,
    });
    expect(scored.value).toBe(1);
    expect(scored.details?.usage).toEqual({ inputTokens: 200, outputTokens: 10 });
    const refusing = scriptedChatModel([
      { content: 'I cannot help with that.', usage },
      { content: 'I cannot help with that.', usage },
    ]);
    const unscored = await llmJudgeScorer({ model: refusing }).score({
      turn,
      strategy: 's',
      answer: 'x',
      signal,
    });
    expect(unscored.value).toBeNull();
    expect(unscored.details?.usage).toEqual({ inputTokens: 200, outputTokens: 10 });
  });

  it('asks nothing about a routing-only turn', async () => {
    const model = scriptedChatModel([]);
    expect(
      await llmJudgeScorer({ model }).score({ turn: routingOnly, strategy: 's', answer: 'x', signal }),
    ).toEqual({ value: null });
    expect(model.requests).toHaveLength(0);
  });

  it('still asks for a post-edit of a reply without nuggets, scoring no quality', async () => {
    const model = scriptedChatModel([judgement([], 'Hello Anna!')]);
    const result = await llmJudgeScorer({ model }).score({
      turn: { ...turn, reference: 'Hello Anna!', nuggets: [], nuggetSource: 'none' },
      strategy: 's',
      answer: 'Hi!',
      signal,
    });
    expect(result).toMatchObject({ value: null, postEdit: 'Hello Anna!' });
    expect(String(model.requests[0]?.messages[1]?.content)).toContain('Nuggets:\n(none)');
  });
});
