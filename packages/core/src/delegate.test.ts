import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Agent } from './agent.js';
import { Budget } from './budget.js';
import type { ChatModel } from './chat-model.js';
import { confidenceVerifier } from './confidence-verifier.js';
import { summaryContext } from './context-policy.js';
import { delegate } from './delegate.js';
import type { DelegationEvent } from './delegation-event.js';
import { failureLadder, noFallback } from './failure-ladder.js';
import { Roster } from './roster.js';
import { RunScope } from './run-scope.js';
import { defineTask } from './task-spec.js';
import { type FakeAgent, fakeAgent } from './testing/fake-agent.js';
import { scriptedChatModel } from './testing/scripted-chat-model.js';
import { llmVerifier } from './verify/llm-verifier.js';

const card = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: id,
  description: `${id} agent`,
  ...extra,
});
const turn = { message: 'Why was I charged twice?', history: [] };
const task = defineTask({ goal: 'Why was I charged twice?', language: 'en' });

function setup(
  options: { billing?: Agent; alternative?: Agent; front?: Agent; allow?: Record<string, string[]> } = {},
) {
  const front =
    options.front ?? fakeAgent({ card: card('front'), reply: { text: 'front did it', confidence: 0.9 } });
  // Tests that pass their own agent only read `inputs` when they passed a fake one.
  const billing = (options.billing ??
    fakeAgent({ card: card('billing'), reply: { text: 'billing did it', confidence: 0.9 } })) as FakeAgent;
  const alternative = (options.alternative ??
    fakeAgent({ card: card('accounts'), reply: { text: 'accounts did it', confidence: 0.9 } })) as FakeAgent;
  const roster = new Roster({
    front,
    delegates: [billing, alternative],
    allow: options.allow ?? { front: ['billing', 'accounts'] },
  });
  const events: DelegationEvent[] = [];
  const scope = new RunScope({ listener: (event) => events.push(event) });
  const candidates = [
    { agentId: 'billing', score: 0.9 },
    { agentId: 'accounts', score: 0.6 },
  ];
  return { front, billing, alternative, roster, events, scope, candidates };
}

const base = { task, turn, reason: 'best match', strategy: 'test' };

