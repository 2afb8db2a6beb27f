import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { delegate } from './delegate.js';
import { failureLadder } from './failure-ladder.js';
import { Roster } from './roster.js';
import { RunScope } from './run-scope.js';
import { defineTask } from './task-spec.js';
import { fakeAgent } from './testing/fake-agent.js';

const card = (id: string) => ({ id, name: id, description: `${id} desk`, domains: [id] });
const turn = { message: 'Where is my refund?', history: [] };

/** A delegate that takes `ms` and reports whether its signal fired while it worked. */
function slowAgent(ms: number) {
  const seen: { aborted: boolean; reason?: unknown } = { aborted: false };
  const agent = fakeAgent({
    card: card('billing'),
    reply: (_input, _call, scope) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => resolve('Your refund is on its way.'), ms);
        scope.signal.addEventListener(
          'abort',
          () => {
            seen.aborted = true;
            seen.reason = scope.signal.reason;
            clearTimeout(timer);
            reject(scope.signal.reason);
          },
          { once: true },
        );
      }),
  });
  return { agent, seen };
}

describe('deadlines and wall-time budgets', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  async function run(task: ReturnType<typeof defineTask>, agentMs: number) {
    const front = fakeAgent({ card: card('front') });
    const { agent, seen } = slowAgent(agentMs);
    const roster = new Roster({ front, delegates: [agent] });
    let settled = false;
    const pending = delegate({
      roster,
      delegator: front,
      task,
      turn,
      candidates: [{ agentId: 'billing', score: 1 }],
      reason: 'best',
      strategy: 'test',
      scope: new RunScope(),
      ladder: failureLadder({ retries: 1, alternatives: 0, self: false, human: true }),
    }).finally(() => {
      settled = true;
    });
    return { pending, seen, isSettled: () => settled };
  }

  it('aborts the running attempt when the task deadline passes, and the record says so', async () => {
    const { pending, seen, isSettled } = await run(
      defineTask({ goal: turn.message, deadline: Date.now() + 200 }),
      600,
    );
    await vi.advanceTimersByTimeAsync(199);
    expect(seen.aborted).toBe(false);
    expect(isSettled()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.aborted).toBe(true);
    const result = await pending;
    expect(result.record.attempts).toHaveLength(1);
    expect(result.record.attempts[0]).toMatchObject({
      outcome: 'error',
      error: { code: 'deadline-exceeded' },
    });
    expect(result.record.attempts[0]?.error?.message).toMatch(/deadline .* passed while billing was running/);
    // Out of time: no retry runs, the human rung takes over.
    expect(result.record.fallbacks.map((step) => step.rung)).toEqual(['human']);
    expect(result.record.task.deadline).toBeDefined();
  });

  it('aborts the running attempt when its wall-time budget runs out', async () => {
    const { pending, seen } = await run(defineTask({ goal: turn.message, budget: { wallTimeMs: 300 } }), 400);
    await vi.advanceTimersByTimeAsync(299);
    expect(seen.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.aborted).toBe(true);
    const result = await pending;
    expect(result.record.attempts[0]).toMatchObject({ outcome: 'error', error: { code: 'budget-exceeded' } });
    expect(result.record.attempts[0]?.error?.message).toMatch(
      /wall-time budget ran out while billing was running/,
    );
    expect(result.record.task.budget).toEqual({ wallTimeMs: 300 });
  });

  it('lets an attempt that finishes within its limits through, leaving no timer behind', async () => {
    const { pending, seen } = await run(
      defineTask({ goal: turn.message, deadline: Date.now() + 500, budget: { wallTimeMs: 500 } }),
      100,
    );
    await vi.advanceTimersByTimeAsync(100);
    const result = await pending;
    expect(seen.aborted).toBe(false);
    expect(result.record.outcome).toBe('completed');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('aborts through a parent scope’s wall-time budget too', async () => {
    const front = fakeAgent({ card: card('front') });
    const { agent, seen } = slowAgent(1_000);
    const roster = new Roster({ front, delegates: [agent] });
    const scope = new RunScope().child({ budget: { wallTimeMs: 250 } });
    const pending = delegate({
      roster,
      delegator: front,
      task: defineTask({ goal: turn.message }),
      turn,
      candidates: [{ agentId: 'billing', score: 1 }],
      reason: 'best',
      strategy: 'test',
      scope,
    });
    await vi.advanceTimersByTimeAsync(250);
    expect(seen.aborted).toBe(true);
    expect((await pending).record.attempts[0]?.error?.code).toBe('budget-exceeded');
  });
});
