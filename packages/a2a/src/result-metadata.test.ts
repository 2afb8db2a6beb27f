import { describe, expect, it } from 'vitest';
import { readResultMetadata, resultMetadata } from './result-metadata.js';

describe('readResultMetadata', () => {
  it('reads what a Baton server writes', () => {
    const written = resultMetadata({
      status: 'declined',
      usage: { inputTokens: 3, outputTokens: 4 },
      costUsd: 0.5,
      confidence: 0.7,
      sources: [{ id: 'kb-1' }],
    });
    expect(readResultMetadata(written)).toEqual(written.baton);
  });

  it('reads usage and cost in the spellings other servers use', () => {
    expect(
      [
        { usage: { input_tokens: 1, output_tokens: 2 }, cost_usd: 0.1 },
        { usage: { prompt_tokens: 3, completion_tokens: 4 } },
        { adk_usage_metadata: { promptTokenCount: 5, candidatesTokenCount: 6, totalTokenCount: 11 } },
        { usage: { inputTokens: 7, outputTokens: 8 }, costUsd: 0.2 },
      ].map(readResultMetadata),
    ).toEqual([
      { usage: { inputTokens: 1, outputTokens: 2 }, costUsd: 0.1 },
      { usage: { inputTokens: 3, outputTokens: 4 } },
      { usage: { inputTokens: 5, outputTokens: 6 } },
      { usage: { inputTokens: 7, outputTokens: 8 }, costUsd: 0.2 },
    ]);
  });

  it('ignores malformed fields one by one instead of failing the result', () => {
    expect(
      readResultMetadata({
        baton: { usage: { inputTokens: -1, outputTokens: 'many' }, confidence: 7, status: 'answered' },
        costUsd: 'free',
      }),
    ).toEqual({ status: 'answered' });
    expect(readResultMetadata(undefined)).toEqual({});
  });
});
