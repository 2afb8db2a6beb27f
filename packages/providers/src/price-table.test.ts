import { describe, expect, it } from 'vitest';
import { computeCost, createPriceTable, defaultPrices } from './price-table.js';

describe('computeCost', () => {
  it('charges input, cached input and output per million tokens', () => {
    const price = { inputPerMillion: 2, outputPerMillion: 8, cachedInputPerMillion: 0.5 };
    expect(
      computeCost(price, { inputTokens: 1_000_000, outputTokens: 250_000, cachedInputTokens: 400_000 }),
    ).toBe(0.6 * 2 + 0.4 * 0.5 + 0.25 * 8);
  });

  it('charges cached tokens at the input price when the model has no cached price', () => {
    expect(
      computeCost(
        { inputPerMillion: 1, outputPerMillion: 1 },
        { inputTokens: 10, outputTokens: 0, cachedInputTokens: 10 },
      ),
    ).toBe(0.00001);
  });
});

describe('createPriceTable', () => {
  const table = createPriceTable();

  it('finds dated snapshots and vendor-prefixed names under their base model', () => {
    expect(table.lookup('openai', ['gpt-4o-2024-08-06'])).toBe(defaultPrices['gpt-4o']);
    expect(table.lookup('openrouter', ['openai/gpt-4.1-mini'])).toBe(defaultPrices['gpt-4.1-mini']);
  });

  it('prefers a provider-specific price', () => {
    expect(table.lookup('groq', ['llama-3.3-70b-versatile'])).toBe(
      defaultPrices['groq:llama-3.3-70b-versatile'],
    );
    expect(table.lookup('together', ['llama-3.3-70b-versatile'])).toBeUndefined();
  });

  it('tries each candidate id in order, e.g. an Azure deployment name, then the answering model', () => {
    expect(table.lookup('azure', ['my-deployment', 'gpt-4o-mini-2024-07-18'])).toBe(
      defaultPrices['gpt-4o-mini'],
    );
  });

  it('knows nothing of unknown models rather than guessing', () => {
    expect(table.lookup('openai', ['my-finetune', undefined])).toBeUndefined();
  });

  it('lets users add and override prices, with or without the defaults', () => {
    const custom = createPriceTable({
      'gpt-4o': { inputPerMillion: 1, outputPerMillion: 1 },
      mine: { inputPerMillion: 3, outputPerMillion: 4 },
    });
    expect(custom.lookup('openai', ['gpt-4o'])?.inputPerMillion).toBe(1);
    expect(custom.lookup('openai', ['mine'])?.outputPerMillion).toBe(4);
    expect(createPriceTable({}, { includeDefaults: false }).lookup('openai', ['gpt-4o'])).toBeUndefined();
  });
});
