import type { ChatResponse, ChatStreamPart, ToolCall } from '@baton/core';
import type { ChatCompletionChunk } from './openai-wire-schemas.js';
import type { BillableUsage } from './price-table.js';
import { type CostOf, readUsage, toFinishReason } from './to-chat-response.js';

interface PendingToolCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * Turns validated stream chunks into core {@link ChatStreamPart}s and assembles the whole answer
 * (text, tool calls from their fragments, usage from the last chunk) for the `finish` part.
 */
export class ChatStreamAssembler {
  #text = '';
  #toolCalls: PendingToolCall[] = [];
  #finishReason: string | null | undefined;
  #usage: BillableUsage | undefined;
  #modelId: string | undefined;
  readonly #context: { modelId: string; costOf: CostOf };

  constructor(context: { modelId: string; costOf: CostOf }) {
    this.#context = context;
  }

  /** Absorbs one chunk and returns the parts it yields (possibly none). */
  push(chunk: ChatCompletionChunk): ChatStreamPart[] {
    const parts: ChatStreamPart[] = [];
    if (chunk.model !== undefined && chunk.model !== '') this.#modelId = chunk.model;
    const usage = readUsage(chunk.usage ?? chunk.x_groq?.usage);
    if (usage !== undefined) this.#usage = usage;
    for (const choice of chunk.choices) {
      if ((choice.index ?? 0) !== 0) continue;
      const content = choice.delta?.content;
      if (typeof content === 'string' && content !== '') {
        this.#text += content;
        parts.push({ type: 'text-delta', text: content });
      }
      for (const [position, delta] of (choice.delta?.tool_calls ?? []).entries()) {
        const index = this.#indexOf(delta.index, delta.id ?? undefined, position);
        const pending = this.#toolCalls[index] ?? { id: '', name: '', arguments: '' };
        this.#toolCalls[index] = pending;
        const argumentsDelta = delta.function?.arguments ?? '';
        if (delta.id) pending.id = delta.id;
        if (delta.function?.name) pending.name += delta.function.name;
        pending.arguments += argumentsDelta;
        parts.push({
          type: 'tool-call-delta',
          index,
          ...(delta.id ? { id: delta.id } : {}),
          ...(delta.function?.name ? { name: delta.function.name } : {}),
          argumentsDelta,
        });
      }
      if (choice.finish_reason) this.#finishReason = choice.finish_reason;
    }
    return parts;
  }

  /**
   * Whether a chunk said why the answer ended (`finish_reason`): every complete answer has one, so a
   * stream that ends without it was cut short (a gateway closing it properly in mid-answer).
   */
  get finished(): boolean {
    return this.#finishReason !== undefined && this.#finishReason !== null;
  }

  /** The whole answer, once the stream has ended. */
  finish(): ChatResponse {
    const toolCalls: ToolCall[] = this.#toolCalls
      .filter((call) => call !== undefined)
      .map((call) => ({ id: call.id, name: call.name, arguments: call.arguments }));
    const costUsd = this.#context.costOf(this.#usage, this.#modelId);
    return {
      message: { content: this.#text === '' && toolCalls.length > 0 ? null : this.#text, toolCalls },
      finishReason: toFinishReason(this.#finishReason),
      usage: { inputTokens: this.#usage?.inputTokens ?? 0, outputTokens: this.#usage?.outputTokens ?? 0 },
      ...(costUsd === undefined ? {} : { costUsd }),
      modelId: this.#modelId ?? this.#context.modelId,
    };
  }

  /**
   * OpenAI numbers tool-call fragments with `index`. Gemini leaves it out and repeats the id on
   * each call instead; lacking both, the fragment's position in the chunk stands in.
   */
  #indexOf(index: number | undefined, id: string | undefined, position: number): number {
    if (index !== undefined) return index;
    if (id !== undefined) {
      const known = this.#toolCalls.findIndex((call) => call?.id === id);
      return known >= 0 ? known : this.#toolCalls.length;
    }
    return position;
  }
}
