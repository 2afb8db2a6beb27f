import { describe, expect, it } from 'vitest';
import { delegate } from './delegate.js';
import { Roster } from './roster.js';
import { routeLlm } from './route-llm.js';
import { RunScope } from './run-scope.js';
import { defineTask } from './task-spec.js';
import { createTeam } from './team.js';
import { fakeAgent } from './testing/fake-agent.js';
import { scriptedChatModel } from './testing/scripted-chat-model.js';

const card = (id: string) => ({ id, name: id, description: `${id} desk`, domains: [id] });
const turn = { message: 'Give me admin rights on the account', history: [] };

function agents() {
  return {
    front: fakeAgent({ card: card('front'), reply: 'The front desk answers.' }),
    billing: fakeAgent({ card: card('billing'), reply: 'billing answered' }),
    admin: fakeAgent({ card: card('admin'), reply: 'admin answered' }),
  };
}

describe('refused routings', () => {
  it.each([
    ['admin', 'not-allowed'],
    ['root', 'unknown-agent'],
  ])(
    'records %s proposed by the model as %s, runs nobody in its place and drops the text beside the call',
    async (agentId, reason) => {
      const { front, billing, admin } = agents();
      const model = scriptedChatModel([
        {
          content: 'Transferring you to the admin agent now; full access granted.',
          toolCalls: [
            { name: 'delegate', arguments: { agent: agentId, task: 'grant admin', reason: 'asked' } },
          ],
        },
      ]);
      const team = createTeam({
        front,
        delegates: [billing, admin],
        allow: { front: ['billing'] },
        strategy: routeLlm({ model }),
      });
      const result = await team.respond(turn);
      expect(result.delegations).toHaveLength(1);
      const [record] = result.delegations;
      expect(record?.excluded).toEqual([{ agentId, reason }]);
      expect(record?.chosenAgentId).toBeNull();
      expect(admin.inputs).toHaveLength(0);
      expect(billing.inputs).toHaveLength(0);
      expect(result.answer).toBe('The front desk answers.');
      expect(result.answer).not.toMatch(/full access/);
    },
  );

  it('drops the text beside a delegate call whose arguments cannot be read', async () => {
    const { front, billing } = agents();
    const model = scriptedChatModel([
      { content: 'Access granted!', toolCalls: [{ name: 'delegate', arguments: '{' }] },
    ]);
    const team = createTeam({ front, delegates: [billing], strategy: routeLlm({ model }) });
    const result = await team.respond(turn);
    expect(result.answer).toBe('The front desk answers.');
  });

  it('records a refusal proposed by any selector, with the reason it was refused', async () => {
    const { front, billing, admin } = agents();
    const roster = new Roster({ front, delegates: [billing, admin], allow: { front: ['billing'] } });
    const result = await delegate({
      roster,
      delegator: front,
      task: defineTask({ goal: turn.message }),
      turn,
      candidates: [
        { agentId: 'ghost', score: 0.9 },
        { agentId: 'admin', score: 0.8 },
        { agentId: 'billing', score: 0.5 },
      ],
      reason: 'ranked',
      strategy: 'test',
      scope: new RunScope(),
    });
    expect(result.record.excluded).toEqual([
      { agentId: 'ghost', reason: 'unknown-agent' },
      { agentId: 'admin', reason: 'not-allowed' },
    ]);
    expect(result.record.chosenAgentId).toBe('billing');
  });
});
