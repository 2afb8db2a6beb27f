import type { ChatCallOptions, EmbeddingModel } from '@baton/core';
import { type OpenAIModelOptions, resolveModelSetup } from './model-setup.js';
import { embeddingResponseSchema, parseWireBody } from './openai-wire-schemas.js';
import { ProviderCallError, ProviderError } from './provider-error.js';
import { readJsonBody } from './read-json-body.js';
import { resilientCall } from './resilient-call.js';

/**
 * A core {@link EmbeddingModel} over the `openai` SDK's `/embeddings`, with the same limiter,
 * timeout, retries and pricing as the chat model.
 *
 * @example
 * ```ts
 * const embedder = createOpenAIEmbeddingModel({ model: 'text-embedding-3-small' });
 * const { embeddings } = await embedder.embed({ values: ['refund my order', 'reset my password'] });
 * ```
 */
export function createOpenAIEmbeddingModel(options: OpenAIModelOptions): EmbeddingModel {
  const setup = resolveModelSetup(options);
  if (!setup.quirks.embeddings) {
    throw new ProviderError(
      'unsupported',
      `${setup.preset.label} serves no embeddings. Use another host, or set quirks.embeddings if it now does.`,
    );
  }
  const { hostLabel } = setup.resilience;
  return {
    specificationVersion: 'v1',
    provider: setup.provider,
    modelId: setup.modelId,
    async embed(request: { values: string[] }, callOptions?: ChatCallOptions) {
      if (request.values.length === 0) return { embeddings: [], usage: { inputTokens: 0 }, costUsd: 0 };
      const response = await resilientCall(
        async (attempt) => {
          const response = await setup.client.embeddings
            .create(
              // Floats explicitly: the SDK would otherwise ask for base64, which not every host speaks.
              { model: setup.modelId, input: request.values, encoding_format: 'float' },
              { ...setup.requestOptions, signal: attempt.signal },
            )
            .asResponse();
          const raw = await readJsonBody(response, attempt, hostLabel);
          return parseWireBody(embeddingResponseSchema, raw, { hostLabel, what: 'an embedding response' });
        },
        setup.resilience,
        callOptions?.signal,
      );
      const embeddings: number[][] = [];
      for (const item of response.data) embeddings[item.index] = item.embedding;
      // `some` would skip the holes a missing index leaves, so count them with Array.from.
      const complete = Array.from(
        { length: request.values.length },
        (_, index) => embeddings[index] !== undefined,
      );
      if (response.data.length !== request.values.length || complete.includes(false)) {
        throw new ProviderCallError(
          'invalid-response',
          `${hostLabel} returned ${response.data.length} embeddings for ${request.values.length} inputs.`,
          { isRetryable: false },
        );
      }
      const usage = response.usage === null || response.usage === undefined ? undefined : response.usage;
      const inputTokens = usage?.prompt_tokens ?? 0;
      const costUsd = setup.costOf(
        usage === undefined ? undefined : { inputTokens, outputTokens: 0 },
        response.model,
      );
      return { embeddings, usage: { inputTokens }, ...(costUsd === undefined ? {} : { costUsd }) };
    },
  };
}
