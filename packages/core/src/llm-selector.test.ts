import { describe, expect, it } from 'vitest';
import { createLlmAgent } from './llm-agent.js';
import { llmSelector } from './llm-selector.js';
import { RunScope } from './run-scope.js';
import { scriptedChatModel } from './testing/scripted-chat-model.js';

const card = (id: string, description: string) => ({ id, name: id, description, domains: [id] });
const answering = scriptedChatModel(['ok'], { repeatLast: true });
const agent = (id: string, description: string) =>
  createLlmAgent({ card: card(id, description), model: answering, instructions: id });

describe('llmSelector', () => {
  it('offers each call the candidates it is given, when one selector serves several rosters', async () => {
    const model = scriptedChatModel(
      [
        {
          toolCalls: [{ name: 'delegate', arguments: { agent: 'billing', task: 'refund', reason: 'money' } }],
        },
      ],
      { repeatLast: true },
    );
    const select = llmSelector({ model });
    const front = agent('front', 'general questions');
    const turn = { message: 'I want a refund', history: [] };
    const first = [agent('billing', 'invoices and refunds'), agent('technical', 'printers')];
    // Same ids, other agents (other cards): what the model sees must follow the agents, not the ids.
    const second = [agent('billing', 'payouts and fees only'), agent('technical', 'printers')];
    for (const candidates of [first, first, second, first]) {
      await select.select({ text: turn.message, language: 'en', turn, front, candidates }, new RunScope());
    }
    const offered = model.requests.map((request) => {
      const schema = request.tools?.[0]?.parameters as
        | { properties: { agent: { enum: string[] } } }
        | undefined;
      return { prompt: request.messages[0]?.content ?? '', agents: schema?.properties.agent.enum };
    });
    expect(offered.map((offer) => offer.agents)).toEqual([
      ['billing', 'technical'],
      ['billing', 'technical'],
      ['billing', 'technical'],
      ['billing', 'technical'],
    ]);
    expect(offered[2]?.prompt).toContain('payouts and fees only');
    expect(offered[2]?.prompt).not.toContain('invoices and refunds');
    expect(offered[3]?.prompt).toContain('invoices and refunds');
    expect(offered[3]?.prompt).toContain('printers');
  });

  it('refuses a model that edits the shared tools in place, so no later call is changed by it', async () => {
    const editing = scriptedChatModel((request) => {
      (request.tools as unknown as unknown[]).push({ name: 'extra' });
      return 'hello';
    });
    const select = llmSelector({ model: editing });
    const front = agent('front', 'general questions');
    const turn = { message: 'hi', history: [] };
    const candidates = [agent('billing', 'invoices and refunds')];
    await expect(
      select.select({ text: turn.message, language: 'en', turn, front, candidates }, new RunScope()),
    ).rejects.toThrow();
  });

  it('does not run an allowed agent named by a delegate call it could not read (no task)', async () => {
    const model = scriptedChatModel([{ toolCalls: [{ name: 'delegate', arguments: { agent: 'billing' } }] }]);
    const front = agent('front', 'general questions');
    const turn = { message: 'I was charged twice', history: [] };
    const candidates = [agent('billing', 'invoices and refunds')];
    const selection = await llmSelector({ model }).select(
      { text: turn.message, language: 'en', turn, front, candidates },
      new RunScope(),
    );
    expect(selection.candidates).toEqual([]);
    expect(selection.directAnswer).toBeUndefined();
  });
});
