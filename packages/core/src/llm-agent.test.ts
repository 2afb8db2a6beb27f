import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentInput } from './agent.js';
import { defineTool } from './agent-tool.js';
import { createLlmAgent } from './llm-agent.js';
import { RunScope } from './run-scope.js';
import { defineTask } from './task-spec.js';
import { scriptedChatModel } from './testing/scripted-chat-model.js';

const input = (
  task = defineTask({ goal: 'Where is order TW-123456?', language: 'en' }),
  extra: Partial<AgentInput> = {},
): AgentInput => ({
  task,
  context: {
    messages: [{ role: 'user', content: 'hi' }],
    info: { policy: 'x', messages: 1, characters: 2, redactions: 0 },
  },
  previousAttempts: [],
  ...extra,
});

function tools() {
  const executed: string[] = [];
  const lookup = defineTool({
    name: 'lookup_order',
    description: 'Find an order',
    parameters: z.object({ orderId: z.string() }),
    execute: ({ orderId }) => {
      executed.push(`lookup:${orderId}`);
      return JSON.stringify({ orderId, status: 'shipped' });
    },
  });
  const refund = defineTool({
    name: 'issue_refund',
    description: 'Refund money',
    parameters: z.object({ amount: z.number() }),
    execute: ({ amount }) => {
      executed.push(`refund:${amount}`);
      return 'refunded';
    },
  });
  return { executed, lookup, refund };
}

describe('createLlmAgent', () => {
  it('runs granted tools and feeds their results back to the model', async () => {
    const { executed, lookup, refund } = tools();
    const model = scriptedChatModel([
      { toolCalls: [{ name: 'lookup_order', arguments: { orderId: 'TW-123456' } }] },
      'Your order TW-123456 has shipped.',
    ]);
    const agent = createLlmAgent({
      card: { id: 'orders', name: 'Orders', description: 'orders', tools: ['lookup_order'] },
      model,
      instructions: 'Help.',
      tools: [lookup, refund],
    });
    const output = await agent.run(input(), new RunScope());
    expect(output.text).toBe('Your order TW-123456 has shipped.');
    expect(executed).toEqual(['lookup:TW-123456']);
    expect(model.requests[0]?.tools?.map((tool) => tool.name)).toEqual(['lookup_order']);
    expect(model.requests[1]?.messages.at(-1)).toMatchObject({
      role: 'tool',
      content: '{"orderId":"TW-123456","status":"shipped"}',
    });
  });

  it('never executes a tool outside its grant, even when the model asks for it', async () => {
    const { executed, lookup, refund } = tools();
    const model = scriptedChatModel([
      { toolCalls: [{ name: 'issue_refund', arguments: { amount: 500 } }] },
      'Done.',
    ]);
    const agent = createLlmAgent({
      card: { id: 'orders', name: 'Orders', description: 'orders', tools: ['lookup_order'] },
      model,
      instructions: 'Help.',
      tools: [lookup, refund],
    });
    await agent.run(input(), new RunScope());
    expect(executed).toEqual([]);
    expect(model.requests[1]?.messages.at(-1)?.content).toBe(
      'Error: tool "issue_refund" is not granted to this agent.',
    );
  });

  it('cannot widen its grant beyond what the delegating branch allows', async () => {
    const { executed, lookup } = tools();
    const model = scriptedChatModel([
      { toolCalls: [{ name: 'lookup_order', arguments: { orderId: 'A' } }] },
      'ok',
    ]);
    const agent = createLlmAgent({
      card: { id: 'orders', name: 'Orders', description: 'orders', tools: ['lookup_order'] },
      model,
      instructions: 'Help.',
      tools: [lookup],
    });
    await agent.run(input(), new RunScope({ toolGrant: new Set() }));
    expect(model.requests[0]?.tools).toBeUndefined();
    expect(executed).toEqual([]);
  });

  it('asks for JSON-schema output and validates it when the task names an output schema', async () => {
    const model = scriptedChatModel(['{"status":"shipped","eta":"Friday"}', '{"status":42}']);
    const agent = createLlmAgent({
      card: { id: 'orders', name: 'Orders', description: 'orders' },
      model,
      instructions: 'Help.',
    });
    const task = defineTask({
      goal: 'status?',
      output: z.object({ status: z.string(), eta: z.string().optional() }),
    });
    const output = await agent.run(input(task), new RunScope());
    expect(output.data).toEqual({ status: 'shipped', eta: 'Friday' });
    expect(model.requests[0]?.responseFormat).toMatchObject({ type: 'json-schema', name: 'result' });
    await expect(agent.run(input(task), new RunScope())).rejects.toMatchObject({ code: 'invalid-output' });
  });

  it('puts the best knowledge articles and earlier rejections in its prompt', async () => {
    const model = scriptedChatModel(['Refunds take 5–10 days.']);
    const agent = createLlmAgent({
      card: { id: 'billing', name: 'Billing', description: 'billing' },
      model,
      instructions: 'You are billing.',
      knowledge: [
        {
          id: 'kb-refund',
          title: 'Refund timing',
          body: 'Refunds reach the card in 5–10 business days.',
          tags: ['refund'],
          language: 'en',
        },
        { id: 'kb-printer', title: 'Printer', body: 'Check the paper.', tags: [], language: 'en' },
      ],
    });
    const output = await agent.run(
      input(defineTask({ goal: 'how long does a refund take?' }), {
        previousAttempts: [
          {
            agentId: 'billing',
            sources: [],
            verdicts: [{ verifier: 'confidence', passed: false, reason: 'too vague' }],
          },
        ],
      }),
      new RunScope(),
    );
    const system = model.requests[0]?.messages[0]?.content ?? '';
    expect(system).toContain('[kb-refund]');
    expect(system).toContain('too vague');
    expect(output.sources?.[0]?.id).toBe('kb-refund');
  });

  it('hands the conversation back through its hand_back tool in handoff mode', async () => {
    const model = scriptedChatModel([
      { toolCalls: [{ name: 'hand_back', arguments: { reason: 'this is about shipping' } }] },
    ]);
    const agent = createLlmAgent({
      card: { id: 'billing', name: 'Billing', description: 'billing' },
      model,
      instructions: 'x',
    });
    const output = await agent.run(input(undefined, { handoff: true }), new RunScope());
    expect(output).toMatchObject({ status: 'hand-back', text: 'this is about shipping' });
  });
});
