import { scriptedChatModel } from '@baton/core/testing';
import { describe, expect, it } from 'vitest';
import { createFitJudge } from './fit-judge.js';

const input = {
  customerMessage: 'can I pay by PayPal?',
  answer: 'Hello! How can I help?',
  recordedReply: 'Yes, we accept PayPal, cards and bank transfer.',
  nextMessage: 'and where do I find the invoice afterwards?',
  goals: [
    {
      id: 1,
      customerMessage: 'can I pay by PayPal?',
      reply: 'Yes, we accept PayPal, cards and bank transfer.',
      nuggets: ['we accept PayPal'],
    },
  ],
};

describe('createFitJudge', () => {
  it('asks for a structured verdict with the recording around the answer, and returns it', async () => {
    const model = scriptedChatModel([
      JSON.stringify({ fits: false, conveyed: [], reason: 'The answer never says PayPal is accepted.' }),
    ]);
    const verdict = await createFitJudge({ model }).judge(input);
    expect(verdict).toMatchObject({
      fits: false,
      conveyed: [],
      reason: 'The answer never says PayPal is accepted.',
    });
    const request = model.requests[0]!;
    expect(request.responseFormat).toMatchObject({ type: 'json-schema', name: 'free_run_fit' });
    expect(request.messages[1]!.content).toContain(
      "The customer's next recorded message:\nand where do I find",
    );
  });

  it('keeps only goal ids it was shown, and fits when there is no next message', async () => {
    const model = scriptedChatModel([JSON.stringify({ fits: false, conveyed: [1, 7], reason: 'ok' })]);
    const { nextMessage: _next, ...withoutNext } = input;
    expect(await createFitJudge({ model }).judge(withoutNext)).toMatchObject({ fits: true, conveyed: [1] });
  });

  it('gives up with the reason when the judge call fails, so that the rule decides instead of the run stopping', async () => {
    const model = scriptedChatModel([{ error: new Error('OpenAI answered 400 bad request') }]);
    const verdict = await createFitJudge({ model }).judge(input);
    expect(verdict).toMatchObject({ error: expect.stringContaining('400 bad request') });
  });

  it('reports the usage of every call, the unparseable attempt included', async () => {
    const usage = { inputTokens: 100, outputTokens: 5 };
    const model = scriptedChatModel([
      { content: 'not json', usage },
      { content: JSON.stringify({ fits: true, conveyed: [1], reason: 'ok' }), usage },
    ]);
    expect(await createFitJudge({ model }).judge(input)).toMatchObject({
      fits: true,
      usage: { inputTokens: 200, outputTokens: 10 },
    });
  });

  it('asks once more after an unparseable reply, then gives up with the reason', async () => {
    const model = scriptedChatModel(['not json', '{"fits": "maybe"}']);
    const verdict = await createFitJudge({ model }).judge(input);
    expect(verdict).toMatchObject({ error: expect.stringContaining('unparseable judgement') });
    expect(model.requests).toHaveLength(2);
  });
});
