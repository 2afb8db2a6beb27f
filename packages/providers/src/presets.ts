import { ProviderError } from './provider-error.js';

/** How a host takes a JSON Schema for the answer. */
export type StructuredOutputSupport =
  /** `response_format: { type: 'json_schema', json_schema }`, as OpenAI documents it. */
  | 'json-schema'
  /** Only `{ type: 'json_object' }`: the schema goes into the system prompt. */
  | 'json-object'
  /** `response_format` is ignored: the schema goes into the system prompt alone. */
  | 'prompt';

/** Where a host departs from the OpenAI wire format. Every flag says what may be sent. */
export interface PresetQuirks {
  /** `parallel_tool_calls` is accepted (others reject or ignore it, so it is left out). */
  parallelToolCalls: boolean;
  /** `stream_options: { include_usage: true }` is accepted. */
  streamUsage: boolean;
  structuredOutput: StructuredOutputSupport;
  /** `messages[].name` is accepted (Groq answers 400). */
  messageName: boolean;
  /** `tool_choice: 'required'` or a named function is accepted (GLM takes only `auto`). */
  forcedToolChoice: boolean;
  /** The field for the output limit: OpenAI's reasoning models need `max_completion_tokens`. */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** The host serves `/embeddings`. */
  embeddings: boolean;
}

/** An OpenAI-compatible host: where it lives, which key it needs, and how it differs. */
export interface Preset {
  /** The prefix users write: `deepseek` in `deepseek:deepseek-chat`. */
  id: string;
  label: string;
  /** The OpenAI-compatible base URL; undefined for Azure, whose URL names your resource. */
  baseURL: string | undefined;
  /** Overrides the base URL (for Azure: the resource endpoint, `https://<resource>.openai.azure.com`). */
  baseURLEnv: string;
  /** Where the key is read from; undefined when the host takes none. */
  apiKeyEnv: string | undefined;
  /** False for local servers that accept any key or none. */
  apiKeyRequired: boolean;
  /** Runs on your own machine: calls cost nothing per token. */
  local: boolean;
  /** Azure only: the `api-version` query parameter. */
  azure?: { apiVersionEnv: string; defaultApiVersion: string };
  quirks: PresetQuirks;
  /** The host's own page on its OpenAI compatibility. */
  docs: string;
}

const openAIQuirks: PresetQuirks = {
  parallelToolCalls: true,
  streamUsage: true,
  structuredOutput: 'json-schema',
  messageName: true,
  forcedToolChoice: true,
  maxTokensField: 'max_completion_tokens',
  embeddings: true,
};

const compatibleQuirks: PresetQuirks = { ...openAIQuirks, maxTokensField: 'max_tokens' };

/**
 * The hosts Baton knows by name. Quirks are the documented ones at the time of writing; override
 * any of them per model with the `quirks` option when a host changes.
 */
