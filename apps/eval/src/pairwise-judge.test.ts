import { scriptedChatModel } from '@baton/core/testing';
import { describe, expect, it } from 'vitest';
import type { ItemResult } from './item-result.js';
import { judgePair, pairwiseValue } from './pairwise-judge.js';

const item = (strategy: string, answer: string): ItemResult => ({
  itemId: 'c1#0',
  conversationId: 'c1',
  turnIndex: 0,
  repeat: 0,
  strategy,
  input: 'Where is my invoice?',
  reference: 'Invoices are under Settings → Billing.',
  gold: { domains: ['billing'] },
  outcome: 'answered',
  answer,
  respondedBy: ['billing'],
  delegations: [],
  usage: { inputTokens: 0, outputTokens: 0 },
  costUsd: 0,
  latencyMs: 1,
  scores: {},
});
const choice = (better: 'A' | 'B' | 'tie') => JSON.stringify({ better, rationale: 'because' });

describe('judgePair', () => {
  it('counts a win only when both orders prefer the candidate', async () => {
    // Call 1 shows the candidate as A, call 2 shows it as B.
    const model = scriptedChatModel([choice('A'), choice('B')]);
    const result = await judgePair({
      model,
      baseline: item('solo', 'no idea'),
      candidate: item('routed', 'Settings → Billing'),
    });
    expect(result.verdict).toBe('win');
    expect(model.requests[0]?.messages[1]?.content).toMatch(
      /Answer A:\nSettings → Billing\n\nAnswer B:\nno idea/,
    );
    expect(model.requests[1]?.messages[1]?.content).toMatch(
      /Answer A:\nno idea\n\nAnswer B:\nSettings → Billing/,
    );
    expect(result.details).toMatchObject({ judge: 'scripted:scripted', baseline: 'solo' });
  });

  it('calls a position-biased judge inconsistent', async () => {
    const model = scriptedChatModel([choice('A'), choice('A')]);
    const result = await judgePair({ model, baseline: item('solo', 'x'), candidate: item('routed', 'y') });
    expect(result.verdict).toBe('inconsistent');
    expect(pairwiseValue(result.verdict)).toBeNull();
  });

  it('leaves a pair with an unparseable judgement unscored rather than calling the judge inconsistent', async () => {
    const model = scriptedChatModel(['not json', choice('B')]);
    const result = await judgePair({ model, baseline: item('solo', 'x'), candidate: item('routed', 'y') });
    expect(result.verdict).toBe('unscored');
    expect(pairwiseValue(result.verdict)).toBeNull();
  });

  it('leaves a pair unscored when a judge call fails, instead of stopping the run', async () => {
    const model = scriptedChatModel([choice('A'), { error: new Error('400 bad request') }]);
    const result = await judgePair({ model, baseline: item('solo', 'x'), candidate: item('routed', 'y') });
    expect(result.verdict).toBe('unscored');
    expect(result.details).toMatchObject({ errors: ['400 bad request'] });
  });

  it('records the usage of both judge calls', async () => {
    const usage = { inputTokens: 100, outputTokens: 5 };
    const model = scriptedChatModel([
      { content: choice('A'), usage },
      { content: choice('B'), usage },
    ]);
    const result = await judgePair({ model, baseline: item('solo', 'x'), candidate: item('routed', 'y') });
    expect(result.details.usage).toEqual({ inputTokens: 200, outputTokens: 10 });
  });

  it('maps verdicts to numbers for averaging', () => {
    expect([pairwiseValue('win'), pairwiseValue('tie'), pairwiseValue('loss')]).toEqual([1, 0.5, 0]);
  });
});
