import { defineTask } from '@baton/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readTaskMessage, toTaskMessage } from './task-message.js';

const context = {
  messages: [
    { role: 'user' as const, content: 'My order 1042 arrived broken.' },
    { role: 'assistant' as const, content: 'Sorry to hear that.' },
  ],
  summary: 'A damaged delivery.',
  fields: { orderId: '1042' },
  info: { policy: 'named-fields', messages: 2, characters: 60, redactions: 1 },
};

describe('toTaskMessage / readTaskMessage', () => {
  it('carries the task, the context and earlier attempts across exactly', () => {
    const input = {
      task: defineTask({
        goal: 'Offer a refund',
        constraints: ['Be kind.'],
        language: 'en',
        domain: 'orders',
      }),
      context,
      previousAttempts: [{ agentId: 'orders', output: 'No.', sources: [], verdicts: [], error: 'too short' }],
      handoff: true,
    };
    const read = readTaskMessage(toTaskMessage(input, { contextId: 'ctx-1' }));
    expect(read.structured).toBe(true);
    expect(read.input).toEqual({
      ...input,
      // The size is measured again on arrival: 19 + 29 + 19 characters of text and 18 of fields.
      context: { ...context, info: { policy: 'named-fields', messages: 2, characters: 85, redactions: 1 } },
    });
  });

  it('sends an output schema as JSON Schema and rebuilds a validator from it', () => {
    const output = z.object({ amount: z.number(), reason: z.string() });
    const message = toTaskMessage(
      { task: defineTask({ goal: 'Refund', output }), context, previousAttempts: [] },
      { contextId: 'c' },
    );
    const rebuilt = readTaskMessage(message).input.task.output;
    expect(rebuilt?.safeParse({ amount: 5, reason: 'broken' }).success).toBe(true);
    expect(rebuilt?.safeParse({ amount: 'five' }).success).toBe(false);
  });

  it('takes a plain client’s text as the goal, and refuses a malformed Baton part', () => {
    const plain = toTaskMessage(
      { task: defineTask({ goal: 'x' }), context, previousAttempts: [] },
      { contextId: 'c' },
    );
    plain.parts = [
      {
        content: { $case: 'text', value: 'Where is my parcel?' },
        metadata: undefined,
        filename: '',
        mediaType: 'text/plain',
      },
    ];
    expect(readTaskMessage(plain)).toMatchObject({
      structured: false,
      input: { task: { goal: 'Where is my parcel?' } },
    });
    plain.parts.push({
      content: { $case: 'data', value: { baton: { version: 2 } } },
      metadata: undefined,
      filename: '',
      mediaType: 'application/json',
    });
    expect(() => readTaskMessage(plain)).toThrow();
  });
});
