import { afterEach, describe, expect, it, vi } from 'vitest';
import { Budget } from './budget.js';
import { confidenceVerifier } from './confidence-verifier.js';
import type { ContextPolicy } from './context-policy.js';
import { defineStrategy } from './define-strategy.js';
import { delegate } from './delegate.js';
import type { DelegationEvent } from './delegation-event.js';
import { failureLadder } from './failure-ladder.js';
import { handoff } from './handoff.js';
import { lexicalSelector } from './lexical-selector.js';
import { createLlmAgent } from './llm-agent.js';
import { parallel } from './parallel.js';
import { Roster } from './roster.js';
import { RunScope } from './run-scope.js';
import { solo } from './solo.js';
import { defineTask } from './task-spec.js';
import { createTeam } from './team.js';
import { fakeAgent } from './testing/fake-agent.js';
import { scriptedChatModel } from './testing/scripted-chat-model.js';

const card = (id: string, words = id, extra: Record<string, unknown> = {}) => ({
  id,
  name: id,
  description: words,
  domains: [id],
  skills: [{ id, name: id, description: words, examples: [words] }],
  ...extra,
});

describe('budget reservations', () => {
  it('holds an estimate so concurrent calls cannot spend the same remainder', () => {
    const budget = new Budget({ tokens: 1000 });
    const first = budget.reserve({ tokens: 600 });
    expect(() => budget.reserve({ tokens: 600 })).toThrow(/tokens budget would be exceeded/);
    first.settle({ inputTokens: 100, outputTokens: 50 });
    expect(budget.remaining().tokens).toBe(850);
    budget.reserve({ tokens: 600 }).release();
    expect(budget.remaining().tokens).toBe(850);
  });

  it('refuses a parallel branch whose model call no longer fits, before sending it', async () => {
    const model = scriptedChatModel(() => ({
      content: 'done',
      usage: { inputTokens: 100, outputTokens: 300 },
    }));
    const llm = (id: string, words: string) =>
      createLlmAgent({ card: card(id, words), model, instructions: 'Be brief.', maxOutputTokens: 400 });
    const team = createTeam({
      front: fakeAgent({ card: card('front', 'general') }),
      delegates: [llm('billing', 'invoice refund charge'), llm('technical', 'printer paper jam')],
      strategy: parallel(),
      limits: { budget: { tokens: 700 } },
    });
    const result = await team.respond({
      message: 'Invoice refund charge please. Also the printer has a paper jam.',
      history: [],
    });
    expect(model.requests).toHaveLength(1);
    const errors = result.delegations.flatMap((record) =>
      record.attempts.map((attempt) => attempt.error?.code),
    );
    expect(errors).toContain('budget-exceeded');
    expect(result.usage.inputTokens + result.usage.outputTokens).toBeLessThanOrEqual(700);
  });

  it('refuses a call whose estimated cost exceeds the cost budget', async () => {
    const model = { ...scriptedChatModel(['x']), estimateCostUsd: () => 0.5 };
    const agent = createLlmAgent({ card: card('front'), model, instructions: 'x' });
    const team = createTeam({
      front: agent,
      delegates: [],
      strategy: solo(),
      limits: { budget: { costUsd: 0.1 } },
    });
    const result = await team.respond({ message: 'hello', history: [] });
    expect(result.error?.code).toBe('budget-exceeded');
    expect(model.requests).toHaveLength(0);
  });
});

describe('redaction across attempts', () => {
  it('never shows an uncleared alternative what a cleared delegate answered', async () => {
    const billing = fakeAgent({
      card: card('billing', 'billing', { clearance: { pii: true } }),
      reply: { text: 'Card 4111 1111 1111 1111 of ana@example.com is blocked', confidence: 0.1 },
    });
    const technical = fakeAgent({ card: card('technical'), reply: { text: 'ok', confidence: 0.9 } });
    const front = fakeAgent({ card: card('front') });
    const roster = new Roster({ front, delegates: [billing, technical] });
    await delegate({
      roster,
      delegator: front,
      task: defineTask({ goal: 'help' }),
      turn: {
        message: 'help',
        history: [],
        fields: { customer: { email: 'ana@example.com', phones: ['+44 20 7946 0958'] } },
      },
      candidates: [
        { agentId: 'billing', score: 0.9 },
        { agentId: 'technical', score: 0.5 },
      ],
      reason: 'test',
      strategy: 'test',
      scope: new RunScope(),
      verifiers: [confidenceVerifier()],
      ladder: failureLadder({ retries: 0, self: false, human: false }),
      transfer: {
        name: 'fields',
        select: (turn) => ({ messages: [], ...(turn.fields ? { fields: turn.fields } : {}) }),
      },
    });
    const seen = technical.inputs[0]!;
    expect(seen.previousAttempts[0]?.output).toBe('Card [card] of [email] is blocked');
    expect(seen.context.fields).toEqual({ customer: { email: '[email]', phones: ['[phone]'] } });
    expect(billing.inputs[0]?.context.fields).toEqual({
      customer: { email: 'ana@example.com', phones: ['+44 20 7946 0958'] },
    });
  });
});

