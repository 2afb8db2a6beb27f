import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLimiterRegistry } from './limiter-registry.js';
import { createOpenAIEmbeddingModel } from './openai-embedding-model.js';
import { createMockOpenAIServer, embeddingResponse, type MockOpenAIServer, reply } from './testing/index.js';

let server: MockOpenAIServer;
beforeEach(async () => {
  server = await createMockOpenAIServer();
});
afterEach(async () => {
  await server.close();
});

const embedder = (model = 'text-embedding-3-small') =>
  createOpenAIEmbeddingModel({
    model,
    apiKey: 'sk-test-secret',
    baseURL: server.url,
    limiters: createLimiterRegistry(),
    retry: { sleep: async () => {} },
  });

describe('createOpenAIEmbeddingModel', () => {
  it('returns one vector per value in input order, with usage and cost', async () => {
    const body = embeddingResponse({
      embeddings: [
        [1, 0],
        [0, 1],
      ],
      promptTokens: 1_000_000,
    });
    // Hosts may list data out of order; `index` is what counts.
    (body.data as unknown[]).reverse();
    server.enqueue(reply.json(body));
    const result = await embedder().embed({ values: ['refund', 'password'] });
    expect(result).toEqual({
      embeddings: [
        [1, 0],
        [0, 1],
      ],
      usage: { inputTokens: 1_000_000 },
      costUsd: 0.02,
    });
    expect(server.requests[0]?.body).toEqual({
      model: 'text-embedding-3-small',
      input: ['refund', 'password'],
      encoding_format: 'float',
    });
  });

  it('retries a 500 like the chat model does', async () => {
    server.enqueue(reply.error(500));
    const result = await embedder().embed({ values: ['a'] });
    expect(result.embeddings).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
  });

  it('fails with invalid-response when the host returns fewer vectors than values', async () => {
    server.enqueue(reply.json(embeddingResponse({ embeddings: [[1, 0]] })));
    await expect(embedder().embed({ values: ['a', 'b'] })).rejects.toMatchObject({
      code: 'invalid-response',
    });
  });

  it('answers an empty batch without calling the host', async () => {
    expect(await embedder().embed({ values: [] })).toEqual({
      embeddings: [],
      usage: { inputTokens: 0 },
      costUsd: 0,
    });
    expect(server.requests).toHaveLength(0);
  });

  it('refuses hosts that serve no embeddings', () => {
    expect(() =>
      createOpenAIEmbeddingModel({ model: 'deepseek-chat', preset: 'deepseek', apiKey: 'k', env: {} }),
    ).toThrow(expect.objectContaining({ code: 'unsupported' }));
  });
});
