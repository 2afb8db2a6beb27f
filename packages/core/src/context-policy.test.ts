import { describe, expect, it } from 'vitest';
import { fullContext, lastMessages, namedFields, summaryContext } from './context-policy.js';
import { RunScope } from './run-scope.js';
import { scriptedChatModel } from './testing/scripted-chat-model.js';

const history = [
  { role: 'user' as const, content: 'My reader shows E-455. It happened after a drop.' },
  { role: 'assistant' as const, content: 'That one needs a replacement.' },
  { role: 'user' as const, content: 'OK. Also my invoice is wrong.' },
  { role: 'assistant' as const, content: 'Which invoice?' },
];
const turn = { message: 'March', history, fields: { orderId: 'TW-123456', plan: 'Plus', secret: 'x' } };
const scope = new RunScope();

describe('context policies', () => {
  it('sends the whole history, or only the last N messages', async () => {
    expect((await fullContext().select(turn, scope)).messages).toHaveLength(4);
    expect((await lastMessages(1).select(turn, scope)).messages).toEqual([
      { role: 'assistant', content: 'Which invoice?' },
    ]);
  });

  it('sends only the named fields and no transcript', async () => {
    expect(await namedFields(['orderId', 'plan']).select(turn, scope)).toEqual({
      messages: [],
      fields: { orderId: 'TW-123456', plan: 'Plus' },
    });
  });

  it('summarises earlier messages extractively offline', async () => {
    const selection = await summaryContext({ keep: 2 }).select(turn, scope);
    expect(selection.messages).toHaveLength(2);
    expect(selection.summary).toBe('Earlier the customer said: My reader shows E-455.');
  });

  it('summarises with a model through the scope (budgeted and traced)', async () => {
    const model = scriptedChatModel(['Reader broke; replacement agreed.']);
    const selection = await summaryContext({ model, keep: 2 }).select(turn, scope);
    expect(selection.summary).toBe('Reader broke; replacement agreed.');
    expect(model.requests[0]?.messages[1]?.content).toContain('user: My reader shows E-455');
  });
});
