import {
  type AgentInput,
  BatonError,
  Budget,
  defineTask,
  type RemoteCall,
  RunScope,
  type TaskSpec,
} from '@baton/core';
import { context as otelContext, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { A2aError } from './a2a-error.js';
import { type A2aTaskUpdate, createA2aAgent } from './create-a2a-agent.js';
import type { Sleep } from './sleep.js';
import { readTaskMessage } from './task-message.js';
import { type A2aTestServer, scriptedExecutor, startA2aTestServer } from './testing/index.js';
import type { ScriptedTurn } from './testing/scripted-executor.js';

const billingCard = {
  id: 'billing-remote',
  name: 'Billing',
  description: 'Invoices, refunds and payment methods.',
  domains: ['billing'],
  languages: ['en', 'es'],
  skills: [
    {
      id: 'refunds',
      name: 'Refunds',
      description: 'When refunds arrive.',
      examples: ['where is my refund'],
      tags: ['money'],
    },
  ],
};

function inputOf(task: Partial<TaskSpec> = {}): AgentInput {
  return {
    task: defineTask({ goal: 'How long does a refund take?', ...task }),
    context: {
      messages: [{ role: 'user', content: 'I returned my order last week.' }],
      info: { policy: 'last-6', messages: 1, characters: 30, redactions: 0 },
    },
    previousAttempts: [],
  };
}

/** A scope like the one an attempt gives its agent: it collects what the agent reports as remote. */
function attemptScope(init: ConstructorParameters<typeof RunScope>[0] = {}) {
  const remote: RemoteCall[] = [];
  const scope = new RunScope(init).child({ onRemote: (call) => remote.push(call) });
  return { scope, remote };
}

/** A sleep the test releases by hand: nothing here waits on the clock. */
function manualSleep() {
  const waiting: { ms: number; resolve: () => void }[] = [];
  const sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const entry = { ms, resolve };
      waiting.push(entry);
      signal?.addEventListener(
        'abort',
        () => {
          waiting.splice(waiting.indexOf(entry), 1);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  return { sleep, waiting };
}

const servers: A2aTestServer[] = [];
async function remote(script: ScriptedTurn | ScriptedTurn[], options: { streaming?: boolean } = {}) {
  const executor = scriptedExecutor(script);
  const server = await startA2aTestServer({ executor, card: billingCard, ...options });
  servers.push(server);
  return { executor, server };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('createA2aAgent', () => {
  it('maps the remote card onto a capability card, with domains and languages from skill tags', async () => {
    const { server } = await remote({ answer: 'ok' });
    const agent = await createA2aAgent({ url: server.url });
    expect(agent.kind).toBe('a2a');
    expect(agent.url).toBe(server.url);
    expect(agent.streaming).toBe(true);
    expect(agent.card).toMatchObject({
      id: 'billing',
      name: 'Billing',
      description: 'Invoices, refunds and payment methods.',
      domains: ['billing'],
      languages: ['en', 'es'],
      clearance: { pii: false },
      skills: [{ id: 'refunds', examples: ['where is my refund'], tags: ['money'] }],
    });
  });

  it('lets the delegator set the id, clearance and cost the A2A card cannot say', async () => {
    const { server } = await remote({ answer: 'ok' });
    const agent = await createA2aAgent({
      url: server.url,
      capabilityCard: { id: 'billing-eu', clearance: { pii: true }, cost: { tier: 'low' } },
    });
    expect([agent.id, agent.card.clearance.pii, agent.card.cost?.tier, agent.card.domains]).toEqual([
      'billing-eu',
      true,
      'low',
      ['billing'],
    ]);
  });

  it('answers with the remote artifact, and reports usage and cost from the metadata to the budget', async () => {
    const { server, executor } = await remote({
      answer: 'Refunds take five working days.',
      chunks: ['Refunds take ', 'five working days.'],
      metadata: { baton: { usage: { inputTokens: 120, outputTokens: 30 }, costUsd: 0.002, confidence: 0.8 } },
    });
    const agent = await createA2aAgent({ url: server.url });
    const { scope, remote: reported } = attemptScope();
    const output = await agent.run(inputOf(), scope);
    expect(output).toEqual({
      text: 'Refunds take five working days.',
      status: 'answered',
      usage: { inputTokens: 120, outputTokens: 30 },
      costUsd: 0.002,
      confidence: 0.8,
    });
    expect(scope.budget.spent()).toEqual({
      tokens: 150,
      costUsd: 0.002,
      usage: { inputTokens: 120, outputTokens: 30 },
    });
    const taskId = executor.events[0]?.taskId;
    expect(reported.at(-1)).toEqual({
      protocol: 'a2a',
      url: server.url,
      taskId,
      contextId: executor.messages[0]?.contextId,
    });
  });

  it('names the files of a remote answer instead of dropping them', async () => {
    const { server } = await remote({
      answer: 'Your invoice is attached.',
      files: [
        {
          url: 'https://files.example/invoice-1042.pdf',
          filename: 'invoice-1042.pdf',
          mediaType: 'application/pdf',
        },
      ],
    });
    const agent = await createA2aAgent({ url: server.url });
    const output = await agent.run(inputOf(), new RunScope());
    expect(output.text).toBe(
      'Your invoice is attached.\n[invoice-1042.pdf (application/pdf): https://files.example/invoice-1042.pdf]',
    );
  });

  it('sends the task spec and the context as readable text and as a Baton data part', async () => {
    const { server, executor } = await remote({ answer: 'ok' });
    const agent = await createA2aAgent({ url: server.url });
    const input = inputOf({
      instructions: 'Quote the policy.',
      constraints: ['Be brief.'],
      acceptanceCriteria: ['Names a number of days.'],
      language: 'en',
    });
    await agent.run(input, new RunScope());
    const message = executor.messages[0]!;
    const text = message.parts[0]?.content?.$case === 'text' ? message.parts[0].content.value : '';
    expect(text).toMatchInlineSnapshot(`
      "How long does a refund take?

      Instructions: Quote the policy.

      Constraints:
      - Be brief.

      Acceptance criteria:
      - Names a number of days.

      Answer in this language: en

      Conversation so far:
      user: I returned my order last week."
    `);
    const read = readTaskMessage(message);
    expect(read.structured).toBe(true);
    expect(read.input.task).toEqual(input.task);
    expect(read.input.context.messages).toEqual(input.context.messages);
  });

  it('polls the task to its end when the server does not stream', async () => {
    const { server } = await remote({ answer: 'Five days.' }, { streaming: false });
    const { sleep, waiting } = manualSleep();
    const agent = await createA2aAgent({ url: server.url, sleep, pollIntervalMs: 250 });
    expect(agent.streaming).toBe(false);
    const running = agent.run(inputOf(), new RunScope());
    let settled = false;
    running.then(
      () => (settled = true),
      () => (settled = true),
    );
    // Each poll waits on the injected sleep: release them one by one until the task is done.
    let polls = 0;
    while (!settled) {
      const next = waiting.shift();
      if (next) {
        expect(next.ms).toBe(250);
        next.resolve();
        polls += 1;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(polls).toBeGreaterThanOrEqual(1);
    await expect(running).resolves.toMatchObject({ text: 'Five days.', status: 'answered' });
  });

  it('takes a direct message reply as the answer', async () => {
    const { server } = await remote({ message: 'Hello from the remote.' });
    const agent = await createA2aAgent({ url: server.url });
    await expect(agent.run(inputOf(), new RunScope())).resolves.toMatchObject({
      text: 'Hello from the remote.',
      status: 'answered',
    });
  });

  it('fails the attempt when the remote task fails, with the remote reason and task id', async () => {
    const { server, executor } = await remote({ fail: 'The billing system is down.' });
    const agent = await createA2aAgent({ url: server.url });
    const error = await agent.run(inputOf(), new RunScope()).catch((caught: unknown) => caught);
    expect(A2aError.isInstance(error) && error.code).toBe('remote-failed');
    expect(error).toMatchObject({ taskId: executor.events[0]?.taskId, state: 'failed', url: server.url });
    expect((error as Error).message).toContain('failed: The billing system is down.');
  });

  it('fails the attempt when the remote rejects the task', async () => {
    const { server } = await remote({ reject: 'Not my department.' });
    const agent = await createA2aAgent({ url: server.url });
    await expect(agent.run(inputOf(), new RunScope())).rejects.toMatchObject({
      code: 'remote-rejected',
      state: 'rejected',
    });
  });

  it('keeps a Baton server’s refusal and escalation statuses across the wire', async () => {
    const { server } = await remote([
      { reject: 'Please ask a person.', metadata: { baton: { status: 'needs-human' } } },
      { answer: 'I cannot give legal advice.', metadata: { baton: { status: 'declined' } } },
    ]);
    const agent = await createA2aAgent({ url: server.url });
    await expect(agent.run(inputOf(), new RunScope())).resolves.toMatchObject({
      text: 'Please ask a person.',
      status: 'needs-human',
    });
    await expect(agent.run(inputOf(), new RunScope())).resolves.toMatchObject({
      text: 'I cannot give legal advice.',
      status: 'declined',
    });
  });

  it('fails a remote that asks for input, with its question, and cancels the waiting task', async () => {
    const { server, executor } = await remote({ askForInput: 'Which order number?' });
    const agent = await createA2aAgent({ url: server.url });
    const error = await agent.run(inputOf(), new RunScope()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'input-required', state: 'input-required' });
    expect((error as Error).message).toContain('asked for input: Which order number?');
    const [canceled] = await executor.until('canceled');
    expect(canceled?.taskId).toBe(executor.events[0]?.taskId);
  });

  it('cancels the remote task when the signal fires, and the server sees the cancel', async () => {
    const { server, executor } = await remote({ hang: true });
    const updates: A2aTaskUpdate[] = [];
    let working: () => void = () => undefined;
    const clientSawWork = new Promise<void>((resolve) => (working = resolve));
    const agent = await createA2aAgent({
      url: server.url,
      onUpdate: (update) => {
        updates.push(update);
        if (update.state === 'working') working();
      },
    });
    const controller = new AbortController();
    const { scope, remote: reported } = attemptScope({ signal: controller.signal });
    const running = agent.run(inputOf(), scope);
    const [started] = await executor.until('started');
    await clientSawWork;
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'aborted' });
    const [canceled] = await executor.until('canceled');
    expect(canceled?.taskId).toBe(started?.taskId);
    expect(reported.at(-1)?.taskId).toBe(started?.taskId);
    expect(updates.map((update) => update.state)).toEqual(['submitted', 'working']);
  });

  it('finds and cancels the task when the signal fires before its id arrived', async () => {
    const controller = new AbortController();
    const { server, executor } = await remote({ hang: true });
    // The transport holds the stream back until the task started, then the caller gives up.
    const holdingFetch: typeof fetch = async (url, init) => {
      const response = await fetch(url, init);
      if (new Headers(init?.headers).get('accept') === 'text/event-stream') {
        await executor.until('started');
        controller.abort();
      }
      return response;
    };
    const agent = await createA2aAgent({ url: server.url, fetch: holdingFetch });
    const { scope, remote: reported } = attemptScope({ signal: controller.signal });
    await expect(agent.run(inputOf(), scope)).rejects.toMatchObject({ code: 'aborted' });
    expect(reported.at(-1)?.taskId).toBeUndefined();
    const [canceled] = await executor.until('canceled');
    expect(canceled?.taskId).toBe(executor.events[0]?.taskId);
  });

  it('cancels the remote task when the scope’s deadline passes', async () => {
    const { server, executor } = await remote({ hang: true });
    const { sleep, waiting } = manualSleep();
    const now = () => 1_000;
    const agent = await createA2aAgent({ url: server.url, sleep, now });
    const running = agent.run(inputOf(), new RunScope({ deadline: 31_000 }));
    await executor.until('started');
    expect(waiting.map((entry) => entry.ms)).toEqual([30_000]);
    waiting[0]?.resolve();
    await expect(running).rejects.toMatchObject({ code: 'deadline-exceeded' });
    await executor.until('canceled');
  });

  it('cancels the remote task when its reported usage exceeds the token budget', async () => {
    const { server, executor } = await remote({
      hang: true,
      metadata: { baton: { usage: { inputTokens: 900, outputTokens: 200 } } },
    });
    const agent = await createA2aAgent({ url: server.url });
    const scope = new RunScope({ budget: new Budget({ tokens: 1_000 }) });
    await expect(agent.run(inputOf(), scope)).rejects.toMatchObject({
      code: 'budget-exceeded',
      resource: 'tokens',
    });
    await executor.until('canceled');
    expect(scope.budget.spent().tokens).toBe(1_100);
  });

  it('returns structured data when the task asks for it, and refuses data of the wrong shape', async () => {
    const { server } = await remote([
      { answer: 'Refund of 20 EUR.', data: { amount: 20, currency: 'EUR' } },
      { answer: '{"amount": "twenty"}' },
    ]);
    const agent = await createA2aAgent({ url: server.url });
    const output = z.object({ amount: z.number(), currency: z.string().default('EUR') });
    await expect(agent.run(inputOf({ output }), new RunScope())).resolves.toMatchObject({
      data: { amount: 20, currency: 'EUR' },
    });
    const error = await agent.run(inputOf({ output }), new RunScope()).catch((caught: unknown) => caught);
    expect(BatonError.isInstance(error) && error.code).toBe('invalid-output');
  });

  it('reads the card through the injected fetch and refuses an invalid or unreachable card', async () => {
    const { server } = await remote({ answer: 'ok' });
    const seen: string[] = [];
    const recordingFetch: typeof fetch = (url, init) => {
      seen.push(String(url));
      return fetch(url, init);
    };
    const agent = await createA2aAgent({ url: server.url, fetch: recordingFetch });
    await agent.run(inputOf(), new RunScope());
    expect(seen).toEqual([`${server.url}.well-known/agent-card.json`, server.url]);

    const broken = await startA2aTestServer({
      executor: scriptedExecutor({ answer: 'ok' }),
      editCard: (card) => ({ ...card, supportedInterfaces: undefined }),
    });
    servers.push(broken);
    await expect(createA2aAgent({ url: broken.url })).rejects.toMatchObject({
      code: 'invalid-card',
      message: expect.stringContaining('names no endpoint'),
    });
    await expect(createA2aAgent({ card: { description: 'no name' } })).rejects.toMatchObject({
      code: 'invalid-card',
      message: expect.stringContaining('name'),
    });
    const refused: typeof fetch = async () => {
      throw new TypeError('fetch failed');
    };
    await expect(createA2aAgent({ url: server.url, fetch: refused })).rejects.toMatchObject({
      code: 'card-unavailable',
    });
    await expect(createA2aAgent({})).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('accepts an A2A 0.3 card (endpoint in `url`) through the SDK’s compatibility layer', async () => {
    const agent = await createA2aAgent({
      card: {
        protocolVersion: '0.3.0',
        name: 'Legacy billing',
        description: 'An older A2A agent.',
        url: 'http://127.0.0.1:9/a2a',
        preferredTransport: 'JSONRPC',
        version: '2.1.0',
        capabilities: { streaming: false },
        defaultInputModes: ['text/plain'],
        defaultOutputModes: ['text/plain'],
        skills: [
          { id: 'refunds', name: 'Refunds', description: 'Refunds.', tags: ['domain:billing'], examples: [] },
        ],
      },
    });
    expect([agent.id, agent.url, agent.streaming, agent.card.domains, agent.card.version]).toEqual([
      'legacy-billing',
      'http://127.0.0.1:9/a2a',
      false,
      ['billing'],
      '2.1.0',
    ]);
  });

  describe('trace context', () => {
    const manager = new AsyncLocalStorageContextManager();
    beforeAll(() => {
      otelContext.setGlobalContextManager(manager.enable());
    });
    afterAll(() => {
      manager.disable();
      otelContext.disable();
    });
    const span = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };

    it('sends the active OpenTelemetry span as the traceparent header', async () => {
      const { server, executor } = await remote({ answer: 'ok' });
      const agent = await createA2aAgent({ url: server.url });
      await otelContext.with(trace.setSpanContext(ROOT_CONTEXT, span), () =>
        agent.run(inputOf(), new RunScope()),
      );
      await agent.run(inputOf(), new RunScope());
      expect(executor.headers.map((headers) => headers.traceparent)).toEqual([
        '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        undefined,
      ]);
    });

    it('takes the traceparent from a callback instead, or sends none', async () => {
      const { server, executor } = await remote({ answer: 'ok' });
      const asked: string[] = [];
      const fromCallback = await createA2aAgent({
        url: server.url,
        traceparent: ({ agentId, scope }) => {
          asked.push(`${agentId} ${scope.parentEventId}`);
          return '00-11111111111111111111111111111111-2222222222222222-01';
        },
      });
      const none = await createA2aAgent({ url: server.url, traceparent: false });
      const malformed = await createA2aAgent({ url: server.url, traceparent: () => 'not a traceparent' });
      await fromCallback.run(inputOf(), new RunScope({ parentEventId: 'run-1' }));
      await otelContext.with(trace.setSpanContext(ROOT_CONTEXT, span), () =>
        none.run(inputOf(), new RunScope()),
      );
      await malformed.run(inputOf(), new RunScope());
      expect(asked).toEqual(['billing run-1']);
      expect(executor.headers.map((headers) => headers.traceparent)).toEqual([
        '00-11111111111111111111111111111111-2222222222222222-01',
        undefined,
        undefined,
      ]);
    });
  });
});
