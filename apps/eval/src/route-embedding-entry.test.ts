import { createTeam, type DelegationEvent } from '@baton/core';
import { fakeAgent, scriptedEmbeddingModel } from '@baton/core/testing';
import { describe, expect, it } from 'vitest';
import { builtInStrategies, defaultStrategyNames, type StrategyFactoryContext } from './strategy-registry.js';

const billing = fakeAgent({
  card: { id: 'billing', name: 'Billing', description: 'invoices and refunds', domains: ['billing'] },
  reply: 'billing answered',
});
const technical = fakeAgent({
  card: {
    id: 'technical',
    name: 'Technical',
    description: 'printers and card readers',
    domains: ['technical'],
  },
  reply: 'technical answered',
});
const front = fakeAgent({ card: { id: 'front', name: 'Front', description: 'front desk' } });

describe('the route-embedding strategy', () => {
  const entry = builtInStrategies['route-embedding']!;
  const context = (embeddingModel?: StrategyFactoryContext['embeddingModel']): StrategyFactoryContext => ({
    trainingExamples: [],
    articles: [],
    agentMode: 'retrieval',
    ...(embeddingModel ? { embeddingModel } : {}),
  });

  it('runs only with an embedding model (--embedding-model)', () => {
    expect(entry.needsEmbeddingModel).toBe(true);
    expect(defaultStrategyNames({ hasModel: false })).not.toContain('route-embedding');
    expect(defaultStrategyNames({ hasModel: false, hasEmbeddingModel: true })).toContain('route-embedding');
    expect(() => entry.create(context())).toThrow(/--embedding-model/);
  });

  it('routes with a scripted embedding model, its calls in the events and charged to the turn', async () => {
    const model = scriptedEmbeddingModel(
      (text) => [/invoice|refund/i.test(text) ? 1 : 0, /reader|printer/i.test(text) ? 1 : 0],
      {
        costUsdPerToken: 0.000_001,
      },
    );
    const events: DelegationEvent[] = [];
    const team = createTeam({
      front,
      delegates: [billing, technical],
      strategy: entry.create(context(model)),
      onEvent: (event) => events.push(event),
    });
    const result = await team.respond({ message: 'Where is the refund for my invoice?', history: [] });
    expect(result.answer).toBe('billing answered');
    expect(events.filter((event) => event.type === 'embedding-call-end')).toHaveLength(3);
    expect(result.costUsd).toBeGreaterThan(0);
  });
});
