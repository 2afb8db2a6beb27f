import type { ResponseFormat } from '@baton/core';
import { z } from 'zod';

/**
 * Builds a core `json-schema` {@link ResponseFormat} from a zod schema, e.g. a task spec's
 * expected output. `strict` defaults to whether the schema meets OpenAI's strict-mode rules
 * (every property required, no extra properties), so a schema with optional fields still works
 * without strict decoding instead of being rejected by the host.
 *
 * @example
 * ```ts
 * const format = responseFormatFromZod({ name: 'ticket', schema: z.object({ intent: z.string() }) });
 * await model.generate({ messages, responseFormat: format });
 * ```
 */
export function responseFormatFromZod(options: {
  name: string;
  schema: z.ZodType;
  strict?: boolean;
}): ResponseFormat {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(options.schema, {
    target: 'draft-2020-12',
  }) as Record<string, unknown>;
  return {
    type: 'json-schema',
    name: options.name,
    schema,
    strict: options.strict ?? isStrictCompatible(schema),
  };
}

/** True when every object in the schema lists all its properties as required and allows no others. */
export function isStrictCompatible(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.every(isStrictCompatible);
  if (schema === null || typeof schema !== 'object') return true;
  const node = schema as Record<string, unknown>;
  if (node.type === 'object' || node.properties !== undefined) {
    const properties = Object.keys((node.properties as Record<string, unknown> | undefined) ?? {});
    const required = new Set((node.required as string[] | undefined) ?? []);
    if (node.additionalProperties !== false) return false;
    if (!properties.every((name) => required.has(name))) return false;
  }
  return Object.values(node).every(isStrictCompatible);
}
