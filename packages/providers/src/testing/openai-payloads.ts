/*
 * Builders for bodies shaped exactly like the OpenAI API reference documents them, for scripting
 * the mock server or any fake of your own.
 */

/** A tool call to put in a scripted answer; the id defaults to `call_<index>`. */
export interface ScriptedToolCall {
  id?: string;
  name: string;
  /** JSON text, as the wire carries it. */
  arguments: string;
}

/** Token counts to report; each defaults to a rough count of the text. */
export interface ScriptedUsage {
  promptTokens: number;
  completionTokens: number;
  /** Reported as `prompt_tokens_details.cached_tokens`. */
  cachedTokens?: number;
}

/** What a scripted chat answer says. */
export interface ChatCompletionOptions {
  content?: string | null;
  toolCalls?: ScriptedToolCall[];
  usage?: ScriptedUsage;
  model?: string;
  /** Defaults to `tool_calls` when there are tool calls, else `stop`. */
  finishReason?: 'stop' | 'length' | 'tool_calls' | 'content_filter';
  id?: string;
}

const created = 1_700_000_000;

/** A rough token count (four characters a token), so defaults look like real usage. */
export function roughTokenCount(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function usageBody(usage: ScriptedUsage): Record<string, unknown> {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens ?? 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function defaultUsage(options: ChatCompletionOptions): ScriptedUsage {
  const toolText = (options.toolCalls ?? []).map((call) => call.name + call.arguments).join('');
  return { promptTokens: 10, completionTokens: roughTokenCount((options.content ?? '') + toolText) };
}

function finishReasonOf(options: ChatCompletionOptions): string {
  return options.finishReason ?? ((options.toolCalls ?? []).length > 0 ? 'tool_calls' : 'stop');
}

/**
 * A chat completion object (`POST /chat/completions`).
 *
 * @example
 * ```ts
 * server.enqueue(reply.json(chatCompletion({ content: 'Paris' })));
 * ```
 */
export function chatCompletion(options: ChatCompletionOptions = {}): Record<string, unknown> {
  const toolCalls = options.toolCalls ?? [];
  return {
    id: options.id ?? 'chatcmpl-mock',
    object: 'chat.completion',
    created,
    model: options.model ?? 'gpt-4.1-mini-2025-04-14',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: options.content === undefined ? (toolCalls.length > 0 ? null : '') : options.content,
          refusal: null,
          annotations: [],
          ...(toolCalls.length > 0
            ? {
                tool_calls: toolCalls.map((call, index) => ({
                  id: call.id ?? `call_${index}`,
                  type: 'function',
                  function: { name: call.name, arguments: call.arguments },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: finishReasonOf(options),
      },
    ],
    usage: usageBody(options.usage ?? defaultUsage(options)),
    service_tier: 'default',
    system_fingerprint: 'fp_mock',
  };
}

/** Options of {@link chatCompletionChunks}. */
export interface ChatCompletionChunksOptions extends ChatCompletionOptions {
  /** End with a usage chunk (`choices: []`), as `stream_options.include_usage` asks (default true). */
  includeUsage?: boolean;
  /** Characters per text delta (default 4). */
  pieceLength?: number;
}

/**
 * The chunks of a streamed chat completion, in order: a role chunk, text deltas, tool-call
 * fragments, a finish chunk, and (by default) the usage chunk with empty `choices`.
 */
export function chatCompletionChunks(options: ChatCompletionChunksOptions = {}): Record<string, unknown>[] {
  const includeUsage = options.includeUsage ?? true;
  const pieceLength = options.pieceLength ?? 4;
  const base = {
    id: options.id ?? 'chatcmpl-mock',
    object: 'chat.completion.chunk',
    created,
    model: options.model ?? 'gpt-4.1-mini-2025-04-14',
    service_tier: 'default',
    system_fingerprint: 'fp_mock',
  };
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const chunks: Record<string, unknown>[] = [chunk({ role: 'assistant', content: '', refusal: null })];
  const content = options.content ?? '';
  for (let offset = 0; offset < content.length; offset += pieceLength) {
    chunks.push(chunk({ content: content.slice(offset, offset + pieceLength) }));
  }
  for (const [index, call] of (options.toolCalls ?? []).entries()) {
    chunks.push(
      chunk({
        tool_calls: [
          {
            index,
            id: call.id ?? `call_${index}`,
            type: 'function',
            function: { name: call.name, arguments: '' },
          },
        ],
      }),
    );
    const half = Math.ceil(call.arguments.length / 2);
    for (const fragment of [call.arguments.slice(0, half), call.arguments.slice(half)]) {
      if (fragment !== '') chunks.push(chunk({ tool_calls: [{ index, function: { arguments: fragment } }] }));
    }
  }
  chunks.push(chunk({}, finishReasonOf(options)));
  if (includeUsage) {
    chunks.push({ ...base, choices: [], usage: usageBody(options.usage ?? defaultUsage(options)) });
  }
  return chunks;
}

/** What a scripted embedding answer holds. */
export interface EmbeddingResponseOptions {
  embeddings: number[][];
  model?: string;
  promptTokens?: number;
}

/** An embedding response (`POST /embeddings`, `encoding_format: 'float'`). */
export function embeddingResponse(options: EmbeddingResponseOptions): Record<string, unknown> {
  const promptTokens = options.promptTokens ?? options.embeddings.length * 4;
  return {
    object: 'list',
    data: options.embeddings.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    model: options.model ?? 'text-embedding-3-small',
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

/** The error envelope OpenAI-compatible hosts send with a failure status. */
export function errorBody(options: {
  message: string;
  type?: string;
  code?: string | null;
}): Record<string, unknown> {
  return {
    error: {
      message: options.message,
      type: options.type ?? 'api_error',
      param: null,
      code: options.code ?? null,
    },
  };
}
