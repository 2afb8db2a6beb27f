import type { EmbeddingModel } from './chat-model.js';
import type { ContextPolicy } from './context-policy.js';
import { defineStrategy } from './define-strategy.js';
import { embeddingSelector } from './embedding-selector.js';
import type { FailureLadder } from './failure-ladder.js';
import type { Strategy } from './strategy.js';
import type { Verifier } from './verifier.js';

/**
 * Routes by embedding similarity between the request and the delegates' capability cards
 * ({@link embeddingSelector}); its embedding calls are budgeted, cancellable and traced like model
 * calls. Needs an embedding model.
 *
 * @example
 * ```ts
 * const strategy = routeEmbedding({ model: createEmbeddingModel('openai:text-embedding-3-small') });
 * ```
 */
export function routeEmbedding(options: {
  model: EmbeddingModel;
  languagePenalty?: number;
  transfer?: ContextPolicy;
  verify?: readonly Verifier[];
  ladder?: FailureLadder;
}): Strategy {
  return defineStrategy({
    name: 'route-embedding',
    description: `embedding ${options.model.provider}:${options.model.modelId} similarity to capability cards`,
    select: embeddingSelector({
      model: options.model,
      ...(options.languagePenalty !== undefined ? { languagePenalty: options.languagePenalty } : {}),
    }),
    ...(options.transfer ? { transfer: options.transfer } : {}),
    ...(options.verify ? { verify: options.verify } : {}),
    ...(options.ladder ? { ladder: options.ladder } : {}),
  });
}
