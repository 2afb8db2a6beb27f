import {
  type Agent,
  type AttemptRecord,
  confidenceVerifier,
  createTeam,
  type DelegationRecord,
  defineStrategy,
  type FailureLadder,
  failureLadder,
  type Selector,
  type TurnResult,
} from '@baton/core';
import { fakeAgent } from '@baton/core/testing';
import { context as otelContext, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type A2aTaskUpdate, createA2aAgent, readTaskMessage, serveA2a } from '../src/index.js';
import {
  type A2aTestServer,
  type ScriptedTurn,
  scriptedExecutor,
  startA2aTestServer,
} from '../src/testing/index.js';

// A team whose front desk delegates to a remote billing agent first and a local one second, so the
// ladder's rungs are easy to follow.
const frontCard = { id: 'desk', name: 'Desk', description: 'Front desk.' };
const remoteCard = {
  id: 'billing',
  name: 'Billing',
  description: 'Invoices and refunds.',
  domains: ['billing'],
};
const localCard = {
  id: 'accounts',
  name: 'Accounts',
  description: 'Account questions.',
  domains: ['billing'],
};
const turn = { message: 'Where is my refund?', history: [{ role: 'user' as const, content: 'Hi' }] };

const byOrder = (ids: string[]): Selector => ({
  name: 'fixed',
  select: () => ({ candidates: ids.map((agentId, index) => ({ agentId, score: 0.9 - index * 0.1 })) }),
});

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function remoteBilling(
  script: ScriptedTurn | ScriptedTurn[],
  options: { onUpdate?: (update: A2aTaskUpdate) => void } = {},
) {
  const executor = scriptedExecutor(script);
  const server: A2aTestServer = await startA2aTestServer({ executor, card: remoteCard });
  servers.push(server);
  const agent = await createA2aAgent({ url: server.url, ...options });
  return { executor, server, agent };
}

function teamWith(
  billing: Agent,
  options: {
    ladder?: FailureLadder;
    allow?: Record<string, string[]>;
    confidence?: boolean;
    timeoutMs?: number;
  } = {},
) {
  const front = fakeAgent({ card: frontCard, reply: { text: 'The desk answers.', confidence: 0.9 } });
  const accounts = fakeAgent({
    card: localCard,
    reply: { text: 'Accounts: refunds take 5 days.', confidence: 0.9 },
  });
  return createTeam({
    front,
    delegates: [billing, accounts],
    strategy: defineStrategy({
      name: 'remote-first',
      select: byOrder(['billing', 'accounts']),
      ladder: options.ladder ?? failureLadder({ retries: 0, alternatives: 1, self: false, human: false }),
      ...(options.confidence ? { verify: [confidenceVerifier({ min: 0.5 })] } : {}),
    }),
    ...(options.allow ? { allow: options.allow } : {}),
    ...(options.timeoutMs !== undefined ? { limits: { attemptTimeoutMs: options.timeoutMs } } : {}),
  });
}

const delegation = (result: TurnResult): DelegationRecord => result.delegations[0]!;
const steps = (record: DelegationRecord) =>
  record.attempts.map((attempt: AttemptRecord) => [
    attempt.agentId,
    attempt.rung,
    attempt.outcome,
    attempt.error?.code,
  ]);

