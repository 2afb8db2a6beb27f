import type { ChatResponse, FinishReason } from '@baton/core';
import type { ChatCompletion, WireUsage } from './openai-wire-schemas.js';
import type { BillableUsage } from './price-table.js';

/** Prices a call; undefined when the price or the usage is unknown. */
export type CostOf = (
  usage: BillableUsage | undefined,
  responseModelId: string | undefined,
) => number | undefined;

/** Reads token counts, including cache hits as OpenAI (`prompt_tokens_details`) or DeepSeek report them. */
export function readUsage(usage: WireUsage | null | undefined): BillableUsage | undefined {
  if (usage === null || usage === undefined) return undefined;
  const cached = usage.prompt_tokens_details?.cached_tokens ?? usage.prompt_cache_hit_tokens;
  return {
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens ?? 0,
    ...(cached === undefined ? {} : { cachedInputTokens: cached }),
  };
}

/** Maps the wire's `finish_reason` onto core's {@link FinishReason}. */
export function toFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    case 'content_filter':
      return 'content-filter';
    default:
      return 'other';
  }
}

/**
 * Maps a validated chat completion onto core's {@link ChatResponse}. A host that reports no usage
 * yields zero tokens and no cost (never a made-up price).
 */
export function toChatResponse(
  completion: ChatCompletion,
  context: { modelId: string; costOf: CostOf },
): ChatResponse {
  // The schema guarantees at least one choice; Baton never asks for more than one.
  const choice = completion.choices[0]!;
  const usage = readUsage(completion.usage);
  const costUsd = context.costOf(usage, completion.model);
  return {
    message: {
      content: choice.message.content ?? null,
      toolCalls: (choice.message.tool_calls ?? []).map((call) => ({
        id: call.id,
        name: call.function.name,
        arguments: call.function.arguments,
      })),
    },
    finishReason: toFinishReason(choice.finish_reason),
    usage: { inputTokens: usage?.inputTokens ?? 0, outputTokens: usage?.outputTokens ?? 0 },
    ...(costUsd === undefined ? {} : { costUsd }),
    modelId: completion.model ?? context.modelId,
  };
}
