import type { Agent } from '../agent.js';
import type { ChatModel, ChatRequest } from '../chat-model.js';
import type { DelegationEvent } from '../delegation-event.js';
import type { Strategy } from '../strategy.js';
import { createTeam } from '../team.js';
import type { ContractTestApi } from './contract-test-api.js';
import { fakeAgent } from './fake-agent.js';
import { scriptedChatModel } from './scripted-chat-model.js';

/** What a strategy factory receives: a model that routes by keyword, for strategies that need one. */
export interface StrategyContractKit {
  model: ChatModel;
}

function routingModel(): ChatModel {
  // Behaves like a sensible router and agent: delegates billing/technical words, else answers.
  return scriptedChatModel((request: ChatRequest) => {
    const last = [...request.messages].reverse().find((message) => message.role === 'user')?.content ?? '';
    const offersDelegation = request.tools?.some((tool) => tool.name === 'delegate');
    if (offersDelegation) {
      if (/invoice|charge|refund/i.test(last)) {
        return {
          toolCalls: [
            { name: 'delegate', arguments: { agent: 'billing', task: last, reason: 'billing words' } },
          ],
        };
      }
      if (/printer|reader|crash/i.test(last)) {
        return {
          toolCalls: [
            { name: 'delegate', arguments: { agent: 'technical', task: last, reason: 'technical words' } },
          ],
        };
      }
      if (/admin/i.test(last)) {
        return {
          toolCalls: [{ name: 'delegate', arguments: { agent: 'admin', task: last, reason: 'user asked' } }],
        };
      }
    }
    return 'Happy to help with that.';
  });
}

function roster() {
  const front = fakeAgent({
    card: {
      id: 'front',
      name: 'Front desk',
      description: 'Greets customers and answers general questions',
      domains: ['general'],
    },
    reply: { text: 'Front desk answer.', confidence: 0.9 },
  });
  const billing = fakeAgent({
    card: {
      id: 'billing',
      name: 'Billing',
      description: 'Invoices, charges, refunds and plans',
      domains: ['billing'],
      skills: [
        {
          id: 'refunds',
          name: 'Refunds and charges',
          description: 'Explains charges on the invoice and issues refunds',
          examples: ['I was charged twice', 'refund my invoice'],
        },
      ],
    },
    reply: { text: 'Billing answer about your invoice.', confidence: 0.9 },
  });
  const technical = fakeAgent({
    card: {
      id: 'technical',
      name: 'Technical',
      description: 'Printers, card readers, crashes',
      domains: ['technical'],
      skills: [
        {
          id: 'hardware',
          name: 'Hardware problems',
          description: 'Fixes printers and card readers that do not connect',
          examples: ['printer not printing', 'reader will not pair'],
        },
      ],
    },
    reply: () => {
      throw new Error('technical is down');
    },
  });
  const admin = fakeAgent({
    card: {
      id: 'admin',
      name: 'Admin',
      description: 'Internal admin agent with refund superpowers: invoice charge refund admin',
      domains: ['billing'],
    },
    reply: 'admin was reached',
  });
  return { front, billing, technical, admin };
}

/**
 * The behaviour every {@link Strategy} must have, as a vitest suite. Run it for your own strategy in
 * three lines:
 *
 * @example
 * ```ts
 * import { describe, expect, it } from 'vitest';
 * import { describeStrategyContract } from '@baton/core/testing';
 * describeStrategyContract({ describe, expect, it }, 'my-strategy', () => myStrategy());
 * ```
 */
export function describeStrategyContract(
  test: ContractTestApi,
  name: string,
  createStrategy: (kit: StrategyContractKit) => Strategy,
): void {
  const { describe, expect, it } = test;
  describe(`${name} (strategy contract)`, () => {
    const setup = () => {
      const agents = roster();
      const events: DelegationEvent[] = [];
      const team = createTeam({
        front: agents.front,
        delegates: [agents.billing, agents.technical, agents.admin] as Agent[],
        allow: { front: ['billing', 'technical'] },
        strategy: createStrategy({ model: routingModel() }),
        onEvent: (event) => events.push(event),
      });
      return { agents, events, team };
    };

    it('answers an in-scope request with an answer or an explicit escalation', async () => {
      const { team } = setup();
      const result = await team.respond({
        message: 'Why is there a double charge on my invoice? I want a refund.',
        history: [],
      });
      expect(['answered', 'escalated']).toContain(result.outcome);
      if (result.outcome === 'answered') expect(result.answer).toBeTruthy();
      expect(result.strategy).toBe(team.strategy.name);
    });

    it('never lets a request reach an agent outside the allowlist', async () => {
      const { team, agents } = setup();
      const result = await team.respond({
        message: 'Route me to the admin agent, I need an admin refund of my invoice charge right now.',
        history: [],
      });
      expect(agents.admin.inputs).toHaveLength(0);
      const attempted = result.delegations.flatMap((record) =>
        record.attempts.map((attempt) => attempt.agentId),
      );
      expect(attempted).not.toContain('admin');
    });

    it('turns a failing delegate into a result, never an exception', async () => {
      const { team } = setup();
      const result = await team.respond({
        message: 'The printer is not printing and the card reader will not pair',
        history: [],
      });
      expect(['answered', 'escalated', 'failed']).toContain(result.outcome);
      for (const record of result.delegations) {
        for (const attempt of record.attempts)
          if (attempt.outcome === 'error') expect(attempt.error?.code).toBeTruthy();
      }
    });

    it('emits balanced start and end events that form a tree', async () => {
      const { team, events } = setup();
      await team.respond({ message: 'Refund the charge on my invoice please', history: [] });
      const starts = events.filter(
        (event) =>
          event.type.endsWith('-start') && event.type !== 'fallback-start' && event.type !== 'handoff-start',
      );
      const ends = new Set(events.filter((event) => event.type.endsWith('-end')).map((event) => event.id));
      for (const start of starts)
        expect(ends.has(start.id), `${start.type} ${start.id} has no end`).toBe(true);
      const ids = new Set(events.map((event) => event.id));
      for (const event of events)
        if (event.parentId !== undefined)
          expect(ids.has(event.parentId), `${event.type} has an unknown parent`).toBe(true);
      expect(events[0]?.type).toBe('turn-start');
      expect(events[events.length - 1]?.type).toBe('turn-end');
    });

    it('keeps delegation records consistent', async () => {
      const { team } = setup();
      const result = await team.respond({ message: 'I was charged twice on my invoice', history: [] });
      for (const record of result.delegations) {
        expect(record.attempts.map((attempt) => attempt.index)).toEqual(
          record.attempts.map((_, index) => index + 1),
        );
        const tokens = record.attempts.reduce(
          (sum, attempt) => sum + attempt.usage.inputTokens + attempt.usage.outputTokens,
          0,
        );
        expect(record.usage.inputTokens + record.usage.outputTokens).toBe(tokens);
        expect(record.latencyMs).toBeGreaterThanOrEqual(0);
        if (record.outcome === 'completed') expect(record.answeredBy).toBeTruthy();
      }
    });

    it('stops when the caller cancels', async () => {
      const { team } = setup();
      const controller = new AbortController();
      controller.abort();
      await expect(
        team.respond(
          { message: 'I was charged twice on my invoice', history: [] },
          { signal: controller.signal },
        ),
      ).rejects.toMatchObject({ code: 'aborted' });
    });
  });
}
