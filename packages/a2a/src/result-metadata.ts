import type { AgentOutput, Usage } from '@baton/core';
import { z } from 'zod';

const usageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
});

/**
 * What a Baton server says about a result, under the `baton` key of the task's (or status update's,
 * or message's) metadata. Other A2A servers may send any of it; every field is optional.
 */
export const batonResultMetadataSchema = z.object({
  usage: usageSchema.optional(),
  costUsd: z.number().nonnegative().optional(),
  confidence: z.number().min(0).max(1).optional(),
  sources: z
    .array(z.object({ id: z.string(), title: z.string().optional(), score: z.number().optional() }))
    .optional(),
  /** The agent output's exact status, which A2A's task states only approximate. */
  status: z.enum(['answered', 'declined', 'needs-human', 'hand-back']).optional(),
  /** The Baton error behind a `failed` task. */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

/** What a result's metadata says, validated. */
export type ResultMetadata = z.output<typeof batonResultMetadataSchema>;

// Usage as other A2A servers report it, in the spellings seen in the wild: `usage` in camel case,
// OpenAI's snake case, or Google ADK's `adk_usage_metadata`.
const foreignUsageSchema = z.union([
  usageSchema,
  z
    .object({ input_tokens: z.number().int().nonnegative(), output_tokens: z.number().int().nonnegative() })
    .transform((usage) => ({ inputTokens: usage.input_tokens, outputTokens: usage.output_tokens })),
  z
    .object({
      prompt_tokens: z.number().int().nonnegative(),
      completion_tokens: z.number().int().nonnegative(),
    })
    .transform((usage) => ({ inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens })),
]);
const adkUsageSchema = z
  .object({
    promptTokenCount: z.number().int().nonnegative().default(0),
    candidatesTokenCount: z.number().int().nonnegative().default(0),
  })
  .transform((usage) => ({ inputTokens: usage.promptTokenCount, outputTokens: usage.candidatesTokenCount }));
const foreignCostSchema = z.number().nonnegative();

/**
 * Reads usage, cost, confidence, sources and status from one metadata object: the `baton` key
 * first; failing that, `usage` (`inputTokens`/`outputTokens`, `input_tokens`/`output_tokens` or
 * `prompt_tokens`/`completion_tokens`), `adk_usage_metadata`, and `costUsd` or `cost_usd`.
 * Anything malformed is ignored field by field: a server's odd metadata never fails a result.
 */
export function readResultMetadata(metadata: Record<string, unknown> | undefined): ResultMetadata {
  if (!metadata) return {};
  const result: ResultMetadata = {};
  const baton = z.record(z.string(), z.unknown()).safeParse(metadata.baton);
  if (baton.success) {
    for (const key of Object.keys(batonResultMetadataSchema.shape) as (keyof ResultMetadata)[]) {
      const field = batonResultMetadataSchema.shape[key].safeParse(baton.data[key]);
      if (field.success && field.data !== undefined) Object.assign(result, { [key]: field.data });
    }
  }
  if (!result.usage) {
    const usage = foreignUsageSchema.safeParse(metadata.usage);
    const adk = adkUsageSchema.safeParse(metadata.adk_usage_metadata);
    if (usage.success) result.usage = usage.data;
    else if (adk.success) result.usage = adk.data;
  }
  if (result.costUsd === undefined) {
    const cost = foreignCostSchema.safeParse(metadata.costUsd ?? metadata.cost_usd);
    if (cost.success) result.costUsd = cost.data;
  }
  return result;
}

/** The metadata a Baton server sends with a result (see {@link batonResultMetadataSchema}). */
export function resultMetadata(
  output: Pick<AgentOutput, 'status' | 'usage' | 'costUsd' | 'confidence' | 'sources'>,
): { baton: ResultMetadata } {
  return {
    baton: {
      status: output.status,
      usage: output.usage,
      costUsd: output.costUsd,
      ...(output.confidence !== undefined ? { confidence: output.confidence } : {}),
      ...(output.sources ? { sources: output.sources } : {}),
    },
  };
}

/** Total tokens of a usage. */
export function tokensOf(usage: Usage): number {
  return usage.inputTokens + usage.outputTokens;
}
