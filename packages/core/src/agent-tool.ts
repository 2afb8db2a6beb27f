import { z } from 'zod';
import type { ToolDefinition } from './chat-model.js';
import type { RunScope } from './run-scope.js';

/** A tool an LLM agent can call: its model-facing definition, argument schema and implementation. */
export interface AgentTool<TArgs = unknown> {
  definition: ToolDefinition;
  parameters: z.ZodType<TArgs>;
  execute(args: TArgs, context: { scope: RunScope; agentId: string }): Promise<string> | string;
}

/**
 * Defines a tool from a zod schema; the JSON Schema the model sees is derived from it, and the
 * model's arguments are validated against it before `execute` runs.
 *
 * @example
 * ```ts
 * const lookupOrder = defineTool({
 *   name: 'lookup_order',
 *   description: 'Find a hardware order by its number',
 *   parameters: z.object({ orderNumber: z.string() }),
 *   execute: async ({ orderNumber }) => JSON.stringify(await orders.get(orderNumber)),
 * });
 * ```
 */
export function defineTool<TArgs>(options: {
  name: string;
  description: string;
  parameters: z.ZodType<TArgs>;
  execute: AgentTool<TArgs>['execute'];
}): AgentTool<TArgs> {
  const schema = z.toJSONSchema(options.parameters, { target: 'draft-2020-12' }) as Record<string, unknown>;
  delete schema.$schema;
  return {
    definition: { name: options.name, description: options.description, parameters: schema },
    parameters: options.parameters,
    execute: options.execute,
  };
}
