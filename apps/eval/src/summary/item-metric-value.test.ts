import { describe, expect, it } from 'vitest';
import { makeItem } from './example-items.fixture.js';
import {
  customScoreValue,
  isCustomScoreName,
  isDelegationAttempted,
  itemMetricValue,
  itemNeedsCleanup,
} from './item-metric-value.js';

const base = { strategy: 's', conversationId: 'c', turnIndex: 0 };

describe('itemMetricValue', () => {
  it('keeps an errored turn without scores in every denominator, as a failure', () => {
    const errored = makeItem({ ...base, outcome: 'error', scores: {} });
    expect(itemMetricValue(errored, 'answerQuality')).toBe(0);
    expect(itemMetricValue(errored, 'fallbackRate')).toBe(1);
    expect(itemMetricValue(errored, 'escalationRate')).toBe(0);
    expect(itemMetricValue(errored, 'humanCleanup')).toBe(1);
    expect(itemMetricValue(errored, 'passRate')).toBe(0);
    expect(itemNeedsCleanup(errored)).toBe(true);
    expect(isDelegationAttempted(errored)).toBe(true);
    // Routing has no gold to compare with, so the turn stays unlabelled.
    expect(itemMetricValue(errored, 'routingAccuracy')).toBeNull();
  });

  it('leaves an escalated turn out of quality even when a score slipped in', () => {
    const escalated = makeItem({ ...base, outcome: 'escalated', scores: { answerQuality: 0.9 } });
    expect(itemMetricValue(escalated, 'answerQuality')).toBeNull();
    expect(itemMetricValue(escalated, 'escalationRate')).toBe(1);
    expect(itemMetricValue(escalated, 'humanCleanup')).toBe(1);
  });

  it('uses the runner scores of an answered turn as they are', () => {
    const answered = makeItem({
      ...base,
      scores: {
        answerQuality: 0.4,
        humanCleanup: 0.25,
        delegationAttempted: true,
        fallback: false,
        routingCorrect: false,
        pass: true,
      },
    });
    expect(itemMetricValue(answered, 'answerQuality')).toBe(0.4);
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
    const item = makeItem({ ...base, scores: { politeness: 0.5, grounded: false, tone: 'warm' } });
    expect(customScoreValue(item, 'politeness')).toBe(0.5);
    expect(customScoreValue(item, 'grounded')).toBe(0);
    expect(customScoreValue(item, 'tone')).toBeNull();
    expect(customScoreValue(item, 'missing')).toBeNull();
  });
});
