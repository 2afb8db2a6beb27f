import type { DelegationRecord } from '@baton/core';
import { Roster } from '@baton/core';
import { fakeAgent } from '@baton/core/testing';
import { describe, expect, it } from 'vitest';
import { humanCleanup } from './metrics/translation-edit-rate.js';
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

const reference = 'Refunds take 5–10 business days to reach the card.';
const turn = (domains: string[], fields: Partial<ReplayTurn> = {}): ReplayTurn => ({
  itemId: 'c#0',
  conversationId: 'c',
  turnIndex: 0,
  input: 'How long does a refund take?',
  history: [],
  reference,
  nuggets: ['refunds take 5–10 business days'],
  nuggetSource: 'annotated',
  gold: { domains },
  metadata: {},
  ...fields,
});
/** A labelled user turn nobody answered in the recording: routing and escalation only. */
const routingOnly = (domains: string[]): ReplayTurn =>
  turn(domains, { reference: null, nuggets: [], nuggetSource: 'none' });
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
const scored = (options: Partial<Parameters<typeof scoreItem>[0]>) =>
  scoreItem({
    turn: turn(['billing']),
    outcome: 'answered',
    answer: reference,
    delegations: [],
    quality: 1,
    roster,
    thresholds,
    ...options,
  });
const score = (options: Partial<Parameters<typeof scoreItem>[0]>) => scored(options).scores;
const failure = { answer: null, quality: null } as const;

