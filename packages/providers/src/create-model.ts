import type { ChatModel, EmbeddingModel } from '@baton/core';
import type { ProviderModelOptions } from './model-setup.js';
import { createOpenAIChatModel } from './openai-chat-model.js';
import { createOpenAIEmbeddingModel } from './openai-embedding-model.js';
import { parseModelName, resolvePreset } from './presets.js';

/**
 * Creates a chat model from the name users write, `provider:model`, resolving the provider's
 * preset (base URL, key variable, quirks). The model part may contain colons.
 *
 * @param name - E.g. `openai:gpt-4.1-mini`, `deepseek:deepseek-chat`, `ollama:qwen3:8b`.
 * @param options - Transport, key, env, limits, prices; see {@link ProviderModelOptions}.
 * @throws {ProviderError} `unknown-preset` (listing the known ones), `missing-api-key` (naming the variable).
 *
 * @example
 * ```ts
 * const model = createModel('deepseek:deepseek-chat'); // reads DEEPSEEK_API_KEY
 * const local = createModel('ollama:qwen3:8b');        // no key needed
 * ```
 */
export function createModel(name: string, options: ProviderModelOptions = {}): ChatModel {
  const { presetId, modelId } = parseModelName(name);
  return createOpenAIChatModel({ ...options, model: modelId, preset: resolvePreset(presetId) });
}

/**
 * Creates an embedding model from `provider:model`, like {@link createModel}.
 *
 * @throws {ProviderError} `unsupported` when the host serves no embeddings.
 *
 * @example
 * ```ts
 * const embedder = createEmbeddingModel('openai:text-embedding-3-small');
 * ```
 */
export function createEmbeddingModel(name: string, options: ProviderModelOptions = {}): EmbeddingModel {
  const { presetId, modelId } = parseModelName(name);
  return createOpenAIEmbeddingModel({ ...options, model: modelId, preset: resolvePreset(presetId) });
}
