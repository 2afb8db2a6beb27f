import { type Agent, createTeam, type Selector } from '@baton/core';
import { fakeAgent } from '@baton/core/testing';
import { describe, expect, it } from 'vitest';
import { exploreStrategy } from './explore-strategy.js';

const front = fakeAgent({ card: { id: 'desk', name: 'Desk', description: 'Front desk' }, reply: 'desk' });
const delegates = ['billing', 'orders', 'tech'].map((id) =>
  fakeAgent({ card: { id, name: id, description: id }, reply: id }),
) as Agent[];

async function armsOf(
  rounds: number,
  conversations: number,
  shortlist?: { selector: Selector; size: number },
) {
  const arms: string[][] = [];
  for (let conversation = 0; conversation < conversations; conversation += 1) {
    const turnArms: string[] = [];
    for (let round = 1; round <= rounds; round += 1) {
      const team = createTeam({
        front,
        delegates,
        strategy: exploreStrategy({ round, seed: 7, ...(shortlist ? { shortlist } : {}) }),
      });
      const result = await team.respond({
        message: 'hello',
        history: [],
        conversationId: `c${conversation}`,
        turnIndex: 0,
      });
      turnArms.push(result.respondedBy[0]!);
    }
    arms.push(turnArms);
  }
  return arms;
}

describe('exploreStrategy', () => {
  it('answers each turn with a different arm per round, the front agent among them, deterministically', async () => {
    const arms = await armsOf(4, 12);
    for (const turn of arms) expect(new Set(turn)).toEqual(new Set(['desk', 'billing', 'orders', 'tech']));
    expect(await armsOf(4, 12)).toEqual(arms);
    // The first round is not always the same arm: the order is random per turn.
    expect(new Set(arms.map((turn) => turn[0])).size).toBeGreaterThan(1);
  });

  it('explores only the shortlist of another selector, besides the front agent', async () => {
    const selector: Selector = {
      name: 'fixed',
      select: () => ({
        candidates: [
          { agentId: 'orders', score: 0.9 },
          { agentId: 'tech', score: 0.5 },
          { agentId: 'billing', score: 0.1 },
        ],
      }),
    };
    const arms = await armsOf(3, 6, { selector, size: 2 });
    for (const turn of arms) expect(new Set(turn)).toEqual(new Set(['desk', 'orders', 'tech']));
  });
});