describe('remote delegates in a team', () => {
  it('answers through a remote delegate, and the record says remote, the URL and the task id', async () => {
    const { agent, server, executor } = await remoteBilling({
      answer: 'Your refund left on Monday.',
      metadata: { baton: { usage: { inputTokens: 40, outputTokens: 10 }, costUsd: 0.0005 } },
    });
    const result = await teamWith(agent).respond(turn);
    expect(result.answer).toBe('Your refund left on Monday.');
    const record = delegation(result);
    expect(steps(record)).toEqual([['billing', 'primary', 'accepted', undefined]]);
    expect(record.attempts[0]?.remote).toEqual({
      protocol: 'a2a',
      url: server.url,
      taskId: executor.events[0]?.taskId,
      contextId: executor.messages[0]?.contextId,
    });
    expect([result.usage, result.costUsd]).toEqual([{ inputTokens: 40, outputTokens: 10 }, 0.0005]);
    // The transferred context went over: the remote saw the conversation.
    expect(readTaskMessage(executor.messages[0]!).input.context.messages).toEqual(turn.history);
  });

  it('moves down the ladder when the remote task fails, keeping the remote attempt in the record', async () => {
    const { agent, executor } = await remoteBilling({ fail: 'Ledger offline.' });
    const result = await teamWith(agent).respond(turn);
    expect(result.answer).toBe('Accounts: refunds take 5 days.');
    const record = delegation(result);
    expect(steps(record)).toEqual([
      ['billing', 'primary', 'error', 'delegation-failed'],
      ['accounts', 'alternative', 'accepted', undefined],
    ]);
    expect(record.attempts[0]?.error?.message).toContain('Ledger offline.');
    // The remote's own reason for failing stays in the record beside the core's code.
    expect(record.attempts[0]?.error?.cause).toBe('remote-failed');
    expect(record.attempts[0]?.remote?.taskId).toBe(executor.events[0]?.taskId);
    expect(record.attempts[1]).not.toHaveProperty('remote');
    expect(record.fallbacks.map((step) => [step.rung, step.fromAgentId, step.toAgentId])).toEqual([
      ['alternative', 'billing', 'accounts'],
    ]);
  });

  it('cancels a hanging remote task when the attempt times out; the server sees the cancel', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let working: () => void = () => undefined;
    const clientSawWork = new Promise<void>((resolve) => (working = resolve));
    const { agent, executor } = await remoteBilling(
      { hang: true },
      { onUpdate: (update) => update.state === 'working' && working() },
    );
    const responding = teamWith(agent, { timeoutMs: 30_000 }).respond(turn);
    await clientSawWork;
    await vi.advanceTimersByTimeAsync(30_000);
    const result = await responding;
    const [canceled] = await executor.until('canceled');
    const record = delegation(result);
    expect(steps(record)).toEqual([
      ['billing', 'primary', 'error', 'timeout'],
      ['accounts', 'alternative', 'accepted', undefined],
    ]);
    expect(canceled?.taskId).toBe(executor.events[0]?.taskId);
    expect(record.attempts[0]?.remote?.taskId).toBe(canceled?.taskId);
  });

  it('keeps the usage a remote reported before its attempt timed out, in the record and the turn', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let working: () => void = () => undefined;
    const clientSawWork = new Promise<void>((resolve) => (working = resolve));
    const { agent } = await remoteBilling(
      { hang: true, metadata: { baton: { usage: { inputTokens: 500, outputTokens: 100 }, costUsd: 0.25 } } },
      { onUpdate: (update) => update.state === 'working' && working() },
    );
    const responding = teamWith(agent, { timeoutMs: 30_000 }).respond(turn);
    await clientSawWork;
    await vi.advanceTimersByTimeAsync(30_000);
    const result = await responding;
    const [timedOut] = delegation(result).attempts;
    expect([timedOut?.error?.code, timedOut?.usage, timedOut?.costUsd]).toEqual([
      'timeout',
      { inputTokens: 500, outputTokens: 100 },
      0.25,
    ]);
    expect([result.usage, result.costUsd]).toEqual([{ inputTokens: 500, outputTokens: 100 }, 0.25]);
  });

  it('counts a remote that asks for input as a failed attempt; the retry carries its question', async () => {
    const { agent, executor } = await remoteBilling([
      { askForInput: 'Which order is it?' },
      { answer: 'Order 1042 was refunded.' },
    ]);
    const result = await teamWith(agent, {
      ladder: failureLadder({ retries: 1, alternatives: 0, self: false, human: false }),
    }).respond(turn);
    expect(result.answer).toBe('Order 1042 was refunded.');
    expect(steps(delegation(result))).toEqual([
      ['billing', 'primary', 'error', 'delegation-failed'],
      ['billing', 'retry', 'accepted', undefined],
    ]);
    expect(delegation(result).attempts[0]?.error?.cause).toBe('input-required');
    const [canceled] = await executor.until('canceled');
    expect(canceled?.taskId).toBe(executor.events[0]?.taskId);
    const retry = readTaskMessage(executor.messages[1]!).input;
    expect(retry.task.instructions).toContain('asked for input: Which order is it?');
    expect(retry.previousAttempts.map((attempt) => attempt.agentId)).toEqual(['billing']);
  });

  it('never calls a remote delegate that the allowlist excludes', async () => {
    const { agent, server, executor } = await remoteBilling({ answer: 'unreachable' });
    const result = await teamWith(agent, { allow: { desk: ['accounts'] } }).respond(turn);
    expect(result.answer).toBe('Accounts: refunds take 5 days.');
    expect(delegation(result).excluded).toEqual([{ agentId: 'billing', reason: 'not-allowed' }]);
    expect(executor.messages).toEqual([]);
    expect(server.requests).toEqual(['GET /.well-known/agent-card.json']);
  });

  it('verifies a remote answer like a local one: low confidence goes down the ladder', async () => {
    const { agent } = await remoteBilling({
      answer: 'Maybe next week?',
      metadata: { baton: { confidence: 0.2 } },
    });
    const result = await teamWith(agent, { confidence: true }).respond(turn);
    expect(result.answer).toBe('Accounts: refunds take 5 days.');
    expect(steps(delegation(result))).toEqual([
      ['billing', 'primary', 'rejected', undefined],
      ['accounts', 'alternative', 'accepted', undefined],
    ]);
  });

  it('stops the turn and cancels the remote task when the caller aborts (Ctrl-C)', async () => {
    let working: () => void = () => undefined;
    const clientSawWork = new Promise<void>((resolve) => (working = resolve));
    const { agent, executor } = await remoteBilling(
      { hang: true },
      { onUpdate: (update) => update.state === 'working' && working() },
    );
    const controller = new AbortController();
    const responding = teamWith(agent).respond(turn, { signal: controller.signal });
    await clientSawWork;
    controller.abort();
    await expect(responding).rejects.toMatchObject({ code: 'aborted' });
    await executor.until('canceled');
  });
});

