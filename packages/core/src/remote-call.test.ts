import { describe, expect, it } from 'vitest';
import { delegate } from './delegate.js';
import type { AttemptEndEvent, DelegationEvent } from './delegation-event.js';
import { failureLadder } from './failure-ladder.js';
import { Roster } from './roster.js';
import { RunScope } from './run-scope.js';
import { defineTask } from './task-spec.js';
import { fakeAgent } from './testing/fake-agent.js';

const card = (id: string) => ({ id, name: id, description: `${id} agent` });
const task = defineTask({ goal: 'Why was I charged twice?' });
const turn = { message: 'Why was I charged twice?', history: [] };
const candidates = [
  { agentId: 'billing', score: 0.9 },
  { agentId: 'accounts', score: 0.6 },
];

function setup(billing: ReturnType<typeof fakeAgent>) {
  const front = fakeAgent({ card: card('front'), reply: 'front did it' });
  const accounts = fakeAgent({ card: card('accounts'), reply: 'accounts did it' });
  const roster = new Roster({ front, delegates: [billing, accounts] });
  const events: DelegationEvent[] = [];
  const scope = new RunScope({ listener: (event) => events.push(event) });
  return { front, roster, events, scope };
}

describe('RunScope.reportRemote', () => {
  it('does nothing outside an attempt', () => {
    expect(() => new RunScope().reportRemote({ protocol: 'a2a', url: 'http://x' })).not.toThrow();
  });

  it('merges what a remote agent reports into its attempt record and attempt-end event', async () => {
    const billing = fakeAgent({
      card: card('billing'),
      reply: (_input, _call, scope) => {
        scope.reportRemote({ protocol: 'a2a', url: 'http://billing.test/' });
        scope.reportRemote({ protocol: 'a2a', url: 'http://billing.test/', taskId: 'task-1' });
        return 'billing did it';
      },
    });
    const { front, roster, events, scope } = setup(billing);
    const result = await delegate({
      task,
      turn,
      roster,
      delegator: front,
      candidates,
      reason: 'best match',
      strategy: 'test',
      scope,
    });
    expect(result.record.attempts[0]?.remote).toEqual({
      protocol: 'a2a',
      url: 'http://billing.test/',
      taskId: 'task-1',
    });
    const ended = events.find((event): event is AttemptEndEvent => event.type === 'attempt-end');
    expect(ended?.remote).toEqual({ protocol: 'a2a', url: 'http://billing.test/', taskId: 'task-1' });
  });

  it('keeps the remote task id of an attempt that timed out, and leaves local attempts without one', async () => {
    const billing = fakeAgent({
      card: card('billing'),
      reply: (_input, _call, scope) => {
        scope.reportRemote({ protocol: 'a2a', url: 'http://billing.test/', taskId: 'task-2' });
        // A remote that never answers: only the attempt's signal ends the wait.
        return new Promise<string>((_resolve, reject) => {
          scope.signal.addEventListener('abort', () => reject(scope.signal.reason), { once: true });
        });
      },
    });
    const { front, roster, scope } = setup(billing);
    const result = await delegate({
      task,
      turn,
      roster,
      delegator: front,
      candidates,
      reason: 'best match',
      strategy: 'test',
      scope,
      ladder: failureLadder({ retries: 0, alternatives: 1, self: false, human: false }),
      // A zero timeout fires on the next timer tick, after the agent reported its task.
      attemptTimeoutMs: 0,
    });
    expect(
      result.record.attempts.map((attempt) => [attempt.agentId, attempt.outcome, attempt.error?.code]),
    ).toEqual([
      ['billing', 'error', 'timeout'],
      ['accounts', 'accepted', undefined],
    ]);
    expect(result.record.attempts[0]?.remote).toEqual({
      protocol: 'a2a',
      url: 'http://billing.test/',
      taskId: 'task-2',
    });
    expect(result.record.attempts[1]).not.toHaveProperty('remote');
  });

  it('goes to the nearest attempt: a nested delegation records its own remote call', () => {
    const outer: string[] = [];
    const inner: string[] = [];
    const scope = new RunScope().child({ onRemote: (call) => outer.push(call.url) });
    scope.child().reportRemote({ protocol: 'a2a', url: 'http://wrapped' });
    scope
      .child({ onRemote: (call) => inner.push(call.url) })
      .reportRemote({ protocol: 'a2a', url: 'http://nested' });
    expect({ outer, inner }).toEqual({ outer: ['http://wrapped'], inner: ['http://nested'] });
  });
});