describe('scoreItem', () => {
  it('scores a perfect routed answer', () => {
    const { scores, cleanupTarget } = scored({ delegations: [record('billing')] });
    expect(scores).toMatchObject({
      answerQuality: 1,
      answeredQuality: 1,
      tokenF1: 1,
      humanCleanup: 0,
      needsCleanup: false,
      recordedHter: null,
      delegationAttempted: true,
      fallback: false,
      delegationFailed: false,
      escalated: false,
      unnecessaryEscalation: false,
      missedEscalation: null,
      routingCorrect: true,
      pass: true,
      'fallback.retry': false,
    });
    expect(cleanupTarget).toEqual({ target: reference, method: 'targeted-reference' });
  });

  it('measures cleanup against a targeted reference, not the human’s own wording', () => {
    // Correct and shorter: nothing to edit, although TER against the human's text is not 0.
    const short = 'Refunds take 5–10 business days.';
    expect(humanCleanup(short, reference)).toBeGreaterThan(0.3);
    expect(score({ answer: short }).humanCleanup).toBe(0);
    // A wrong number: the sentence is rewritten into the reference's, one substitution in its ten
    // words ("5–10" is two).
    const wrong = 'Refunds take 5–15 business days to reach the card.';
    expect(scored({ answer: wrong, quality: 0 })).toEqual({
      scores: expect.objectContaining({
        humanCleanup: 0.1,
        needsCleanup: false,
        answerQuality: 0,
        pass: false,
      }),
      cleanupTarget: { target: reference, method: 'targeted-reference' },
    });
  });

  it('measures cleanup against the judge’s post-edit when the judge wrote one', () => {
    const postEdit = 'Refunds take 5–10 business days, usually 5.';
    const { scores, cleanupTarget } = scored({ answer: 'Refunds take 5–10 business days.', postEdit });
    // Two insertions ("usually", "5") over the post-edit's 8 words ("5–10" is two).
    expect(scores.humanCleanup).toBe(0.25);
    expect(cleanupTarget).toEqual({ target: postEdit, method: 'judge-post-edit' });
  });

  it('leaves cleanup out when the judge wrote no post-edit (its judgement failed)', () => {
    const { scores, cleanupTarget } = scored({
      answer: 'Refunds take 5–10 business days.',
      quality: null,
      postEdit: null,
    });
    expect(scores.humanCleanup).toBeNull();
    expect(scores.needsCleanup).toBeNull();
    expect(cleanupTarget).toBeUndefined();
  });

  it('scores an escalation by the gold label: 1 when a human was needed, else 0', () => {
    const escalated = { outcome: 'escalated', answer: null, quality: null } as const;
    expect(score({ ...escalated, turn: turn(['human']) })).toMatchObject({
      answerQuality: 1,
      answeredQuality: null,
      tokenF1: null,
      humanCleanup: 1,
      needsCleanup: true,
      escalated: true,
      unnecessaryEscalation: null,
      missedEscalation: false,
      routingCorrect: true,
      pass: true,
    });
    expect(score(escalated)).toMatchObject({
      answerQuality: 0,
      humanCleanup: 1,
      unnecessaryEscalation: true,
      missedEscalation: null,
      routingCorrect: false,
      pass: false,
    });
    // Unlabelled: no gold says a human was needed, so the escalation is not credited, nor blamed.
    expect(score({ ...escalated, turn: turn([]) })).toMatchObject({
      answerQuality: 0,
      unnecessaryEscalation: null,
      missedEscalation: null,
      routingCorrect: null,
      pass: false,
    });
  });

  it('flags an answer to a turn that needed a human as a missed escalation', () => {
    expect(score({ turn: turn(['human', 'billing']), quality: 0.5 })).toMatchObject({
      answerQuality: 0.5,
      answeredQuality: 0.5,
      escalated: false,
      unnecessaryEscalation: null,
      missedEscalation: true,
      routingCorrect: false,
    });
  });

  it('keeps an errored turn in every denominator with the worst value, as a failed delegation', () => {
    expect(score({ outcome: 'error', ...failure })).toMatchObject({
      answerQuality: 0,
      answeredQuality: null,
      tokenF1: 0,
      humanCleanup: 1,
      needsCleanup: true,
      delegationAttempted: true,
      fallback: true,
      delegationFailed: true,
      // It ran no rung of the ladder: the per-rung flags say so.
      'fallback.retry': false,
      'fallback.alternative': false,
      'fallback.self': false,
      'fallback.human': false,
      routingCorrect: false,
      pass: false,
    });
  });

  it('counts a failed turn of a delegating strategy as attempted and as a fallback, with the rungs it ran', () => {
    const failed = score({ outcome: 'failed', ...failure, delegations: [record('billing', ['retry'])] });
    expect(failed).toMatchObject({
      answerQuality: 0,
      humanCleanup: 1,
      delegationAttempted: true,
      fallback: true,
      delegationFailed: true,
      'fallback.retry': true,
      'fallback.alternative': false,
      pass: false,
    });
    // Failed before anything was delegated: still in the fallback denominator.
    expect(score({ outcome: 'failed', ...failure })).toMatchObject({
      delegationAttempted: true,
      fallback: true,
      delegationFailed: true,
      'fallback.retry': false,
    });
  });

  it('keeps errored turns of a strategy that never delegates out of the fallback denominator', () => {
    expect(score({ outcome: 'error', ...failure, strategyDelegates: false })).toMatchObject({
      delegationAttempted: false,
      fallback: null,
      delegationFailed: null,
      'fallback.retry': null,
      answerQuality: 0,
      humanCleanup: 1,
    });
  });

  it('gives no routing credit to a turn that failed before choosing a delegate', () => {
    expect(score({ outcome: 'failed', ...failure, turn: turn(['general']) }).routingCorrect).toBe(false);
  });

  it('records the fallback rungs that ran', () => {
    expect(score({ delegations: [record('billing', ['retry', 'alternative'])] })).toMatchObject({
      fallback: true,
      delegationFailed: false,
      'fallback.retry': true,
      'fallback.alternative': true,
      'fallback.self': false,
    });
  });

  it('has no fallback denominator for a turn that never delegated', () => {
    expect(score({})).toMatchObject({
      delegationAttempted: false,
      fallback: null,
      delegationFailed: null,
      'fallback.retry': null,
    });
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

  it('scores routing and escalation of a routing-only turn, and leaves quality and cleanup out', () => {
    const { scores, cleanupTarget } = scored({
      turn: routingOnly(['billing']),
      quality: null,
      delegations: [record('billing')],
    });
    expect(scores).toMatchObject({
      answerQuality: null,
      answeredQuality: null,
      tokenF1: null,
      humanCleanup: null,
      needsCleanup: null,
      delegationAttempted: true,
      escalated: false,
      unnecessaryEscalation: false,
      missedEscalation: null,
      routingCorrect: true,
      pass: null,
    });
    expect(cleanupTarget).toBeUndefined();
    expect(
      score({ turn: routingOnly(['human']), outcome: 'escalated', answer: null, quality: null }),
    ).toMatchObject({
      answerQuality: null,
      humanCleanup: null,
      escalated: true,
      missedEscalation: false,
      routingCorrect: true,
    });
  });

  it('measures cleanup but not quality of a reply without nuggets', () => {
    const noNuggets = turn(['billing'], { nuggets: [], nuggetSource: 'none' });
    expect(score({ turn: noNuggets, quality: null })).toMatchObject({
      answerQuality: null,
      answeredQuality: null,
      tokenF1: 1,
      humanCleanup: 0,
      pass: null,
    });
  });

  it('leaves an answer the quality scorer could not judge without quality or pass', () => {
    expect(score({ quality: null })).toMatchObject({
      answerQuality: null,
      answeredQuality: null,
      pass: null,
    });
  });

  it('gives the recorded row the true HTER of its draft against the human’s final', () => {
    const draft = 'Refunds take 5–10 days to reach the card.';
    const withDraft = turn(['billing'], { recordedDraft: draft });
    const recorded = score({ turn: withDraft, answer: draft, role: 'recorded', strategyDelegates: false });
    // The human inserted "business": 1 edit over the final's 10 words ("5–10" is two).
    expect(recorded.recordedHter).toBe(0.1);
    expect(recorded.routingCorrect).toBeNull();
    // Only the recorded row: a strategy or a probe answering the same turn has no recorded HTER.
    expect(score({ turn: withDraft, answer: draft }).recordedHter).toBeNull();
    expect(score({ turn: withDraft, answer: draft, role: 'probe' })).toMatchObject({
      recordedHter: null,
      routingCorrect: null,
    });
  });
});
