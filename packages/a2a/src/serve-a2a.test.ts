import { randomUUID } from 'node:crypto';
import { type Message, Role, type StreamResponse, TaskState } from '@a2a-js/sdk';
import { ClientFactory } from '@a2a-js/sdk/client';
import { type AgentInput, BatonError, createTeam, type DelegationEvent, routeLexical } from '@baton/core';
import { fakeAgent } from '@baton/core/testing';
import { context as otelContext, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type A2aServer, serveA2a } from './serve-a2a.js';
import { textPart } from './task-message.js';

const card = {
  id: 'billing',
  name: 'Billing',
  description: 'Invoices and refunds.',
  domains: ['billing'],
  skills: [
    { id: 'refunds', name: 'Refunds', description: 'Refund timing.', examples: ['where is my refund'] },
  ],
};

const servers: A2aServer[] = [];
async function serve(...args: Parameters<typeof serveA2a>): Promise<A2aServer> {
  const server = await serveA2a(...args);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A plain A2A message, as any client would send it: text only. */
function userMessage(text: string): Message {
  return {
    messageId: randomUUID(),
    contextId: '',
    taskId: '',
    role: Role.ROLE_USER,
    parts: [textPart(text)],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}

const send = (text: string) => ({
  tenant: '',
  message: userMessage(text),
  configuration: undefined,
  metadata: undefined,
});

describe('serveA2a', () => {
  it('publishes the capability card as an A2A card, domains and languages as skill tags', async () => {
    const server = await serve(fakeAgent({ card, reply: 'ok' }));
    const response = await fetch(server.cardUrl);
    expect(response.headers.get('content-type')).toBe('application/json');
    const published = (await response.json()) as Record<string, unknown>;
    expect(published).toMatchObject({
      name: 'Billing',
      description: 'Invoices and refunds.',
      supportedInterfaces: [{ url: server.url, protocolBinding: 'JSONRPC', protocolVersion: '1.0' }],
      capabilities: { streaming: true },
      skills: [{ id: 'refunds', tags: ['domain:billing', 'lang:en'], examples: ['where is my refund'] }],
    });
    expect(server.cardUrl).toBe(`${server.url}.well-known/agent-card.json`);
  });

  it('answers the SDK’s own client, streaming and not, with usage in the metadata', async () => {
    const agent = fakeAgent({
      card,
      reply: (input) => ({
        text: `Refunds take five days (${input.task.goal}).`,
        usage: { inputTokens: 7, outputTokens: 3 },
        costUsd: 0.001,
      }),
    });
    const server = await serve(agent);
    const client = await new ClientFactory().createFromUrl(server.url);

    const events: StreamResponse[] = [];
    for await (const event of client.sendMessageStream(send('Where is my refund?'))) events.push(event);
    expect(events.map((event) => event.payload?.$case)).toEqual([
      'task',
      'statusUpdate',
      'artifactUpdate',
      'statusUpdate',
    ]);
    const last = events.at(-1)?.payload;
    expect(last?.$case === 'statusUpdate' && last.value.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(last?.$case === 'statusUpdate' && last.value.metadata).toEqual({
      baton: { status: 'answered', usage: { inputTokens: 7, outputTokens: 3 }, costUsd: 0.001 },
    });

    const task = await client.sendMessage(send('And my invoice?'));
    expect('id' in task && task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    const artifact = 'artifacts' in task ? task.artifacts[0] : undefined;
    expect(artifact?.parts[0]?.content).toEqual({
      $case: 'text',
      value: 'Refunds take five days (And my invoice?).',
    });
    // A client that is not Baton sends text only: it becomes the goal, with no context.
    expect(agent.inputs[0]?.task).toEqual({
      goal: 'Where is my refund?',
      constraints: [],
      acceptanceCriteria: [],
    });
  });

  it('ends escalations as rejected, failures as failed, and says why', async () => {
    const agent = fakeAgent({
      card,
      reply: (_input, call) => {
        if (call === 1)
          return { text: 'A person must decide on refunds over 500 EUR.', status: 'needs-human' };
        throw new BatonError('model-error', 'The model is unavailable.');
      },
    });
    const server = await serve(agent);
    const client = await new ClientFactory().createFromUrl(server.url);
    const escalated = await client.sendMessage(send('Refund 900 EUR'));
    const failed = await client.sendMessage(send('Refund 10 EUR'));
    const summary = (task: typeof escalated) =>
      'status' in task
        ? {
            state: task.status?.state,
            text: task.status?.message?.parts[0]?.content?.value,
            baton: (task.metadata as Record<string, unknown> | undefined)?.baton,
          }
        : undefined;
    expect([summary(escalated), summary(failed)]).toEqual([
      {
        state: TaskState.TASK_STATE_REJECTED,
        text: 'A person must decide on refunds over 500 EUR.',
        baton: { status: 'needs-human', usage: { inputTokens: 0, outputTokens: 0 }, costUsd: 0 },
      },
      {
        state: TaskState.TASK_STATE_FAILED,
        text: 'The model is unavailable.',
        baton: { error: { code: 'model-error', message: 'The model is unavailable.' } },
      },
    ]);
  });

  it('aborts the served run when the client cancels the task', async () => {
    let started: () => void = () => undefined;
    const running = new Promise<void>((resolve) => (started = resolve));
    let aborted: unknown;
    const agent = fakeAgent({
      card,
      reply: (_input, _call, scope) =>
        new Promise((_resolve, reject) => {
          started();
          scope.signal.addEventListener('abort', () => {
            aborted = scope.signal.reason;
            reject(scope.signal.reason);
          });
        }),
    });
    const server = await serve(agent);
    const client = await new ClientFactory().createFromUrl(server.url);
    const stream = client.sendMessageStream(send('Take your time'));
    const first = await stream.next();
    const taskId = first.value?.payload?.$case === 'task' ? first.value.payload.value.id : '';
    await running;
    const canceled = await client.cancelTask({ tenant: '', id: taskId, metadata: undefined });
    expect(canceled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    expect(BatonError.isInstance(aborted) && aborted.code).toBe('aborted');
    await stream.return(undefined);
  });

  it('cancels what it runs when it closes', async () => {
    let started: () => void = () => undefined;
    const running = new Promise<void>((resolve) => (started = resolve));
    let aborted: unknown;
    const agent = fakeAgent({
      card,
      reply: (_input, _call, scope) =>
        new Promise((_resolve, reject) => {
          started();
          scope.signal.addEventListener('abort', () => {
            aborted = scope.signal.reason;
            reject(scope.signal.reason);
          });
        }),
    });
    const server = await serveA2a(agent);
    const client = await new ClientFactory().createFromUrl(server.url);
    const stream = client.sendMessageStream(send('Take your time'));
    const draining = (async () => {
      for await (const _event of stream) {
        // until the server goes away
      }
    })().catch(() => undefined);
    await running;
    await server.close();
    await draining;
    expect(BatonError.isInstance(aborted) && aborted.message).toBe('The A2A server is closing.');
  });

  it('serves a team as one agent: each task is one turn, with its events on the server', async () => {
    const events: DelegationEvent[] = [];
    const team = createTeam({
      front: fakeAgent({ card: { id: 'desk', name: 'Desk', description: 'Front desk.' }, reply: 'desk' }),
      delegates: [fakeAgent({ card, reply: 'Refunds take five days.' })],
      strategy: routeLexical({ minScore: 0 }),
    });
    const server = await serve(team, {
      card: { ...card, id: 'billing-team' },
      onEvent: (event) => events.push(event),
    });
    const client = await new ClientFactory().createFromUrl(server.url);
    const task = await client.sendMessage(send('Where is my refund?'));
    expect('artifacts' in task && task.artifacts[0]?.parts[0]?.content?.value).toBe(
      'Refunds take five days.',
    );
    expect(events.filter((event) => event.type === 'turn-end').map((event) => event.type)).toEqual([
      'turn-end',
    ]);
  });

  it('rejects requests it cannot serve with JSON-RPC errors', async () => {
    const server = await serve(fakeAgent({ card, reply: 'ok' }));
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'a2a-version': '1.0', ...headers },
        body,
      }).then(async (response) => ({ status: response.status, body: await response.json() }));
    expect(await post('{not json')).toMatchObject({ status: 200, body: { error: { code: -32700 } } });
    expect(await post('{}', { 'content-type': 'text/plain' })).toMatchObject({
      body: { error: { code: -32005 } },
    });
    expect(await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'Nope', params: {} }))).toMatchObject({
      body: { id: 1, error: { code: -32601 } },
    });
    expect((await fetch(`${server.url}elsewhere`)).status).toBe(404);
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

    it('runs the served agent inside the caller’s trace context from the traceparent header', async () => {
      const seen: (string | undefined)[] = [];
      const agent = fakeAgent({
        card,
        reply: (_input: AgentInput) => {
          seen.push(trace.getSpanContext(otelContext.active())?.traceId);
          return 'ok';
        },
      });
      const server = await serve(agent);
      const client = await new ClientFactory().createFromUrl(server.url);
      await client.sendMessage(send('traced'), {
        serviceParameters: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      });
      await client.sendMessage(send('untraced'));
      expect(seen).toEqual(['0af7651916cd43dd8448eb211c80319c', undefined]);
    });
  });
});
