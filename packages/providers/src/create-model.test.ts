import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCassetteFetch } from './cassette-fetch.js';
import { createEmbeddingModel, createModel } from './create-model.js';
import { createLimiterRegistry } from './limiter-registry.js';
import { ProviderError } from './provider-error.js';
import { createMockOpenAIServer, type MockOpenAIServer } from './testing/index.js';

let server: MockOpenAIServer;
beforeEach(async () => {
  server = await createMockOpenAIServer();
});
afterEach(async () => {
  await server.close();
});

const question = { messages: [{ role: 'user' as const, content: 'Hi' }] };

function thrown(action: () => unknown): ProviderError {
  try {
    action();
  } catch (error) {
    expect(ProviderError.isInstance(error)).toBe(true);
    return error as ProviderError;
  }
  throw new Error('expected an error');
}

describe('createModel', () => {
  it('resolves the preset and keeps colons in the model part', async () => {
    const model = createModel('ollama:qwen3:8b', {
      env: { BATON_OLLAMA_BASE_URL: server.url },
      limiters: createLimiterRegistry(),
    });
    expect([model.provider, model.modelId]).toEqual(['ollama', 'qwen3:8b']);
    const response = await model.generate(question);
    expect(response.message.content).toBe('Mock answer to: Hi');
    // A local host costs nothing per token.
    expect(response.costUsd).toBe(0);
    expect(server.requests[0]?.body).toMatchObject({ model: 'qwen3:8b' });
  });

  it('reads the key from the preset’s variable in the injected env', async () => {
    const model = createModel('deepseek:deepseek-chat', {
      env: { DEEPSEEK_API_KEY: 'sk-deepseek', BATON_DEEPSEEK_BASE_URL: server.url },
      limiters: createLimiterRegistry(),
    });
    await model.generate(question);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-deepseek');
  });

  it('names the variable to set when the key is missing', () => {
    const error = thrown(() => createModel('deepseek:deepseek-chat', { env: {} }));
    expect(error.code).toBe('missing-api-key');
    expect(error.isUserError).toBe(true);
    expect(error.message).toContain('DEEPSEEK_API_KEY');
  });

  it('lists the known presets when the provider is unknown', () => {
    const error = thrown(() => createModel('acme:gpt-9', { env: {} }));
    expect(error.code).toBe('unknown-preset');
    expect(error.message).toContain('openai, azure, anthropic');
  });

  it('explains the expected form when the name has no provider', () => {
    expect(thrown(() => createModel('gpt-4.1-mini', { env: {} })).message).toContain('provider:model');
  });

  it('accepts aliases such as gemini for google', () => {
    const model = createModel('gemini:gemini-2.5-flash', { env: { GEMINI_API_KEY: 'k' } });
    expect(model.provider).toBe('google');
  });

  it('needs no key when replaying from a cassette', () => {
    const fetch = createCassetteFetch({ mode: 'replay', path: '/nonexistent/cassette.jsonl' });
    expect(createModel('openai:gpt-4.1-mini', { env: {}, fetch }).modelId).toBe('gpt-4.1-mini');
  });

  it('talks to Azure with the deployment URL, api-version and api-key header', async () => {
    const origin = server.url.replace(/\/v1$/, '');
    const model = createModel('azure:my-gpt4o-deployment', {
      env: { AZURE_OPENAI_API_KEY: 'azure-secret', AZURE_OPENAI_ENDPOINT: origin },
      limiters: createLimiterRegistry(),
    });
    await model.generate(question);
    const [received] = server.requests;
    expect(received?.path).toBe('/openai/deployments/my-gpt4o-deployment/chat/completions');
    expect(received?.query).toEqual({ 'api-version': '2024-10-21' });
    expect(received?.headers['api-key']).toBe('azure-secret');
  });

  it('asks for the Azure endpoint when it is missing', () => {
    const error = thrown(() => createModel('azure:deployment', { env: { AZURE_OPENAI_API_KEY: 'k' } }));
    expect(error.code).toBe('missing-base-url');
    expect(error.message).toContain('AZURE_OPENAI_ENDPOINT');
  });
});

describe('createEmbeddingModel', () => {
  it('embeds through the preset’s host', async () => {
    const embedder = createEmbeddingModel('openai:text-embedding-3-small', {
      env: { OPENAI_API_KEY: 'sk', OPENAI_BASE_URL: server.url },
      limiters: createLimiterRegistry(),
    });
    const { embeddings } = await embedder.embed({ values: ['same', 'same', 'other'] });
    expect(embeddings[0]).toEqual(embeddings[1]);
    expect(embeddings[0]).not.toEqual(embeddings[2]);
  });
});
