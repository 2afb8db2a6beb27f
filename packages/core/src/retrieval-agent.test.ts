import { describe, expect, it } from 'vitest';
import { createRetrievalAgent } from './retrieval-agent.js';
import { RunScope } from './run-scope.js';
import { defineTask } from './task-spec.js';

const articles = [
  {
    id: 'refunds',
    title: 'Refunds of annual plans',
    body: 'Annual plans can be refunded pro rata within the first 30 days. Monthly plans are not refunded. Contact billing for help.',
    tags: ['refund'],
    language: 'en',
  },
  {
    id: 'printer',
    title: 'Printer not printing',
    body: 'Check that the paper roll faces the right way. Restart the printer. Print a test page.',
    tags: ['printer'],
    language: 'en',
  },
];
const card = { id: 'kb', name: 'KB', description: 'knowledge', languages: ['en'] };
const input = (
  goal: string,
  extra: Partial<Parameters<ReturnType<typeof createRetrievalAgent>['run']>[0]> = {},
) => ({
  task: defineTask({ goal, language: 'en' }),
  context: { messages: [], info: { policy: 'none', messages: 0, characters: 0, redactions: 0 } },
  previousAttempts: [],
  ...extra,
});

describe('createRetrievalAgent', () => {
  it('quotes the sentences of the best article that cover the request', async () => {
    const agent = createRetrievalAgent({ card, articles, maxSentences: 1 });
    const output = await agent.run(input('can my annual plan be refunded?'), new RunScope());
    expect(output.text).toBe('Annual plans can be refunded pro rata within the first 30 days.');
    expect(output.sources?.[0]?.id).toBe('refunds');
    expect(output.confidence).toBeGreaterThan(0.6);
  });

  it('reports low confidence when the request is barely covered', async () => {
    const agent = createRetrievalAgent({ card, articles });
    const output = await agent.run(
      input('how do I export my timesheets to payroll software?'),
      new RunScope(),
    );
    expect(output.confidence).toBeLessThan(0.4);
  });

  it('avoids the sources of a rejected attempt on retry', async () => {
    const agent = createRetrievalAgent({ card, articles });
    const output = await agent.run(
      input('refund printer', { previousAttempts: [{ agentId: 'kb', sources: ['refunds'], verdicts: [] }] }),
      new RunScope(),
    );
    expect(output.sources?.[0]?.id).toBe('printer');
  });

  it('halves its confidence when answering in another language than the customer’s', async () => {
    const agent = createRetrievalAgent({ card, articles });
    const english = await agent.run(input('annual plan refund'), new RunScope());
    const spanish = await agent.run(
      { ...input('annual plan refund'), task: defineTask({ goal: 'annual plan refund', language: 'es' }) },
      new RunScope(),
    );
    expect(spanish.confidence).toBeCloseTo((english.confidence ?? 0) / 2, 2);
  });

  it('searches short follow-ups together with the previous user message', async () => {
    const agent = createRetrievalAgent({ card, articles });
    const output = await agent.run(
      input('and how?', {
        context: {
          messages: [{ role: 'user', content: 'my printer is not printing' }],
          info: { policy: 'x', messages: 1, characters: 26, redactions: 0 },
        },
      }),
      new RunScope(),
    );
    expect(output.sources?.[0]?.id).toBe('printer');
  });

  it('refuses to start without knowledge', () => {
    expect(() => createRetrievalAgent({ card, articles: [] })).toThrow(/no knowledge articles/);
  });
});
