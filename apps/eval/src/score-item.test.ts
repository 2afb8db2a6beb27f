import type { DelegationRecord } from '@baton/core';
import { Roster } from '@baton/core';
import { fakeAgent } from '@baton/core/testing';
import { describe, expect, it } from 'vitest';
import type { ReplayTurn } from './replay-turn.js';
import { scoreItem } from './score-item.js';

const roster = new Roster({
  front: fakeAgent({ card: { id: 'front', name: 'Front', description: 'front', domains: ['general'] } }),
  delegates: [
    fakeAgent({ card: { id: 'billing', name: 'Billing', description: 'billing', domains: ['billing'] } }),
    fakeAgent({
      card: {
        id: 'soporte-es',
        name: 'Soporte',
        description: 'es',
        domains: ['billing', 'orders'],
        languages: ['es'],
      },
    }),
  ],
});
const turn = (domains: string[], reference = 'Refunds take five days'): ReplayTurn => ({
  itemId: 'c#0',
  conversationId: 'c',
  turnIndex: 0,
  input: 'refund?',
  history: [],
  reference,
  gold: { domains },
  metadata: {},
});
const record = (
  chosen: string | null,
  rungs: DelegationRecord['fallbacks'][number]['rung'][] = [],
): DelegationRecord => ({
  id: 'd',
  mode: 'delegate',
  strategy: 's',
  delegatorId: 'front',
  depth: 1,
  task: { goal: 'refund?' },
  candidates: [],
  chosenAgentId: chosen,
  reason: '',
  context: { policy: 'x', messages: 0, characters: 0, redactions: 0 },
  attempts: [],
  fallbacks: rungs.map((rung) => ({ rung, reason: '' })),
  outcome: 'completed',
  excluded: [],
  usage: { inputTokens: 0, outputTokens: 0 },
  costUsd: 0,
  latencyMs: 0,
  startedAt: 0,
});
const thresholds = { passThreshold: 0.5, needsCleanupThreshold: 0.5 };
const score = (options: Partial<Parameters<typeof scoreItem>[0]>) =>
  scoreItem({
    turn: turn(['billing']),
    outcome: 'answered',
    answer: 'Refunds take five days',
    delegations: [],
    quality: 1,
    roster,
    thresholds,
    ...options,
  });

describe('scoreItem', () => {
  it('scores a perfect routed answer', () => {
    expect(score({ delegations: [record('billing')] })).toMatchObject({
      answerQuality: 1,
      humanCleanup: 0,
      needsCleanup: false,
      delegationAttempted: true,
      fallback: false,
      escalated: false,
      routingCorrect: true,
      pass: true,
      'fallback.retry': false,
    });
  });

  it('measures cleanup as TER against the human text', () => {
    // bot: [refunds, take, days] vs human: [refunds, take, five, days] → 1 insertion / 4 words.
    expect(score({ answer: 'Refunds take days' }).humanCleanup).toBe(0.25);
  });

  it('leaves escalated turns out of quality, counts full cleanup, and routes them to human', () => {
    const escalated = score({ outcome: 'escalated', answer: null, quality: null, turn: turn(['human']) });
    expect(escalated).toMatchObject({
      answerQuality: null,
      humanCleanup: 1,
      escalated: true,
      routingCorrect: true,
      pass: true,
    });
    expect(score({ outcome: 'escalated', answer: null, quality: null }).pass).toBe(false);
  });

  it('keeps errored turns in every denominator with the worst value', () => {
    expect(score({ outcome: 'error', answer: null, quality: null })).toMatchObject({
      answerQuality: 0,
      humanCleanup: 1,
      delegationAttempted: true,
      fallback: true,
      'fallback.human': true,
      routingCorrect: false,
      pass: false,
    });
  });

  it('keeps errored turns of a strategy that never delegates out of the fallback denominator', () => {
    expect(score({ outcome: 'error', answer: null, quality: null, strategyDelegates: false })).toMatchObject({
      delegationAttempted: false,
      fallback: null,
      answerQuality: 0,
      humanCleanup: 1,
    });
  });

  it('gives no routing credit to a turn that failed before choosing a delegate', () => {
    expect(
      score({ outcome: 'failed', answer: null, quality: null, turn: turn(['general']) }).routingCorrect,
    ).toBe(false);
  });

  it('records the fallback rungs that ran', () => {
    expect(score({ delegations: [record('billing', ['retry', 'alternative'])] })).toMatchObject({
      fallback: true,
      'fallback.retry': true,
      'fallback.alternative': true,
      'fallback.self': false,
    });
  });

  it('has no fallback denominator for a turn that never delegated', () => {
    expect(score({})).toMatchObject({ delegationAttempted: false, fallback: null, 'fallback.retry': null });
  });

  it('needs every gold domain served for a multi-part turn to count as routed correctly', () => {
    expect(
      score({ turn: turn(['billing', 'orders']), delegations: [record('billing')] }).routingCorrect,
    ).toBe(false);
    expect(
      score({ turn: turn(['billing', 'orders']), delegations: [record('soporte-es')] }).routingCorrect,
    ).toBe(true);
  });

  it('credits the front desk with its own domains when nothing was delegated', () => {
    expect(score({ turn: turn(['general']) }).routingCorrect).toBe(true);
    expect(score({ turn: turn([]) }).routingCorrect).toBeNull();
  });
});
