import type { ChatRequest } from '@baton/core';
import { describe, expect, it } from 'vitest';
import { presets } from './presets.js';
import { toChatCompletionBody } from './to-chat-completion-body.js';

const openai = { modelId: 'gpt-4.1-mini', quirks: presets.openai.quirks, stream: false };
const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

describe('toChatCompletionBody', () => {
  it('maps a whole tool-using conversation onto the wire format', () => {
    const request: ChatRequest = {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather?', name: 'ana' },
        {
          role: 'assistant',
          content: null,
          toolCalls: [{ id: 'c1', name: 'weather', arguments: '{"city":"Oslo"}' }],
        },
        { role: 'tool', toolCallId: 'c1', content: '{"temp":3}' },
        { role: 'assistant', content: null },
      ],
      tools: [{ name: 'weather', description: 'Weather now', parameters: schema }],
      toolChoice: { name: 'weather' },
      parallelToolCalls: false,
    };
    expect(toChatCompletionBody(request, openai)).toMatchInlineSnapshot(`
      {
        "messages": [
          {
            "content": "Be brief.",
            "role": "system",
          },
          {
            "content": "Weather?",
            "name": "ana",
            "role": "user",
          },
          {
            "content": null,
            "role": "assistant",
            "tool_calls": [
              {
                "function": {
                  "arguments": "{"city":"Oslo"}",
                  "name": "weather",
                },
                "id": "c1",
                "type": "function",
              },
            ],
          },
          {
            "content": "{"temp":3}",
            "role": "tool",
            "tool_call_id": "c1",
          },
          {
            "content": "",
            "role": "assistant",
          },
        ],
        "model": "gpt-4.1-mini",
        "parallel_tool_calls": false,
        "tool_choice": {
          "function": {
            "name": "weather",
          },
          "type": "function",
        },
        "tools": [
          {
            "function": {
              "description": "Weather now",
              "name": "weather",
              "parameters": {
                "properties": {
                  "city": {
                    "type": "string",
                  },
                },
                "required": [
                  "city",
                ],
                "type": "object",
              },
            },
            "type": "function",
          },
        ],
      }
    `);
  });

  it('never sends parallel_tool_calls without tools', () => {
    const body = toChatCompletionBody(
      { messages: [{ role: 'user', content: 'x' }], parallelToolCalls: true },
      openai,
    );
    expect(body).not.toHaveProperty('parallel_tool_calls');
  });

  it('sends a JSON schema as response_format where the host supports it', () => {
    const body = toChatCompletionBody(
      {
        messages: [{ role: 'user', content: 'x' }],
        responseFormat: { type: 'json-schema', name: 'answer', schema, strict: true },
      },
      openai,
    );
    expect(body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'answer', schema, strict: true },
    });
  });

  it('falls back to json_object plus the schema in the system prompt where json_schema is unsupported', () => {
    const body = toChatCompletionBody(
      {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'x' },
        ],
        responseFormat: { type: 'json-schema', name: 'answer', schema },
      },
      { modelId: 'deepseek-chat', quirks: presets.deepseek.quirks, stream: false },
    );
    expect(body.response_format).toEqual({ type: 'json_object' });
    const [system] = body.messages as Array<{ role: string; content: string }>;
    expect(system?.content.startsWith('Be brief.\n\nAnswer with one JSON object')).toBe(true);
    expect(system?.content).toContain(JSON.stringify(schema));
  });

  it('puts the schema in a new system message, without response_format, where the host ignores it', () => {
    const body = toChatCompletionBody(
      {
        messages: [{ role: 'user', content: 'x' }],
        responseFormat: { type: 'json-schema', name: 'a', schema },
      },
      { modelId: 'claude-sonnet-4-5', quirks: presets.anthropic.quirks, stream: false },
    );
    expect(body).not.toHaveProperty('response_format');
    expect((body.messages as Array<{ role: string }>).map((message) => message.role)).toEqual([
      'system',
      'user',
    ]);
  });

  it('drops message names where the host rejects them', () => {
    const body = toChatCompletionBody(
      { messages: [{ role: 'user', content: 'x', name: 'ana' }] },
      { modelId: 'llama', quirks: presets.groq.quirks, stream: false },
    );
    expect(body.messages).toEqual([{ role: 'user', content: 'x' }]);
  });

  it('keeps "none" on hosts without forced tool choice by not offering the tools', () => {
    const body = toChatCompletionBody(
      {
        messages: [{ role: 'user', content: 'x' }],
        tools: [{ name: 't', description: 'd', parameters: {} }],
        toolChoice: 'none',
      },
      { modelId: 'glm-4.6', quirks: presets.glm.quirks, stream: false },
    );
    expect(body).not.toHaveProperty('tools');
    expect(body).not.toHaveProperty('tool_choice');
  });

  it('uses max_tokens on compatible hosts and asks for stream usage when streaming', () => {
    const body = toChatCompletionBody(
      { messages: [{ role: 'user', content: 'x' }], maxOutputTokens: 10 },
      { modelId: 'deepseek-chat', quirks: presets.deepseek.quirks, stream: true },
    );
    expect(body).toMatchObject({ max_tokens: 10, stream: true, stream_options: { include_usage: true } });
  });

  it('passes providerOptions through last, so they can override', () => {
    const body = toChatCompletionBody(
      {
        messages: [{ role: 'user', content: 'x' }],
        temperature: 1,
        providerOptions: { temperature: 0, seed: 7 },
      },
      openai,
    );
    expect(body).toMatchObject({ temperature: 0, seed: 7 });
  });

  it('refuses a request without messages', () => {
    expect(() => toChatCompletionBody({ messages: [] }, openai)).toThrow(
      expect.objectContaining({ code: 'invalid-argument' }),
    );
  });
});
