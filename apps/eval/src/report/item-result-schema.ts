import { z } from 'zod';
import { freeRunTurnSchema } from '../free-run/free-run-turn-schema.js';

// The zod mirror of `ItemResult` (item-result.ts) and of core's `DelegationRecord`, for reading
// items.jsonl back. The two top-level objects are loose, so that fields a newer runner writes
// survive a merge instead of being silently stripped.

const usageSchema = z.object({
  inputTokens: z.number().nonnegative(),
  outputTokens: z.number().nonnegative(),
});

const errorInfoSchema = z.object({ code: z.string(), message: z.string(), cause: z.string().optional() });

const attemptSchema = z.object({
  index: z.number().int(),
  agentId: z.string(),
  rung: z.enum(['primary', 'retry', 'alternative', 'self']),
  instructions: z.string().optional(),
  outcome: z.enum(['accepted', 'rejected', 'error']),
  error: errorInfoSchema.optional(),
  verdicts: z.array(
    z.object({
      verifier: z.string(),
      passed: z.boolean(),
      score: z.number().optional(),
      reason: z.string(),
    }),
  ),
  output: z.string().optional(),
  confidence: z.number().optional(),
  remote: z
    .object({
      protocol: z.string(),
      url: z.string(),
      taskId: z.string().optional(),
      contextId: z.string().optional(),
    })
    .optional(),
  usage: usageSchema,
  costUsd: z.number(),
  latencyMs: z.number(),
});

const delegationRecordSchema = z.looseObject({
  id: z.string(),
  parentId: z.string().optional(),
  mode: z.enum(['delegate', 'handoff']),
  strategy: z.string(),
  delegatorId: z.string(),
  depth: z.number().int().nonnegative(),
  task: z.object({ goal: z.string(), domain: z.string().optional(), language: z.string().optional() }),
  candidates: z.array(z.object({ agentId: z.string(), score: z.number(), reason: z.string().optional() })),
  chosenAgentId: z.string().nullable(),
  reason: z.string(),
  context: z.object({
    policy: z.string(),
    messages: z.number(),
    characters: z.number(),
    redactions: z.number(),
  }),
  attempts: z.array(attemptSchema),
  fallbacks: z.array(
    z.object({
      rung: z.enum(['retry', 'alternative', 'self', 'human']),
      reason: z.string(),
      fromAgentId: z.string().optional(),
      toAgentId: z.string().optional(),
    }),
  ),
  outcome: z.enum(['completed', 'escalated', 'failed']),
  answeredBy: z.string().optional(),
  excluded: z.array(z.object({ agentId: z.string(), reason: z.enum(['not-allowed', 'cycle', 'depth']) })),
  usage: usageSchema,
  costUsd: z.number(),
  latencyMs: z.number(),
  startedAt: z.number(),
});

/** One line of `items.jsonl`: an `ItemResult`. */
export const itemResultSchema = z.looseObject({
  itemId: z.string().min(1),
  conversationId: z.string().min(1),
  turnIndex: z.number().int().nonnegative(),
  repeat: z.number().int().nonnegative(),
  strategy: z.string().min(1),
  input: z.string(),
  reference: z.string().nullable(),
  nuggets: z.array(z.string()).optional(),
  nuggetSource: z.enum(['annotated', 'extracted', 'none']).optional(),
  recordedDraft: z.string().optional(),
  gold: z.object({
    domains: z.array(z.string()),
    intent: z.string().optional(),
    language: z.string().optional(),
  }),
  outcome: z.enum(['answered', 'escalated', 'failed', 'error']),
  answer: z.string().nullable(),
  respondedBy: z.array(z.string()),
  error: errorInfoSchema.optional(),
  delegations: z.array(delegationRecordSchema),
  usage: usageSchema,
  costUsd: z.number().nonnegative(),
  latencyMs: z.number().nonnegative(),
  scores: z.record(z.string(), z.union([z.number(), z.boolean(), z.string(), z.null()])),
  scoreDetails: z.record(z.string(), z.unknown()).optional(),
  traceId: z.string().optional(),
  freeRun: freeRunTurnSchema.optional(),
});
