import { describe, expect, it } from 'vitest';
import type { ReplayTurn } from '../replay-turn.js';
import { GoalTracker } from './goal-tracker.js';

function turn(turnIndex: number, nuggets: string[], reference: string | null = 'reply'): ReplayTurn {
  return {
    itemId: `c#${turnIndex}`,
    conversationId: 'c',
    turnIndex,
    input: 'question',
    history: [],
    reference,
    nuggets,
    nuggetSource: nuggets.length > 0 ? 'annotated' : 'none',
    gold: { domains: [] },
    metadata: {},
  };
}

describe('GoalTracker', () => {
  it('counts replies with nuggets as goals, and reaches one when the answers together convey enough', () => {
    const goals = new GoalTracker(
      [
        turn(0, ['we accept PayPal', 'invoices are under Orders', 'refunds take five days']),
        turn(2, []),
        turn(4, [], null),
      ],
      0.5,
    );
    expect(goals.goals.map((goal) => goal.turn.turnIndex)).toEqual([0]);
    expect(goals.observeAnswer('We accept PayPal.', 1)).toEqual([]);
    expect(goals.observeAnswer('Your invoices are under Orders.', 2)).toEqual([0]);
    expect(goals.complete).toBe(true);
    expect(goals.goals[0]!.reachedAt).toBe(2);
  });

  it('marks goals reached by the judge or by a correct escalation, once', () => {
    const goals = new GoalTracker([turn(0, ['a fact']), turn(2, ['another fact'])], 0.5);
    expect(goals.markReached([2], 1)).toEqual([2]);
    expect(goals.markReached([2], 2)).toEqual([]);
    expect(goals.reached).toBe(1);
    expect(goals.open().map((goal) => goal.turn.turnIndex)).toEqual([0]);
  });

  it('is never complete without goals', () => {
    expect(new GoalTracker([turn(0, [])], 0.5).complete).toBe(false);
  });
});
