import type { DelegationRecord } from '@baton/core';
import { describe, expect, it } from 'vitest';
import type { ItemResult } from '../item-result.js';
import { makeItem } from '../summary/example-items.fixture.js';
import { buildDelegateProfile, measuredAgentOf } from './build-profile.js';
import { profileDigest } from './profile-digest.js';

function record(chosen: string | null, depth = 1): DelegationRecord {
  return {
    id: `del-${chosen}`,
    mode: 'delegate',
    strategy: 'explore-1',
    delegatorId: 'desk',
    depth,
    task: { goal: 'g' },
    candidates: chosen ? [{ agentId: chosen, score: 1 }] : [],
    chosenAgentId: chosen,
    reason: 'r',
    context: { policy: 'last', messages: 0, characters: 0, redactions: 0 },
    attempts: [],
    fallbacks: [],
    outcome: 'completed',
    excluded: [],
    usage: { inputTokens: 0, outputTokens: 0 },
    costUsd: 0,
    latencyMs: 0,
    startedAt: 0,
  };
}

/** One measured turn: who it measures, its quality, its gold labels. */
function turn(options: {
  strategy?: string;
  conversation: string;
  index: number;
  agent: string | null;
  quality: number;
  domains?: string[];
  language?: string;
  intent?: string;
  latencyMs?: number;
}): ItemResult {
  const item = makeItem({
    strategy: options.strategy ?? 'explore-1',
    conversationId: options.conversation,
    turnIndex: options.index,
    latencyMs: options.latencyMs ?? 100,
    scores: {
      answerQuality: options.quality,
      delegationAttempted: options.agent !== 'desk',
      fallback: false,
      escalated: false,
    },
    domains: options.domains ?? ['billing'],
  });
  return {
    ...item,
    gold: {
      domains: options.domains ?? ['billing'],
      language: options.language ?? 'en',
      ...(options.intent ? { intent: options.intent } : {}),
    },
    respondedBy: [options.agent ?? 'desk'],
    delegations: options.agent === 'desk' ? [] : [record(options.agent)],
  };
}

const options = { seed: 1, resamples: 200, runs: ['train-run'], quality: 'nugget recall', split: 'train' };

describe('measuredAgentOf', () => {
  it('names the first choice of the one top-level delegation, or the agent that answered without one', () => {
    expect(measuredAgentOf(turn({ conversation: 'c1', index: 0, agent: 'billing', quality: 1 }))).toBe(
      'billing',
    );
    expect(measuredAgentOf(turn({ conversation: 'c1', index: 0, agent: 'desk', quality: 1 }))).toBe('desk');
    const split = turn({ conversation: 'c1', index: 0, agent: 'billing', quality: 1 });
    expect(measuredAgentOf({ ...split, delegations: [record('billing'), record('orders')] })).toBeUndefined();
    expect(measuredAgentOf({ ...split, delegations: [record('billing'), record('orders', 2)] })).toBe(
      'billing',
    );
    expect(measuredAgentOf({ ...split, strategy: 'echo' })).toBeUndefined();
    expect(
      measuredAgentOf({ ...split, delegations: [], outcome: 'escalated', respondedBy: ['human'] }),
    ).toBeUndefined();
  });
});

describe('buildDelegateProfile', () => {
  const items = [
    turn({
      conversation: 'c1',
      index: 0,
      agent: 'billing',
      quality: 0.8,
      intent: 'refund-late',
      latencyMs: 100,
    }),
    turn({
      conversation: 'c1',
      index: 2,
      agent: 'billing',
      quality: 0.4,
      language: 'de',
      intent: 'invoice-copy',
    }),
    turn({ conversation: 'c2', index: 0, agent: 'orders', quality: 0, domains: ['billing', 'orders'] }),
    turn({
      conversation: 'c3',
      index: 0,
      agent: 'desk',
      quality: 0.2,
      domains: ['general'],
      intent: 'thanks',
    }),
    // The same turn measured for billing by a second strategy: one unit, the mean of both.
    turn({
      strategy: 'explore-2',
      conversation: 'c1',
      index: 0,
      agent: 'billing',
      quality: 0.6,
      intent: 'refund-late',
      latencyMs: 300,
    }),
    // Rows measure no agent and say nothing about conversations.
    { ...turn({ conversation: 'c9', index: 0, agent: 'desk', quality: 1 }), strategy: 'recorded' },
  ];

  it('measures each agent overall and per domain, language and intent cluster, with n and interval', () => {
    const profile = buildDelegateProfile(items, options);
    expect(profile.agents.map((agent) => agent.agentId)).toEqual(['billing', 'desk', 'orders']);
    const billing = profile.agents[0]!;
    expect(billing.overall.quality).toEqual({
      mean: 0.55,
      ci95: [expect.any(Number), expect.any(Number)],
      n: 2,
    });
    expect(billing.overall.latencyMs.mean).toBe(150);
    expect(
      billing.slices.map((slice) => [
        slice.dimension,
        slice.value,
        slice.metrics.quality.n,
        slice.metrics.quality.mean,
      ]),
    ).toEqual([
      ['domain', 'billing', 2, 0.55],
      ['language', 'de', 1, 0.4],
      ['language', 'en', 1, 0.7],
      ['intent', 'invoice', 1, 0.4],
      ['intent', 'refund', 1, 0.7],
    ]);
    const orders = profile.agents[2]!;
    expect(orders.slices.filter((slice) => slice.dimension === 'domain').map((slice) => slice.value)).toEqual(
      ['billing', 'orders'],
    );
  });

  it('lists the conversations it was measured on, sorted, with their digest and what the items were', () => {
    const profile = buildDelegateProfile(items, options);
    expect(profile.source).toEqual({
      runs: ['train-run'],
      strategies: ['explore-1', 'explore-2'],
      split: 'train',
      items: 5,
      conversations: ['c1', 'c2', 'c3'],
      digest: profileDigest(['c1', 'c2', 'c3']),
    });
    expect(profile).toMatchObject({ version: 1, quality: 'nugget recall', seed: 1, resamples: 200 });
  });

  it('gives the same profile whatever the order of the items', () => {
    const forward = buildDelegateProfile(items, options);
    const backward = buildDelegateProfile([...items].reverse(), options);
    expect(JSON.stringify(backward)).toBe(JSON.stringify(forward));
  });
});
