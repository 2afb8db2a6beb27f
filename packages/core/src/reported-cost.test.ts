import { describe, expect, it } from 'vitest';
import { createLlmAgent } from './llm-agent.js';
import { routeLexical } from './route-lexical.js';
import { createTeam } from './team.js';
import { fakeAgent } from './testing/fake-agent.js';
import { scriptedChatModel } from './testing/scripted-chat-model.js';

const card = {
  id: 'billing',
  name: 'Billing',
  description: 'invoices refunds charges',
  domains: ['billing'],
  skills: [{ id: 'refunds', name: 'Refunds', description: 'refunds', examples: ['I was charged twice'] }],
};
const front = fakeAgent({ card: { id: 'front', name: 'Front', description: 'front desk' } });

describe('turn cost', () => {
  it('counts the cost and usage a delegate reports for work done outside the scope (a remote agent)', async () => {
    const remote = fakeAgent({
      card,
      reply: { text: 'Refund issued.', costUsd: 0.012, usage: { inputTokens: 300, outputTokens: 40 } },
    });
    const team = createTeam({ front, delegates: [remote], strategy: routeLexical() });
    const result = await team.respond({ message: 'I was charged twice, refund please', history: [] });
    expect(result.answer).toBe('Refund issued.');
    expect(result.costUsd).toBeCloseTo(0.012, 9);
    expect(result.usage).toEqual({ inputTokens: 300, outputTokens: 40 });
    expect(result.delegations[0]?.costUsd).toBeCloseTo(0.012, 9);
  });

  it('does not count twice what a delegate spent through the scope', async () => {
    const model = scriptedChatModel([
      { content: 'Refund issued.', costUsd: 0.004, usage: { inputTokens: 100, outputTokens: 10 } },
    ]);
    const agent = createLlmAgent({ card, model, instructions: 'Billing.' });
    const team = createTeam({ front, delegates: [agent], strategy: routeLexical() });
    const result = await team.respond({ message: 'I was charged twice, refund please', history: [] });
    expect(result.costUsd).toBeCloseTo(0.004, 9);
    expect(result.usage).toEqual({ inputTokens: 100, outputTokens: 10 });
  });
});
