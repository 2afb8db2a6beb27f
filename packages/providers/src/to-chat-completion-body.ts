import type { ChatMessage, ChatRequest, ToolChoice } from '@baton/core';
import type { PresetQuirks } from './presets.js';
import { ProviderError } from './provider-error.js';

type WireMessage = Record<string, unknown>;

/**
 * Maps a core {@link ChatRequest} onto the body of `POST /chat/completions`, leaving out or
 * rewriting what the host's quirks forbid. `providerOptions` are spread last, so they win.
 *
 * @param context.stream - Build a streaming body (with `stream_options` where allowed).
 */
export function toChatCompletionBody(
  request: ChatRequest,
  context: { modelId: string; quirks: PresetQuirks; stream: boolean },
): Record<string, unknown> {
  const { quirks } = context;
  if (request.messages.length === 0) {
    throw new ProviderError('invalid-argument', 'A chat request needs at least one message.');
  }
  let messages = request.messages.map((message) => toWireMessage(message, quirks));
  const body: Record<string, unknown> = { model: context.modelId };

  const format = request.responseFormat;
  if (format?.type === 'json-schema') {
    if (quirks.structuredOutput === 'json-schema') {
      body.response_format = {
        type: 'json_schema',
        json_schema: {
          name: format.name,
          schema: format.schema,
          ...(format.strict === undefined ? {} : { strict: format.strict }),
        },
      };
    } else {
      // The host cannot enforce a schema: ask for it in words (and for JSON where it can).
      messages = withSchemaInstruction(messages, format.name, format.schema);
      if (quirks.structuredOutput === 'json-object') body.response_format = { type: 'json_object' };
    }
  }
  body.messages = messages;

  const tools = request.tools ?? [];
  let toolChoice: ToolChoice | undefined = request.toolChoice;
  let sendTools = tools.length > 0;
  if (sendTools && !quirks.forcedToolChoice && toolChoice !== undefined && toolChoice !== 'auto') {
    // A host that takes only `auto`: "none" is kept by not offering tools; forced choices become auto.
    if (toolChoice === 'none') sendTools = false;
    toolChoice = undefined;
  }
  if (sendTools) {
    body.tools = tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description, parameters: tool.parameters },
    }));
    if (toolChoice !== undefined) body.tool_choice = toWireToolChoice(toolChoice);
    // OpenAI rejects parallel_tool_calls without tools, so it only ever travels with them.
    if (request.parallelToolCalls !== undefined && quirks.parallelToolCalls) {
      body.parallel_tool_calls = request.parallelToolCalls;
    }
  }

  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.maxOutputTokens !== undefined) body[quirks.maxTokensField] = request.maxOutputTokens;
  if (context.stream) {
    body.stream = true;
    if (quirks.streamUsage) body.stream_options = { include_usage: true };
  }
  return { ...body, ...request.providerOptions };
}

function toWireMessage(message: ChatMessage, quirks: PresetQuirks): WireMessage {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content };
    case 'user':
      return message.name !== undefined && quirks.messageName
        ? { role: 'user', content: message.content, name: message.name }
        : { role: 'user', content: message.content };
    case 'assistant': {
      const toolCalls = message.toolCalls ?? [];
      if (toolCalls.length === 0) return { role: 'assistant', content: message.content ?? '' };
      return {
        role: 'assistant',
        content: message.content,
        tool_calls: toolCalls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: call.arguments },
        })),
      };
    }
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}

function toWireToolChoice(choice: ToolChoice): unknown {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

function withSchemaInstruction(
  messages: WireMessage[],
  name: string,
  schema: Record<string, unknown>,
): WireMessage[] {
  const instruction =
    `Answer with one JSON object only, no prose and no code fences. It must conform to this JSON ` +
    `Schema (named "${name}"):\n${JSON.stringify(schema)}`;
  const [first, ...rest] = messages;
  if (first?.role === 'system' && typeof first.content === 'string') {
    return [{ ...first, content: `${first.content}\n\n${instruction}` }, ...rest];
  }
  return [{ role: 'system', content: instruction }, ...messages];
}
