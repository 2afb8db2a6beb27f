import { describe, expect, it } from 'vitest';
import type { EmbeddingModel } from './chat-model.js';
import { embeddingSelector } from './embedding-selector.js';
import { lexicalSelector } from './lexical-selector.js';
import { RunScope } from './run-scope.js';
import { fakeAgent } from './testing/fake-agent.js';

const front = fakeAgent({ card: { id: 'front', name: 'Front', description: 'general' } });
const billing = fakeAgent({
  card: {
    id: 'billing',
    name: 'Billing',
    description: 'plans invoices refunds',
    domains: ['billing'],
    skills: [
      { id: 'r', name: 'Refunds', description: 'refunds of charges', examples: ['I was charged twice'] },
    ],
  },
});
const soporte = fakeAgent({
  card: {
    id: 'soporte-es',
    name: 'Soporte',
    description: 'facturas reembolsos cargos',
    domains: ['billing'],
    languages: ['es'],
    skills: [
      {
        id: 'r',
        name: 'Reembolsos',
        description: 'reembolsos de cargos',
        examples: ['me cobraron dos veces'],
      },
    ],
  },
});
const request = (text: string, language = 'en') => ({
  text,
  language,
  turn: { message: text, history: [] },
  front,
  candidates: [billing, soporte],
});

describe('lexicalSelector', () => {
  it('ranks delegates by their capability cards and scores in [0, 1]', async () => {
    const selection = await lexicalSelector().select(
      request('I was charged twice, refund please'),
      new RunScope(),
    );
    expect(selection.candidates[0]?.agentId).toBe('billing');
    for (const candidate of selection.candidates) expect(candidate.score).toBeGreaterThanOrEqual(0);
    for (const candidate of selection.candidates) expect(candidate.score).toBeLessThanOrEqual(1);
  });

  it('prefers a delegate that speaks the customer’s language', async () => {
    const selection = await lexicalSelector().select(
      request('me cobraron dos veces, quiero un reembolso', 'es'),
      new RunScope(),
    );
    expect(selection.candidates[0]?.agentId).toBe('soporte-es');
  });

  it('finds nothing for a request no card covers', async () => {
    const selection = await lexicalSelector().select(request('zzz qqq'), new RunScope());
    expect(selection.candidates).toEqual([]);
  });
});

describe('embeddingSelector', () => {
  it('picks the delegate whose card examples are nearest, embedding each card once', async () => {
    let calls = 0;
    // A toy embedding: counts of a few words, so similarity is predictable.
    const vocabulary = ['charged', 'refund', 'reembolso', 'cobraron'];
    const model: EmbeddingModel = {
      specificationVersion: 'v1',
      provider: 'test',
      modelId: 'bag-of-words',
      async embed({ values }) {
        calls += 1;
        return {
          embeddings: values.map((value) =>
            vocabulary.map((word) => (value.toLowerCase().includes(word) ? 1 : 0)),
          ),
          usage: { inputTokens: 0 },
        };
      },
    };
    const selector = embeddingSelector({ model });
    const first = await selector.select(request('I was charged, refund'), new RunScope());
    await selector.select(request('charged again'), new RunScope());
    expect(first.candidates[0]?.agentId).toBe('billing');
    // 2 cards once + 1 query per selection.
    expect(calls).toBe(4);
  });
});