describe('delegate', () => {
  it('accepts the first delegate when verification passes, with no fallback', async () => {
    const { roster, front, scope, candidates } = setup();
    const result = await delegate({
      ...base,
      roster,
      delegator: front,
      scope,
      candidates,
      verifiers: [confidenceVerifier()],
      ladder: failureLadder(),
    });
    expect(result.accepted).toBe(true);
    expect(result.output?.text).toBe('billing did it');
    expect(result.record.outcome).toBe('completed');
    expect(result.record.fallbacks).toEqual([]);
    expect(result.record.attempts.map((attempt) => [attempt.agentId, attempt.rung, attempt.outcome])).toEqual(
      [['billing', 'primary', 'accepted']],
    );
  });

  it('retries with revised instructions after a verification failure', async () => {
    const billing = fakeAgent({
      card: card('billing'),
      reply: (input, call) =>
        call === 1
          ? { text: 'vague', confidence: 0.1, sources: [{ id: 'kb-1' }] }
          : { text: `second try: ${input.task.instructions}`, confidence: 0.9 },
    });
    const { roster, front, scope, candidates } = setup({ billing });
    const result = await delegate({
      ...base,
      roster,
      delegator: front,
      scope,
      candidates,
      verifiers: [confidenceVerifier({ min: 0.5 })],
      ladder: failureLadder(),
    });
    expect(result.record.attempts.map((attempt) => attempt.rung)).toEqual(['primary', 'retry']);
    expect(result.record.fallbacks.map((step) => step.rung)).toEqual(['retry']);
    expect(billing.inputs[1]?.task.instructions).toMatch(
      /previous answer was rejected \(confidence 0.1 is below 0.5/,
    );
    expect(billing.inputs[1]?.previousAttempts[0]?.sources).toEqual(['kb-1']);
    expect(result.output?.text).toMatch(/^second try/);
  });

  it('tries the next-best delegate when the first keeps failing', async () => {
    const billing = fakeAgent({
      card: card('billing'),
      reply: () => {
        throw new Error('billing is down');
      },
    });
    const { roster, front, scope, candidates } = setup({ billing });
    const result = await delegate({
      ...base,
      roster,
      delegator: front,
      scope,
      candidates,
      ladder: failureLadder({ retries: 1 }),
    });
    expect(result.record.attempts.map((attempt) => [attempt.agentId, attempt.rung, attempt.outcome])).toEqual(
      [
        ['billing', 'primary', 'error'],
        ['billing', 'retry', 'error'],
        ['accounts', 'alternative', 'accepted'],
      ],
    );
    expect(result.record.answeredBy).toBe('accounts');
    expect(result.record.attempts[0]?.error).toEqual({
      code: 'delegation-failed',
      message: 'billing is down',
    });
  });

  it('does the work itself when every delegate fails', async () => {
    const failing = () => ({ text: 'no idea', confidence: 0 });
    const billing = fakeAgent({ card: card('billing'), reply: failing });
    const alternative = fakeAgent({ card: card('accounts'), reply: failing });
    const { roster, front, scope, candidates } = setup({ billing, alternative });
    const result = await delegate({
      ...base,
      roster,
      delegator: front,
      scope,
      candidates,
      verifiers: [confidenceVerifier()],
      ladder: failureLadder({ retries: 0 }),
    });
    expect(result.record.fallbacks.map((step) => step.rung)).toEqual(['alternative', 'self']);
    expect(result.record.answeredBy).toBe('front');
    expect(result.output?.text).toBe('front did it');
  });

  it('escalates to a human as the last rung and records why', async () => {
    const failing = () => ({ text: 'no idea', confidence: 0 });
    const { roster, scope, candidates } = setup({
      billing: fakeAgent({ card: card('billing'), reply: failing }),
      alternative: fakeAgent({ card: card('accounts'), reply: failing }),
      front: fakeAgent({ card: card('front'), reply: failing }),
    });
    const result = await delegate({
      ...base,
      roster,
      delegator: roster.front,
      scope,
      candidates,
      verifiers: [confidenceVerifier()],
      ladder: failureLadder(),
    });
    expect(result.escalated).toBe(true);
    expect(result.output).toBeUndefined();
    expect(result.record.outcome).toBe('escalated');
    expect(result.record.fallbacks.map((step) => step.rung)).toEqual([
      'retry',
      'alternative',
      'self',
      'human',
    ]);
    expect(result.record.fallbacks[3]?.reason).toMatch(/front was rejected: confidence/);
  });

  it('skips rungs that are switched off', async () => {
    const failing = () => ({ text: 'no idea', confidence: 0 });
    const { roster, front, scope, candidates } = setup({
      billing: fakeAgent({ card: card('billing'), reply: failing }),
    });
    const result = await delegate({
      ...base,
      roster,
      delegator: front,
      scope,
      candidates,
      verifiers: [confidenceVerifier()],
      ladder: failureLadder({ retries: 0, alternatives: 0, self: false, human: true }),
    });
    expect(result.record.fallbacks.map((step) => step.rung)).toEqual(['human']);
  });

  it('keeps the most confident rejected answer when no rung is left', async () => {
    const { roster, front, scope, candidates } = setup({
      billing: fakeAgent({ card: card('billing'), reply: { text: 'weak', confidence: 0.2 } }),
    });
    const result = await delegate({
      ...base,
      roster,
      delegator: front,
      scope,
      candidates,
      verifiers: [confidenceVerifier()],
      ladder: noFallback,
    });
    expect(result.accepted).toBe(false);
    expect(result.record.outcome).toBe('failed');
    expect(result.output?.text).toBe('weak');
  });

  it('goes straight to a human when a guarded delegate asks for one', async () => {
    const { roster, front, scope, candidates } = setup({
      billing: fakeAgent({
        card: card('billing'),
        reply: { text: 'medical question', status: 'needs-human', confidence: 1 },
      }),
    });
    const result = await delegate({
      ...base,
      roster,
      delegator: front,
      scope,
      candidates,
      ladder: failureLadder(),
    });
    expect(result.escalated).toBe(true);
    expect(result.record.fallbacks.map((step) => step.rung)).toEqual(['human']);
  });

  it('excludes candidates outside the allowlist without running them', async () => {
    const { roster, front, scope, billing, alternative } = setup({ allow: { front: ['accounts'] } });
    const result = await delegate({
      ...base,
      roster,
      delegator: front,
      scope,
      candidates: [
        { agentId: 'billing', score: 1 },
        { agentId: 'accounts', score: 0.5 },
      ],
    });
    expect(result.record.excluded).toEqual([{ agentId: 'billing', reason: 'not-allowed' }]);
    expect(result.record.chosenAgentId).toBe('accounts');
    expect(billing.inputs).toHaveLength(0);
    expect(alternative.inputs).toHaveLength(1);
  });

  it('detects a cycle: an agent already on the path is not delegated to again', async () => {
    const { roster, front, candidates } = setup();
    const scope = new RunScope({ path: ['front', 'billing'] });
    const result = await delegate({ ...base, roster, delegator: front, scope, candidates });
    expect(result.record.excluded).toContainEqual({ agentId: 'billing', reason: 'cycle' });
    expect(result.record.answeredBy).toBe('accounts');
  });

  it('refuses to nest deeper than the depth limit and answers itself instead', async () => {
    const { roster, front, candidates, billing } = setup();
    const scope = new RunScope({ depth: 3, limits: { maxDepth: 3 } });
    const result = await delegate({ ...base, roster, delegator: front, scope, candidates });
    expect(result.record.excluded.map((entry) => entry.reason)).toEqual(['depth', 'depth']);
    expect(billing.inputs).toHaveLength(0);
    expect(result.record.attempts.map((attempt) => [attempt.agentId, attempt.rung])).toEqual([
      ['front', 'self'],
    ]);
  });

  it('enforces the budget before the call, not after', async () => {
    const { roster, front, candidates, billing } = setup();
    const budget = new Budget({ tokens: 100 });
    budget.charge({ inputTokens: 100, outputTokens: 0 });
    const scope = new RunScope({ budget });
    const result = await delegate({
      ...base,
      roster,
      delegator: front,
      scope,
      candidates,
      ladder: failureLadder(),
    });
    expect(billing.inputs).toHaveLength(0);
    expect(result.record.attempts[0]?.error?.code).toBe('budget-exceeded');
    // Out of budget, no further rung can run: straight to a human.
    expect(result.record.fallbacks.map((step) => step.rung)).toEqual(['human']);
  });

  it('gives nested delegations only what is left of the parent budget', async () => {
    const parent = new Budget({ tokens: 1000 });
    const child = parent.child({ tokens: 5000 });
    child.charge({ inputTokens: 800, outputTokens: 0 });
    expect(parent.remaining().tokens).toBe(200);
    expect(child.remaining().tokens).toBe(200);
    expect(() => child.ensure({ tokens: 300 })).toThrow(/tokens budget would be exceeded/);
  });

  describe('on a fake clock', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('times out a slow delegate and falls back', async () => {
      vi.useFakeTimers();
      const slow = fakeAgent({ card: card('billing'), delayMs: 2000, reply: 'too late' });
      const { roster, front, scope, candidates, alternative } = setup({ billing: slow });
      let settled = false;
      const delegating = delegate({
        ...base,
        roster,
        delegator: front,
        scope,
        candidates,
        attemptTimeoutMs: 20,
        ladder: failureLadder({ retries: 0 }),
      }).finally(() => {
        settled = true;
      });

      await vi.advanceTimersByTimeAsync(19);
      expect(alternative.inputs).toHaveLength(0);
      expect(settled).toBe(false);
      // At 20 ms the attempt times out and the alternative answers at once (no 2 s wait).
      await vi.advanceTimersByTimeAsync(1);
      expect(settled).toBe(true);
      const result = await delegating;
      expect(result.record.attempts[0]?.error?.code).toBe('timeout');
      // The record measures the attempt on the same (fake) clock: it ended at the timeout.
      expect(result.record.attempts[0]?.latencyMs).toBe(20);
      expect(result.record.answeredBy).toBe('accounts');
    });

    it("summarises the context under the attempt's scope: its timeout stops the call and the next rung summarises again", async () => {
      vi.useFakeTimers();
      const signals: (AbortSignal | undefined)[] = [];
      const model: ChatModel = {
        specificationVersion: 'v1',
        provider: 'test',
        modelId: 'summary',
        generate(_request, callOptions) {
          signals.push(callOptions?.signal);
          if (signals.length > 1) {
            return Promise.resolve({
              message: { content: 'Earlier: account question.', toolCalls: [] },
              finishReason: 'stop',
              usage: { inputTokens: 40, outputTokens: 10 },
              costUsd: 0.002,
              modelId: 'summary',
            });
          }
          // The first call hangs until its signal aborts.
          return new Promise((_resolve, reject) => {
            callOptions?.signal?.addEventListener('abort', () => reject(callOptions.signal?.reason));
          });
        },
      };
      const { roster, front, scope, candidates } = setup();
      const history = [
        { role: 'user' as const, content: 'Hello, a question about my account.' },
        { role: 'assistant' as const, content: 'Sure.' },
        { role: 'user' as const, content: 'It is about last month.' },
        { role: 'assistant' as const, content: 'Go on.' },
      ];
      const delegating = delegate({
        ...base,
        turn: { message: 'Why was I charged twice?', history },
        roster,
        delegator: front,
        scope,
        candidates,
        transfer: summaryContext({ model }),
        attemptTimeoutMs: 20,
        ladder: failureLadder({ retries: 0, self: false, human: false }),
      });
      await vi.advanceTimersByTimeAsync(40);
      const result = await delegating;
      expect(signals).toHaveLength(2);
      expect(signals[0]?.aborted).toBe(true);
      expect(result.record.attempts.map((attempt) => [attempt.agentId, attempt.outcome])).toEqual([
        ['billing', 'error'],
        ['accounts', 'accepted'],
      ]);
      // The summary is the second attempt's spending.
      expect(result.record.attempts[1]?.costUsd).toBeCloseTo(0.002);
      expect(result.record.costUsd).toBeCloseTo(scope.budget.spent().costUsd);
    });
  });

  it('stops at once when the caller aborts, even if the delegate ignores its signal', async () => {
    let running!: () => void;
    const delegateRunning = new Promise<void>((resolve) => {
      running = resolve;
    });
    const stubborn: Agent = {
      ...fakeAgent({ card: card('billing') }),
      run: () => {
        running();
        return new Promise(() => undefined);
      },
    };
    const { roster, front, candidates } = setup({ billing: stubborn });
    const controller = new AbortController();
    const scope = new RunScope({ signal: controller.signal });
    const pending = delegate({
      ...base,
      roster,
      delegator: front,
      scope,
      candidates,
      ladder: failureLadder(),
    });
    // Abort while the delegate is running (and will never settle by itself).
    await delegateRunning;
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
  });

  it('redacts personal data for delegates without clearance and counts it', async () => {
    const { roster, front, scope, candidates, billing } = setup();
    const history = [{ role: 'user' as const, content: 'I am ana@example.com, call +31 6 1234 5678' }];
    const result = await delegate({
      ...base,
      roster,
      delegator: front,
      scope,
      candidates,
      turn: { message: 'refund?', history },
    });
    const seen = billing.inputs[0]?.context.messages[0]?.content;
    expect(seen).toBe('I am [email], call [phone]');
    expect(result.record.context).toMatchObject({ redactions: 2, messages: 1 });
  });

  it('lets cleared delegates see personal data', async () => {
    const billing = fakeAgent({ card: card('billing', { clearance: { pii: true } }), reply: 'ok' });
    const { roster, front, scope, candidates } = setup({ billing });
    const history = [{ role: 'user' as const, content: 'I am ana@example.com' }];
    await delegate({
      ...base,
      roster,
      delegator: front,
      scope,
      candidates,
      turn: { message: 'refund?', history },
    });
    expect(billing.inputs[0]?.context.messages[0]?.content).toBe('I am ana@example.com');
  });

  it('puts the error of a failed agent run on its agent-run-end event', async () => {
    const { roster, front, scope, candidates, events } = setup({
      billing: fakeAgent({
        card: card('billing'),
        reply: () => {
          throw new Error('billing is down');
        },
      }),
    });
    await delegate({
      ...base,
      roster,
      delegator: front,
      scope,
      candidates,
      ladder: failureLadder({ retries: 0, alternatives: 0, self: false, human: false }),
    });
    const runEnd = events.find((event) => event.type === 'agent-run-end');
    expect(runEnd).toMatchObject({
      agentId: 'billing',
      error: { code: 'delegation-failed', message: 'billing is down' },
    });
  });

  it('emits the events of every step in order', async () => {
    const { roster, front, scope, candidates, events } = setup({
      billing: fakeAgent({ card: card('billing'), reply: { text: 'x', confidence: 0 } }),
    });
    await delegate({
      ...base,
      roster,
      delegator: front,
      scope,
      candidates,
      verifiers: [confidenceVerifier()],
      ladder: failureLadder({ retries: 0, self: false, human: false }),
    });
    expect(events.map((event) => event.type)).toEqual([
      'delegation-start',
      'attempt-start',
      'agent-run-start',
      'agent-run-end',
      'verification-end',
      'attempt-end',
      'fallback-start',
      'attempt-start',
      'agent-run-start',
      'agent-run-end',
      'verification-end',
      'attempt-end',
      'delegation-end',
    ]);
  });

  it("charges an agent's retries to the task's budget rather than giving each attempt a fresh one", async () => {
    const billing = fakeAgent({
      card: card('billing'),
      reply: { text: 'unsure', confidence: 0.1, costUsd: 0.03 },
    });
    const { roster, front, scope, candidates } = setup({ billing });
    const result = await delegate({
      ...base,
      task: { ...task, budget: { costUsd: 0.03 } },
      roster,
      delegator: front,
      scope,
      candidates,
      verifiers: [confidenceVerifier()],
      ladder: failureLadder({ retries: 2, alternatives: 0, self: false, human: false }),
    });
    // The first attempt spent the whole task budget: the retry is refused before it runs.
    expect(billing.inputs).toHaveLength(1);
    expect(
      result.record.attempts.map((attempt) => [attempt.rung, attempt.outcome, attempt.error?.code]),
    ).toEqual([
      ['primary', 'rejected', undefined],
      ['retry', 'error', 'budget-exceeded'],
    ]);
    expect(result.record.costUsd).toBeCloseTo(0.03);
  });

  it("counts the verifiers' model calls in the attempt's usage, as in its cost", async () => {
    const billing = fakeAgent({
      card: card('billing'),
      reply: { text: 'billing did it', usage: { inputTokens: 100, outputTokens: 20 }, costUsd: 0.001 },
    });
    const judge = scriptedChatModel([
      {
        content: '{"passed":true,"score":0.9,"reason":"ok"}',
        usage: { inputTokens: 300, outputTokens: 15 },
        costUsd: 0.003,
      },
    ]);
    const { roster, front, scope, candidates } = setup({ billing });
    const result = await delegate({
      ...base,
      roster,
      delegator: front,
      scope,
      candidates,
      verifiers: [llmVerifier({ model: judge })],
    });
    expect(result.record.attempts[0]?.costUsd).toBeCloseTo(0.004);
    expect(result.record.attempts[0]?.usage).toEqual({ inputTokens: 400, outputTokens: 35 });
    expect(result.record.usage).toEqual(scope.budget.spent().usage);
  });
});
