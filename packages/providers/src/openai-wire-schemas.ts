import { z } from 'zod';
import { ProviderCallError } from './provider-error.js';

/*
 * The parts of the OpenAI wire format that Baton reads, checked at the boundary so that a
 * malformed body becomes an `invalid-response` error here rather than a crash deep inside.
 * Objects are loose: hosts add fields of their own, and those must not fail a call.
 */

/** Tool-call arguments are JSON text; a few hosts send the object itself, which we re-serialise. */
const toolArguments = z
  .union([z.string(), z.record(z.string(), z.unknown())])
  .transform((value) => (typeof value === 'string' ? value : JSON.stringify(value)));

/** `usage` of a completion, a stream's last chunk, or an embedding response. */
export const usageSchema = z.looseObject({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative().optional(),
  prompt_tokens_details: z
    .looseObject({ cached_tokens: z.number().int().nonnegative().optional() })
    .nullish(),
  /** DeepSeek reports cache hits here instead. */
  prompt_cache_hit_tokens: z.number().int().nonnegative().optional(),
});

/** A chat completion (`POST /chat/completions`, not streamed). */
export const chatCompletionSchema = z.looseObject({
  id: z.string().optional(),
  model: z.string().optional(),
  choices: z
    .array(
      z.looseObject({
        index: z.number().optional(),
        message: z.looseObject({
          role: z.string().optional(),
          content: z.string().nullish(),
          refusal: z.string().nullish(),
          tool_calls: z
            .array(
              z.looseObject({
                id: z.string(),
                type: z.string().optional(),
                function: z.looseObject({ name: z.string(), arguments: toolArguments }),
              }),
            )
            .nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: usageSchema.nullish(),
});

/** One chunk of a streamed chat completion. */
export const chatCompletionChunkSchema = z.looseObject({
  id: z.string().optional(),
  model: z.string().optional(),
  choices: z.array(
    z.looseObject({
      index: z.number().optional(),
      delta: z
        .looseObject({
          content: z.string().nullish(),
          tool_calls: z
            .array(
              z.looseObject({
                // Gemini leaves out `index`; the assembler falls back to the id or the position.
                index: z.number().int().nonnegative().optional(),
                id: z.string().nullish(),
                function: z
                  .looseObject({ name: z.string().nullish(), arguments: toolArguments.nullish() })
                  .nullish(),
              }),
            )
            .nullish(),
        })
        .nullish(),
      finish_reason: z.string().nullish(),
    }),
  ),
  usage: usageSchema.nullish(),
  /** Groq reports stream usage here. */
  x_groq: z.looseObject({ usage: usageSchema.nullish() }).nullish(),
});

/** An embedding response (`POST /embeddings` with `encoding_format: 'float'`). */
export const embeddingResponseSchema = z.looseObject({
  model: z.string().optional(),
  data: z.array(z.looseObject({ index: z.number().int().nonnegative(), embedding: z.array(z.number()) })),
  usage: z.looseObject({ prompt_tokens: z.number().int().nonnegative() }).nullish(),
});

export type ChatCompletion = z.output<typeof chatCompletionSchema>;
export type ChatCompletionChunk = z.output<typeof chatCompletionChunkSchema>;
export type WireUsage = z.output<typeof usageSchema>;
export type EmbeddingResponse = z.output<typeof embeddingResponseSchema>;

/**
 * Validates a parsed body against one of the schemas above.
 *
 * @throws {ProviderCallError} `invalid-response` naming the first offending field.
 */
export function parseWireBody<TSchema extends z.ZodType>(
  schema: TSchema,
  value: unknown,
  context: { hostLabel: string; what: string },
): z.output<TSchema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? 'the body' : issue.path.join('.');
  const received =
    typeof value === 'string' ? ` (received text: ${JSON.stringify(value.slice(0, 120))})` : '';
  throw new ProviderCallError(
    'invalid-response',
    `${context.hostLabel} sent ${context.what} that does not have the documented shape: ${where}: ${issue?.message ?? 'invalid'}${received}`,
    { isRetryable: false, cause: result.error },
  );
}
