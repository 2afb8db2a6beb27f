import type { EmbeddingModel } from '../chat-model.js';

/** An {@link EmbeddingModel} for tests that records the texts it was asked to embed. */
export interface ScriptedEmbeddingModel extends EmbeddingModel {
  /** Every request's values, in order. */
  readonly requests: string[][];
}

/**
 * An embedding model for tests: `embed` maps each text to the vector the function returns. Usage
 * is a rough count (4 characters a token); `costUsdPerToken` prices it so cost budgets see it.
 *
 * @example
 * ```ts
 * const model = scriptedEmbeddingModel((text) => (/invoice|refund/i.test(text) ? [1, 0] : [0, 1]));
 * ```
 */
export function scriptedEmbeddingModel(
  vectorOf: (text: string) => number[],
  options: { modelId?: string; provider?: string; costUsdPerToken?: number } = {},
): ScriptedEmbeddingModel {
  const requests: string[][] = [];
  return {
    specificationVersion: 'v1',
    provider: options.provider ?? 'scripted',
    modelId: options.modelId ?? 'scripted-embedding',
    requests,
    async embed(request, callOptions) {
      callOptions?.signal?.throwIfAborted();
      requests.push([...request.values]);
      let characters = 0;
      for (const value of request.values) characters += value.length;
      const inputTokens = Math.ceil(characters / 4);
      return {
        embeddings: request.values.map(vectorOf),
        usage: { inputTokens },
        ...(options.costUsdPerToken !== undefined ? { costUsd: inputTokens * options.costUsdPerToken } : {}),
      };
    },
  };
}
