import { z } from 'zod';
import { fitReasonCodes } from './fits.js';
import { freeRunEndings } from './free-run-turn.js';

const usageSchema = z.object({
  inputTokens: z.number().nonnegative(),
  outputTokens: z.number().nonnegative(),
});

const simulatorCallSchema = z.object({
  model: z.string(),
  usage: usageSchema,
  costUsd: z.number().nonnegative(),
});

/** The zod mirror of {@link FreeRunTurn} (free-run-turn.ts), for reading `items.jsonl` back. */
export const freeRunTurnSchema = z.object({
  user: z.enum(['recorded', 'simulated']),
  step: z.number().int().min(1),
  goalTurnIndex: z.number().int().nonnegative(),
  fit: z
    .object({
      fits: z.boolean(),
      method: z.enum(['rule', 'judge', 'human-reply']),
      reasons: z.array(z.object({ code: z.enum(fitReasonCodes), detail: z.string() })),
      recall: z.number().nullable().optional(),
      judge: z
        .object({
          model: z.string(),
          fits: z.boolean().optional(),
          reason: z.string().optional(),
          error: z.string().optional(),
          usage: usageSchema.optional(),
        })
        .optional(),
    })
    .optional(),
  goals: z.object({
    reached: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
    reachedNow: z.array(z.number().int()),
  }),
  next: z.enum(['recorded', 'simulated', 'end']),
  end: z.enum(freeRunEndings).optional(),
  endDetail: z.string().optional(),
  simulatedBy: simulatorCallSchema.optional(),
  closing: simulatorCallSchema.extend({ text: z.string().optional() }).optional(),
});
