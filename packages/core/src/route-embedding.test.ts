import { describe, expect, it } from 'vitest';
import type { DelegationEvent } from './delegation-event.js';
import { embeddingSelector } from './embedding-selector.js';
import { routeEmbedding } from './route-embedding.js';
import { RunScope } from './run-scope.js';
import { createTeam } from './team.js';
import { fakeAgent } from './testing/fake-agent.js';
import { scriptedEmbeddingModel } from './testing/scripted-embedding-model.js';

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
const front = fakeAgent({
  card: { id: 'front', name: 'Front', description: 'front desk' },
  reply: 'front answered',
});
// Two topics, two axes: an offline stand-in for a real embedding model.
const vectorOf = (text: string) => [
  /invoice|refund|charged/i.test(text) ? 1 : 0,
  /printer|reader/i.test(text) ? 1 : 0,
];

describe('routeEmbedding', () => {
  it('routes by embedding similarity, with its calls in the events and charged to the turn', async () => {
    const model = scriptedEmbeddingModel(vectorOf, { costUsdPerToken: 0.001 });
    const events: DelegationEvent[] = [];
    const team = createTeam({
      front,
      delegates: [billing, technical],
      strategy: routeEmbedding({ model }),
      onEvent: (event) => events.push(event),
    });
    const result = await team.respond({ message: 'My card reader will not pair', history: [] });
    expect(result.answer).toBe('technical answered');
    expect(result.delegations[0]?.chosenAgentId).toBe('technical');
    const calls = events.filter((event) => event.type === 'embedding-call-end');
    // The request, then each card once.
    expect(calls.map((event) => event.agentId)).toEqual(['front', 'billing', 'technical']);
    expect(events.filter((event) => event.type === 'embedding-call-start')).toHaveLength(3);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.costUsd).toBeCloseTo(result.usage.inputTokens * 0.001, 6);
  });

  it('pays for no embedding when the allowlist leaves no delegate to compare with', async () => {
    const model = scriptedEmbeddingModel(vectorOf);
    const scope = new RunScope();
    const selection = await embeddingSelector({ model }).select(
      {
        text: 'My card reader will not pair',
        language: 'en',
        turn: { message: 'x', history: [] },
        front,
        candidates: [],
      },
      scope,
    );
    expect(selection).toEqual({ candidates: [], reason: 'no candidates' });
    expect(model.requests).toHaveLength(0);
  });

  it('refuses the embedding call when the turn’s token budget cannot afford it', async () => {
    const model = scriptedEmbeddingModel(vectorOf);
    const team = createTeam({
      front,
      delegates: [billing, technical],
      strategy: routeEmbedding({ model }),
      limits: { budget: { tokens: 2 } },
    });
    const result = await team.respond({ message: 'My card reader will not pair with the till', history: [] });
    expect(result.outcome).toBe('failed');
    expect(result.error?.code).toBe('budget-exceeded');
    expect(model.requests).toHaveLength(0);
  });
});
