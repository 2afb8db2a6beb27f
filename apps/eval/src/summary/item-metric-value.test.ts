import { describe, expect, it } from 'vitest';
import { makeItem } from './example-items.fixture.js';
import {
  customScoreValue,
  isCustomScoreName,
  isDelegationAttempted,
  isDelegationFailed,
  itemMetricValue,
  itemNeedsCleanup,
  ranFallbackRung,
} from './item-metric-value.js';

const base = { strategy: 's', conversationId: 'c', turnIndex: 0 };

describe('itemMetricValue', () => {
  it('keeps an errored turn without scores in every quality denominator, as a failure', () => {
    const errored = makeItem({ ...base, outcome: 'error', scores: {} });
    expect(itemMetricValue(errored, 'answerQuality')).toBe(0);
    expect(itemMetricValue(errored, 'escalationRate')).toBe(0);
    expect(itemMetricValue(errored, 'humanCleanup')).toBe(1);
    expect(itemMetricValue(errored, 'passRate')).toBe(0);
    expect(itemNeedsCleanup(errored)).toBe(true);
    // Whether it was a failed delegation is the runner's call (it knows whether the strategy
    // delegates): without the flag the turn is outside the fallback denominator.
    expect(isDelegationAttempted(errored)).toBe(false);
    expect(itemMetricValue(errored, 'fallbackRate')).toBeNull();
    // Routing has no gold to compare with, so the turn stays unlabelled.
    expect(itemMetricValue(errored, 'routingAccuracy')).toBeNull();
    // Answered-only quality has no answer to read.
    expect(itemMetricValue(errored, 'answeredQuality')).toBeNull();
  });

  it('counts a failed delegation the runner flagged as attempted and as a fallback', () => {
    const failed = makeItem({
      ...base,
      outcome: 'failed',
      scores: { delegationAttempted: true, fallback: true, delegationFailed: true, 'fallback.retry': false },
    });
    expect(isDelegationAttempted(failed)).toBe(true);
    expect(isDelegationFailed(failed)).toBe(true);
    expect(itemMetricValue(failed, 'fallbackRate')).toBe(1);
    expect(ranFallbackRung(failed, 'retry')).toBe(false);
  });

  it('leaves a failed routing-only turn out of quality, cleanup and pass', () => {
    const routingOnly = makeItem({ ...base, outcome: 'failed', reference: null, scores: {} });
    expect(itemMetricValue(routingOnly, 'answerQuality')).toBeNull();
    expect(itemMetricValue(routingOnly, 'humanCleanup')).toBeNull();
    expect(itemMetricValue(routingOnly, 'passRate')).toBeNull();
    expect(itemNeedsCleanup(routingOnly)).toBeNull();
    expect(itemMetricValue(routingOnly, 'escalationRate')).toBe(0);
  });

  it('takes an escalated turn’s quality from its score: 1 when a human was needed, else 0', () => {
    const needed = makeItem({ ...base, outcome: 'escalated', scores: { answerQuality: 1, escalated: true } });
    expect(itemMetricValue(needed, 'answerQuality')).toBe(1);
    expect(itemMetricValue(needed, 'answeredQuality')).toBeNull();
    expect(itemMetricValue(needed, 'escalationRate')).toBe(1);
    expect(itemMetricValue(needed, 'humanCleanup')).toBe(1);
    const unnecessary = makeItem({
      ...base,
      outcome: 'escalated',
      scores: { answerQuality: 0, unnecessaryEscalation: true, missedEscalation: null },
    });
    expect(itemMetricValue(unnecessary, 'answerQuality')).toBe(0);
    expect(itemMetricValue(unnecessary, 'unnecessaryEscalationRate')).toBe(1);
    expect(itemMetricValue(unnecessary, 'missedEscalationRate')).toBeNull();
  });

  it('uses the runner scores of an answered turn as they are', () => {
    const answered = makeItem({
      ...base,
      scores: {
        answerQuality: 0.4,
        answeredQuality: 0.4,
        tokenF1: 0.3,
        humanCleanup: 0.25,
        recordedHter: 0.5,
        unnecessaryEscalation: false,
        delegationAttempted: true,
        fallback: false,
        routingCorrect: false,
        pass: true,
      },
    });
    expect(itemMetricValue(answered, 'answerQuality')).toBe(0.4);
    expect(itemMetricValue(answered, 'answeredQuality')).toBe(0.4);
    expect(itemMetricValue(answered, 'tokenF1')).toBe(0.3);
    expect(itemMetricValue(answered, 'recordedHter')).toBe(0.5);
    expect(itemMetricValue(answered, 'unnecessaryEscalationRate')).toBe(0);
    expect(itemMetricValue(answered, 'missedEscalationRate')).toBeNull();
    expect(itemMetricValue(answered, 'humanCleanup')).toBe(0.25);
    expect(itemMetricValue(answered, 'fallbackRate')).toBe(0);
    expect(itemMetricValue(answered, 'routingAccuracy')).toBe(0);
    expect(itemMetricValue(answered, 'passRate')).toBe(1);
    expect(itemNeedsCleanup(answered)).toBeNull();
  });

  it('leaves a turn that did not delegate out of the fallback rate', () => {
    const solo = makeItem({ ...base, scores: { delegationAttempted: false, fallback: false } });
    expect(itemMetricValue(solo, 'fallbackRate')).toBeNull();
  });
});

describe('custom scores', () => {
  it('recognises pluggable scorer names and reads numbers and pass/fail', () => {
    expect(isCustomScoreName('politeness')).toBe(true);
    expect(isCustomScoreName('answerQuality')).toBe(false);
    expect(isCustomScoreName('fallback.retry')).toBe(false);
    expect(isCustomScoreName('delegationFailed')).toBe(false);
    expect(isCustomScoreName('recordedHter')).toBe(false);
    const item = makeItem({ ...base, scores: { politeness: 0.5, grounded: false, tone: 'warm' } });
    expect(customScoreValue(item, 'politeness')).toBe(0.5);
    expect(customScoreValue(item, 'grounded')).toBe(0);
    expect(customScoreValue(item, 'tone')).toBeNull();
    expect(customScoreValue(item, 'missing')).toBeNull();
  });
});
