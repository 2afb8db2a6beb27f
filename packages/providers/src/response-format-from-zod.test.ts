import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isStrictCompatible, responseFormatFromZod } from './response-format-from-zod.js';

describe('responseFormatFromZod', () => {
  it('turns a zod object into a strict json-schema response format', () => {
    expect(
      responseFormatFromZod({ name: 'ticket', schema: z.object({ intent: z.enum(['refund', 'other']) }) }),
    ).toEqual({
      type: 'json-schema',
      name: 'ticket',
      schema: {
        type: 'object',
        properties: { intent: { type: 'string', enum: ['refund', 'other'] } },
        required: ['intent'],
        additionalProperties: false,
      },
      strict: true,
    });
  });

  it('turns strict off when a property is optional, unless told otherwise', () => {
    const schema = z.object({ intent: z.string(), note: z.string().optional() });
    expect(responseFormatFromZod({ name: 't', schema })).toMatchObject({ strict: false });
    expect(responseFormatFromZod({ name: 't', schema, strict: true })).toMatchObject({ strict: true });
  });
});

describe('isStrictCompatible', () => {
  it('checks nested objects too', () => {
    const nested = z.object({ items: z.array(z.object({ a: z.string(), b: z.number().optional() })) });
    expect(isStrictCompatible(z.toJSONSchema(nested))).toBe(false);
  });
});