export const presets = {
  openai: {
    id: 'openai',
    label: 'OpenAI',
    baseURL: 'https://api.openai.com/v1',
    baseURLEnv: 'OPENAI_BASE_URL',
    apiKeyEnv: 'OPENAI_API_KEY',
    apiKeyRequired: true,
    local: false,
    quirks: openAIQuirks,
    docs: 'https://platform.openai.com/docs/api-reference/chat',
  },
  azure: {
    id: 'azure',
    label: 'Azure OpenAI',
    baseURL: undefined,
    baseURLEnv: 'AZURE_OPENAI_ENDPOINT',
    apiKeyEnv: 'AZURE_OPENAI_API_KEY',
    apiKeyRequired: true,
    local: false,
    azure: { apiVersionEnv: 'AZURE_OPENAI_API_VERSION', defaultApiVersion: '2024-10-21' },
    quirks: openAIQuirks,
    docs: 'https://learn.microsoft.com/azure/ai-foundry/openai/reference',
  },
  anthropic: {
    id: 'anthropic',
    label: 'Anthropic',
    baseURL: 'https://api.anthropic.com/v1',
    baseURLEnv: 'BATON_ANTHROPIC_BASE_URL',
    apiKeyEnv: 'ANTHROPIC_API_KEY',
    apiKeyRequired: true,
    local: false,
    // The compatibility layer ignores response_format and has no embeddings.
    quirks: { ...compatibleQuirks, structuredOutput: 'prompt', embeddings: false },
    docs: 'https://docs.anthropic.com/en/api/openai-sdk',
  },
  google: {
    id: 'google',
    label: 'Google Gemini',
    baseURL: 'https://generativelanguage.googleapis.com/v1beta/openai',
    baseURLEnv: 'BATON_GOOGLE_BASE_URL',
    apiKeyEnv: 'GEMINI_API_KEY',
    apiKeyRequired: true,
    local: false,
    // Gemini always allows parallel calls; the flag is not part of its documented surface.
    quirks: { ...compatibleQuirks, parallelToolCalls: false },
    docs: 'https://ai.google.dev/gemini-api/docs/openai',
  },
  xai: {
    id: 'xai',
    label: 'xAI Grok',
    baseURL: 'https://api.x.ai/v1',
    baseURLEnv: 'BATON_XAI_BASE_URL',
    apiKeyEnv: 'XAI_API_KEY',
    apiKeyRequired: true,
    local: false,
    quirks: { ...compatibleQuirks, embeddings: false },
    docs: 'https://docs.x.ai/docs/api-reference',
  },
  deepseek: {
    id: 'deepseek',
    label: 'DeepSeek',
    baseURL: 'https://api.deepseek.com',
    baseURLEnv: 'BATON_DEEPSEEK_BASE_URL',
    apiKeyEnv: 'DEEPSEEK_API_KEY',
    apiKeyRequired: true,
    local: false,
    quirks: {
      ...compatibleQuirks,
      parallelToolCalls: false,
      structuredOutput: 'json-object',
      embeddings: false,
    },
    docs: 'https://api-docs.deepseek.com/',
  },
  qwen: {
    id: 'qwen',
    label: 'Qwen (DashScope)',
    // The international endpoint; mainland China uses https://dashscope.aliyuncs.com/compatible-mode/v1.
    baseURL: 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1',
    baseURLEnv: 'BATON_QWEN_BASE_URL',
    apiKeyEnv: 'DASHSCOPE_API_KEY',
    apiKeyRequired: true,
    local: false,
    quirks: { ...compatibleQuirks, structuredOutput: 'json-object' },
    docs: 'https://www.alibabacloud.com/help/en/model-studio/compatibility-of-openai-with-dashscope',
  },
  glm: {
    id: 'glm',
    label: 'GLM (Zhipu)',
    // Mainland endpoint; the international one is https://api.z.ai/api/paas/v4.
    baseURL: 'https://open.bigmodel.cn/api/paas/v4',
    baseURLEnv: 'BATON_GLM_BASE_URL',
    apiKeyEnv: 'ZHIPUAI_API_KEY',
    apiKeyRequired: true,
    local: false,
    quirks: {
      ...compatibleQuirks,
      parallelToolCalls: false,
      streamUsage: false,
      structuredOutput: 'json-object',
      messageName: false,
      forcedToolChoice: false,
    },
    docs: 'https://docs.bigmodel.cn/api-reference',
  },
  openrouter: {
    id: 'openrouter',
    label: 'OpenRouter',
    baseURL: 'https://openrouter.ai/api/v1',
    baseURLEnv: 'BATON_OPENROUTER_BASE_URL',
    apiKeyEnv: 'OPENROUTER_API_KEY',
    apiKeyRequired: true,
    local: false,
    quirks: compatibleQuirks,
    docs: 'https://openrouter.ai/docs/api-reference/overview',
  },
  groq: {
    id: 'groq',
    label: 'Groq',
    baseURL: 'https://api.groq.com/openai/v1',
    baseURLEnv: 'BATON_GROQ_BASE_URL',
    apiKeyEnv: 'GROQ_API_KEY',
    apiKeyRequired: true,
    local: false,
    // json_schema only on some models; json_object works on all of them.
    quirks: { ...compatibleQuirks, structuredOutput: 'json-object', messageName: false, embeddings: false },
    docs: 'https://console.groq.com/docs/openai',
  },
  together: {
    id: 'together',
    label: 'Together AI',
    baseURL: 'https://api.together.xyz/v1',
    baseURLEnv: 'BATON_TOGETHER_BASE_URL',
    apiKeyEnv: 'TOGETHER_API_KEY',
    apiKeyRequired: true,
    local: false,
    quirks: { ...compatibleQuirks, parallelToolCalls: false, structuredOutput: 'json-object' },
    docs: 'https://docs.together.ai/docs/openai-api-compatibility',
  },
  ollama: {
    id: 'ollama',
    label: 'Ollama (local)',
    baseURL: 'http://localhost:11434/v1',
    baseURLEnv: 'BATON_OLLAMA_BASE_URL',
    apiKeyEnv: undefined,
    apiKeyRequired: false,
    local: true,
    quirks: { ...compatibleQuirks, parallelToolCalls: false },
    docs: 'https://github.com/ollama/ollama/blob/main/docs/openai.md',
  },
  vllm: {
    id: 'vllm',
    label: 'vLLM (local)',
    baseURL: 'http://localhost:8000/v1',
    baseURLEnv: 'BATON_VLLM_BASE_URL',
    // Only needed when the server was started with --api-key.
    apiKeyEnv: 'VLLM_API_KEY',
    apiKeyRequired: false,
    local: true,
    quirks: { ...compatibleQuirks, parallelToolCalls: false },
    docs: 'https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html',
  },
  lmstudio: {
    id: 'lmstudio',
    label: 'LM Studio (local)',
    baseURL: 'http://localhost:1234/v1',
    baseURLEnv: 'BATON_LMSTUDIO_BASE_URL',
    apiKeyEnv: undefined,
    apiKeyRequired: false,
    local: true,
    quirks: { ...compatibleQuirks, parallelToolCalls: false },
    docs: 'https://lmstudio.ai/docs/app/api/endpoints/openai',
  },
} as const satisfies Record<string, Preset>;

