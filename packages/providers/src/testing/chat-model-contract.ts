import type { ChatModel, ChatRequest, ChatResponse, ChatStreamPart, ToolCall } from '@baton/core';
import type { ContractTestApi } from '@baton/core/testing';

/** What the model under test must answer next. */
export type ContractScript = { kind: 'text'; text: string } | { kind: 'tool-calls'; toolCalls: ToolCall[] };

/** Options of {@link chatModelContract}. */
export interface ChatModelContractOptions {
  /** Names the suite, e.g. `openai adapter`. */
  name: string;
  /** Returns a model whose next answer follows `script`, by `generate` and by `stream` alike. */
  createModel: (script: ContractScript) => ChatModel | Promise<ChatModel>;
}

// The test functions the suite registers with (vitest's own, say): the structural type of
// `@baton/core/testing`, so these published types name no test framework.
export type { ContractTestApi };

const finishReasons = ['stop', 'length', 'tool-calls', 'content-filter', 'error', 'other'];

/**
 * Registers the behaviours every core `ChatModel` must have: identity fields, text and tool-call
 * answers, usage, request immutability, cancellation, and (when `stream` exists) streams whose
 * parts add up to the final response. Runs in three lines:
 *
 * @example
 * ```ts
 * import { describe, expect, it } from 'vitest';
 * import { chatModelContract } from '@baton/providers/testing';
 * chatModelContract({ describe, expect, it }, { name: 'my model', createModel: (script) => myModel(script) });
 * ```
 */
export function chatModelContract(test: ContractTestApi, options: ChatModelContractOptions): void {
  const { describe, expect, it } = test;
  const text: ContractScript = { kind: 'text', text: 'The capital of France is Paris.' };
  const toolCalls: ContractScript = {
    kind: 'tool-calls',
    toolCalls: [
      { id: 'call_weather', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { id: 'call_time', name: 'get_time', arguments: '{"zone":"Europe/Paris"}' },
    ],
  };
  const request = (): ChatRequest => ({
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'What is the capital of France?' },
    ],
    tools: [
      {
        name: 'get_weather',
        description: 'Weather in a city',
        parameters: { type: 'object', properties: {} },
      },
      { name: 'get_time', description: 'Time in a zone', parameters: { type: 'object', properties: {} } },
    ],
  });

  const expectWellFormed = (response: ChatResponse) => {
    expect(finishReasons).toContain(response.finishReason);
    for (const count of [response.usage.inputTokens, response.usage.outputTokens]) {
      expect(Number.isInteger(count) && count >= 0).toBe(true);
    }
    expect(typeof response.modelId).toBe('string');
    if (response.costUsd !== undefined) expect(response.costUsd).toBeGreaterThanOrEqual(0);
  };

  const collect = async (model: ChatModel, chatRequest: ChatRequest): Promise<ChatStreamPart[]> => {
    const parts: ChatStreamPart[] = [];
    for await (const part of model.stream!(chatRequest)) parts.push(part);
    return parts;
  };

  describe(`${options.name} (ChatModel contract)`, () => {
    it('declares specification version v1 and names its provider and model', async () => {
      const model = await options.createModel(text);
      expect(model.specificationVersion).toBe('v1');
      expect(model.provider.length).toBeGreaterThan(0);
      expect(model.modelId.length).toBeGreaterThan(0);
    });

    it('answers with the scripted text, a finish reason and whole-number usage', async () => {
      const model = await options.createModel(text);
      const response = await model.generate(request());
      expect(response.message.content).toBe(text.text);
      expect(response.message.toolCalls).toEqual([]);
      expectWellFormed(response);
    });

    it('returns every tool call with its id, name and raw JSON arguments', async () => {
      const model = await options.createModel(toolCalls);
      const response = await model.generate(request());
      expect(response.message.toolCalls).toEqual(toolCalls.toolCalls);
      expect(response.finishReason).toBe('tool-calls');
      expectWellFormed(response);
    });

    it('leaves the request it is given untouched', async () => {
      const model = await options.createModel(text);
      const chatRequest = request();
      const before = structuredClone(chatRequest);
      await model.generate(deepFreeze(chatRequest));
      expect(chatRequest).toEqual(before);
    });

    it('rejects a call whose signal is already aborted', async () => {
      const model = await options.createModel(text);
      const controller = new AbortController();
      const reason = new Error('caller gave up');
      controller.abort(reason);
      const error = await model.generate(request(), { signal: controller.signal }).then(
        () => undefined,
        (rejection: unknown) => rejection,
      );
      expect(isAbortLike(error, reason)).toBe(true);
    });

    it('streams text deltas that add up to the final response, which comes last', async () => {
      const model = await options.createModel(text);
      if (model.stream === undefined) return;
      const parts = await collect(model, request());
      const finish = parts.at(-1);
      expect(finish?.type).toBe('finish');
      expect(parts.filter((part) => part.type === 'finish')).toHaveLength(1);
      const streamed = parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
      expect(streamed).toBe(text.text);
      if (finish?.type === 'finish') {
        expect(finish.response.message.content).toBe(text.text);
        expectWellFormed(finish.response);
      }
    });

    it('streams tool-call deltas that assemble into the final tool calls', async () => {
      const model = await options.createModel(toolCalls);
      if (model.stream === undefined) return;
      const parts = await collect(model, request());
      const assembled: Array<{ id: string; name: string; arguments: string }> = [];
      for (const part of parts) {
        if (part.type !== 'tool-call-delta') continue;
        const call = assembled[part.index] ?? { id: '', name: '', arguments: '' };
        assembled[part.index] = call;
        if (part.id !== undefined) call.id = part.id;
        if (part.name !== undefined) call.name += part.name;
        call.arguments += part.argumentsDelta;
      }
      const finish = parts.at(-1);
      expect(finish?.type).toBe('finish');
      if (finish?.type === 'finish') {
        expect(finish.response.message.toolCalls).toEqual(toolCalls.toolCalls);
        expect(assembled).toEqual(toolCalls.toolCalls);
      }
    });
  });
}

function isAbortLike(error: unknown, reason: unknown): boolean {
  if (error === reason) return true;
  if (!(error instanceof Error)) return false;
  return error.name === 'AbortError' || (error as { code?: unknown }).code === 'aborted';
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
