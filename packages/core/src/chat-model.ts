/**
 * The contract between Baton and any language model. Kept deliberately small so that a provider
 * adapter, a scripted test double or a cassette player can implement it in a few lines.
 */

/** Token counts reported by a model call. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

/** A tool the model may call, described by a JSON Schema for its arguments. */
export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema (draft 2020-12 subset accepted by OpenAI-compatible hosts) for the arguments. */
  parameters: Record<string, unknown>;
}

/** A tool call the model asked for. `arguments` is the raw JSON text, validated by the caller. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** One message of a chat transcript. */
export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string; name?: string }
  | { role: 'assistant'; content: string | null; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

/** How the model must shape its answer. */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json-schema'; name: string; schema: Record<string, unknown>; strict?: boolean };

/** Which tool, if any, the model must call. */
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

/** What a caller sends to a {@link ChatModel}. */
export interface ChatRequest {
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** Allow several tool calls in one answer (default: the host's default, usually true). */
  parallelToolCalls?: boolean;
  responseFormat?: ResponseFormat;
  temperature?: number;
  maxOutputTokens?: number;
  /** Extra, host-specific body fields passed through untouched. */
  providerOptions?: Record<string, unknown>;
}

/** Why the model stopped. */
export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';

/** What a {@link ChatModel} returns. */
export interface ChatResponse {
  message: { content: string | null; toolCalls: ToolCall[] };
  finishReason: FinishReason;
  usage: Usage;
  /** Cost in US dollars, when the adapter knows the model's price. */
  costUsd?: number;
  /** The model that actually answered (hosts may resolve aliases). */
  modelId: string;
}

/** Parts of a streamed answer; the last part is always `finish`. */
export type ChatStreamPart =
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call-delta'; index: number; id?: string; name?: string; argumentsDelta: string }
  | { type: 'finish'; response: ChatResponse };

/** Per-call options that are not part of the request body. */
export interface ChatCallOptions {
  signal?: AbortSignal;
}

/**
 * A language model. Implementations: `@baton/providers` (OpenAI and compatible hosts),
 * `@baton/core/testing` (scripted), or your own.
 *
 * @example
 * ```ts
 * const response = await model.generate({ messages: [{ role: 'user', content: 'Hi' }] });
 * ```
 */
export interface ChatModel {
  /** Bumped when the contract changes incompatibly, so third-party adapters can declare support. */
  readonly specificationVersion: 'v1';
  /** The host, e.g. `openai`, `deepseek`, `ollama`, `scripted`. */
  readonly provider: string;
  /** The model as the user named it, e.g. `gpt-4.1-mini`. */
  readonly modelId: string;
  /** Sends one request and resolves with the whole answer. */
  generate(request: ChatRequest, options?: ChatCallOptions): Promise<ChatResponse>;
  /**
   * What a call with this usage would cost, in US dollars, when the adapter knows the price. Lets
   * cost budgets refuse a call before it is made. Optional.
   */
  estimateCostUsd?(usage: Usage): number | undefined;
  /** Streams one answer. Optional: callers fall back to {@link ChatModel.generate}. */
  stream?(request: ChatRequest, options?: ChatCallOptions): AsyncIterable<ChatStreamPart>;
}

/** A model that turns texts into vectors, for embedding-based routing. */
export interface EmbeddingModel {
  readonly specificationVersion: 'v1';
  readonly provider: string;
  readonly modelId: string;
  /** Embeds every value, in order. */
  embed(
    request: { values: string[] },
    options?: ChatCallOptions,
  ): Promise<{ embeddings: number[][]; usage: { inputTokens: number }; costUsd?: number }>;
}

/** Adds two usages. */
export function addUsage(a: Usage, b: Usage): Usage {
  return { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens };
}

/** The zero usage. */
export const emptyUsage: Readonly<Usage> = Object.freeze({ inputTokens: 0, outputTokens: 0 });