/** The id of a built-in preset. */
export type PresetId = keyof typeof presets;

/** Other names users write for the same hosts. */
const aliases: Readonly<Record<string, PresetId>> = {
  gemini: 'google',
  grok: 'xai',
  dashscope: 'qwen',
  zhipu: 'glm',
  'azure-openai': 'azure',
  'lm-studio': 'lmstudio',
};

/**
 * Finds a preset by id or alias.
 *
 * @throws {ProviderError} `unknown-preset`, listing the known ids.
 */
export function resolvePreset(id: string): Preset {
  const key = id.toLowerCase();
  const preset =
    (presets as Record<string, Preset>)[key] ?? (presets as Record<string, Preset>)[aliases[key] ?? ''];
  if (preset === undefined) {
    throw new ProviderError(
      'unknown-preset',
      `Unknown provider "${id}". Known providers: ${Object.keys(presets).join(', ')} ` +
        `(aliases: ${Object.keys(aliases).join(', ')}).`,
    );
  }
  return preset;
}

/**
 * Splits `provider:model` at the first colon, so the model part may contain colons
 * (`ollama:qwen3:8b` → `ollama` + `qwen3:8b`).
 *
 * @throws {ProviderError} `invalid-argument` when either part is missing.
 */
export function parseModelName(name: string): { presetId: string; modelId: string } {
  const colon = name.indexOf(':');
  const presetId = colon < 0 ? '' : name.slice(0, colon).trim();
  const modelId = colon < 0 ? '' : name.slice(colon + 1).trim();
  if (presetId === '' || modelId === '') {
    throw new ProviderError(
      'invalid-argument',
      `Cannot read the model name "${name}": write provider:model, e.g. "openai:gpt-4.1-mini" or "ollama:qwen3:8b".`,
    );
  }
  return { presetId, modelId };
}
