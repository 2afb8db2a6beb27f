import type { ChatModel, ChatRequest, ChatResponse, ChatStreamPart, Usage } from '../chat-model.js';

/** One scripted reply: plain text, or a full description. */
export type ScriptedReply =
  | string
  | {
      content?: string | null;
      toolCalls?: { name: string; arguments?: unknown; id?: string }[];
      usage?: Partial<Usage>;
      costUsd?: number;
      /** Reject instead of answering. */
      error?: Error;
      /** Wait this long first (honours the abort signal). */
      delayMs?: number;
    };

/** A {@link ChatModel} that replays a script, and records what it was sent. */
export interface ScriptedChatModel extends ChatModel {
  /** Every request received, in order. */
  readonly requests: ChatRequest[];
}

/**
 * A model for tests: answers from a list (in order; the last entry repeats when `repeatLast`) or a
 * function of the request. Usage defaults to a rough count of the characters (4 per token), so
 * budget logic sees plausible numbers.
 *
 * @example
 * ```ts
 * const model = scriptedChatModel([
 *   { toolCalls: [{ name: 'delegate', arguments: { agent: 'billing', task: 'Explain the charge', reason: 'billing question' } }] },
 *   'You were charged for the annual plan.',
 * ]);
 * ```
 */
export function scriptedChatModel(
  script: readonly ScriptedReply[] | ((request: ChatRequest, index: number) => ScriptedReply),
  options: { modelId?: string; provider?: string; repeatLast?: boolean } = {},
): ScriptedChatModel {
  const requests: ChatRequest[] = [];
  const next = (request: ChatRequest): ScriptedReply => {
    const index = requests.length;
    requests.push(request);
    if (typeof script === 'function') return script(request, index);
    const reply = script[index] ?? (options.repeatLast ? script[script.length - 1] : undefined);
    if (reply === undefined) {
      throw new Error(
        `scriptedChatModel: no reply scripted for call ${index + 1} (the script has ${script.length}).`,
      );
    }
    return reply;
  };
  const modelId = options.modelId ?? 'scripted';
  const generate = async (
    request: ChatRequest,
    callOptions?: { signal?: AbortSignal },
  ): Promise<ChatResponse> => {
    const reply = next(request);
    const step = typeof reply === 'string' ? { content: reply } : reply;
    if (step.delayMs) await sleep(step.delayMs, callOptions?.signal);
    callOptions?.signal?.throwIfAborted();
    if (step.error) throw step.error;
    const toolCalls = (step.toolCalls ?? []).map((call, position) => ({
      id: call.id ?? `call_${requests.length}_${position}`,
      name: call.name,
      arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}),
    }));
    const content = step.content ?? (toolCalls.length > 0 ? null : '');
    const promptCharacters = request.messages.reduce(
      (sum, message) => sum + (message.content?.length ?? 0),
      0,
    );
    return {
      message: { content, toolCalls },
      finishReason: toolCalls.length > 0 ? 'tool-calls' : 'stop',
      usage: {
        inputTokens: step.usage?.inputTokens ?? Math.ceil(promptCharacters / 4),
        outputTokens: step.usage?.outputTokens ?? Math.ceil((content?.length ?? 0) / 4),
      },
      ...(step.costUsd !== undefined ? { costUsd: step.costUsd } : {}),
      modelId,
    };
  };
  return {
    specificationVersion: 'v1',
    provider: options.provider ?? 'scripted',
    modelId,
    requests,
    generate,
    async *stream(request, callOptions): AsyncIterable<ChatStreamPart> {
      const response = await generate(request, callOptions);
      if (response.message.content) yield { type: 'text-delta', text: response.message.content };
      yield { type: 'finish', response };
    },
  };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