describe('robustness', () => {
  it('records a failed context transfer as the attempt’s error and still ends the delegation', async () => {
    const failing: ContextPolicy = {
      name: 'broken',
      select: () => {
        throw new Error('summary model down');
      },
    };
    const events: DelegationEvent[] = [];
    const front = fakeAgent({ card: card('front') });
    const roster = new Roster({ front, delegates: [fakeAgent({ card: card('billing') })] });
    const result = await delegate({
      roster,
      delegator: front,
      task: defineTask({ goal: 'x' }),
      turn: { message: 'x', history: [] },
      candidates: [{ agentId: 'billing', score: 1 }],
      reason: 'r',
      strategy: 's',
      scope: new RunScope({ listener: (event) => events.push(event) }),
      transfer: failing,
    });
    expect(result.record.attempts[0]?.error?.message).toBe('summary model down');
    expect(events.map((event) => event.type)).toContain('delegation-end');
  });

  it('keeps the other parts of a parallel request when one branch fails', async () => {
    // The selector works while the request is split, then fails inside the printer branch.
    let printerCalls = 0;
    const team = createTeam({
      front: fakeAgent({ card: card('front', 'general') }),
      delegates: [
        fakeAgent({ card: card('billing', 'invoice refund charge'), reply: 'billing answer' }),
        fakeAgent({ card: card('technical', 'printer paper jam') }),
      ],
      strategy: parallel({
        select: {
          name: 'flaky',
          select: (request) => {
            if (/printer/.test(request.text) && ++printerCalls > 1) throw new Error('selector down');
            return {
              candidates: [{ agentId: /printer/.test(request.text) ? 'technical' : 'billing', score: 0.9 }],
            };
          },
        },
      }),
    });
    const result = await team.respond({
      message: 'Invoice refund charge please. Also the printer has a paper jam.',
      history: [],
    });
    expect(result.answer).toBe('billing answer');
    expect(result.outcome).toBe('answered');
  });

  it('answers with the front desk when the specialist hands back on its first turn', async () => {
    const state: Record<string, unknown> = {};
    const team = createTeam({
      front: fakeAgent({ card: card('front', 'general'), reply: 'front answer' }),
      delegates: [
        fakeAgent({
          card: card('billing', 'invoice refund'),
          reply: { text: 'not my area', status: 'hand-back' },
        }),
      ],
      strategy: handoff(),
    });
    const result = await team.respond({ message: 'invoice refund', history: [] }, { state });
    expect(result.answer).toBe('front answer');
    expect(state).toEqual({});
  });

  describe('on a fake clock', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('applies the attempt timeout to the front agent answering alone', async () => {
      vi.useFakeTimers();
      const team = createTeam({
        front: fakeAgent({ card: card('front'), delayMs: 3000, reply: 'late' }),
        delegates: [],
        strategy: solo(),
        limits: { attemptTimeoutMs: 20 },
      });
      let settled = false;
      const responding = team.respond({ message: 'hello', history: [] }).finally(() => {
        settled = true;
      });

      await vi.advanceTimersByTimeAsync(19);
      expect(settled).toBe(false);
      // The timeout ends the turn at 20 ms, long before the front agent's 3 s reply.
      await vi.advanceTimersByTimeAsync(1);
      expect(settled).toBe(true);
      const result = await responding;
      expect(result.error?.code).toBe('timeout');
      expect(result.answer).toBeNull();
    });
  });

  describe('on a fake clock', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it("bounds the front agent answering itself by the strategy's attemptTimeoutMs, as its delegates", async () => {
      vi.useFakeTimers();
      const front = fakeAgent({ card: card('front'), delayMs: 10_000, reply: 'too late' });
      const team = createTeam({
        front,
        delegates: [fakeAgent({ card: card('billing', 'refund invoice') })],
        strategy: defineStrategy({ name: 'bounded', select: lexicalSelector(), attemptTimeoutMs: 100 }),
      });
      let settled = false;
      const responding = team.respond({ message: 'what is the weather on mars', history: [] }).finally(() => {
        settled = true;
      });
      await vi.advanceTimersByTimeAsync(100);
      expect(settled).toBe(true);
      const result = await responding;
      expect(result.delegations).toEqual([]);
      expect(result.error?.code).toBe('timeout');
    });
  });
});