describe('a team served over A2A, called by another team', () => {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    otelContext.setGlobalContextManager(manager.enable());
  });
  afterAll(() => {
    manager.disable();
    otelContext.disable();
  });

  it('delegates across services: the remote team answers, charges its usage and joins the trace', async () => {
    const tracesSeen: (string | undefined)[] = [];
    const refunds = fakeAgent({
      card: { id: 'refunds', name: 'Refunds', description: 'Refund timing.', domains: ['billing'] },
      reply: (input, _call, scope) => {
        tracesSeen.push(trace.getSpanContext(otelContext.active())?.traceId);
        // What a model call through `scope.callModel` would charge.
        scope.budget.charge({ inputTokens: 30, outputTokens: 12 });
        return {
          text: `Refunds take 5 days (asked: ${input.task.goal})`,
          confidence: 0.9,
          usage: { inputTokens: 30, outputTokens: 12 },
        };
      },
    });
    // Service B: a billing team with its own front desk and specialist.
    const billingTeam = createTeam({
      front: fakeAgent({ card: { id: 'billing-desk', name: 'Billing desk', description: 'Billing front.' } }),
      delegates: [refunds],
      strategy: defineStrategy({ name: 'billing-routing', select: byOrder(['refunds']) }),
    });
    const served = await serveA2a(billingTeam, { card: remoteCard });
    servers.push(served);

    // Service A: the support team, which knows billing only by its URL.
    const billing = await createA2aAgent({ url: served.url });
    const support = teamWith(billing);
    const span = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };
    const result = await otelContext.with(trace.setSpanContext(ROOT_CONTEXT, span), () =>
      support.respond(turn),
    );

    expect(result.answer).toBe('Refunds take 5 days (asked: Where is my refund?)');
    const record = delegation(result);
    expect(steps(record)).toEqual([['billing', 'primary', 'accepted', undefined]]);
    expect(record.attempts[0]?.remote).toMatchObject({
      protocol: 'a2a',
      url: served.url,
      taskId: expect.any(String),
    });
    // The remote team's spending (its model usage, charged by its own budget) comes back with the answer.
    expect(result.usage).toEqual({ inputTokens: 30, outputTokens: 12 });
    expect(tracesSeen).toEqual([span.traceId]);
  });
});
