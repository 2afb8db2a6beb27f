import { z } from 'zod';
import { BatonError } from '../baton-error.js';

/**
 * The ways a profile slices an agent's measurements: the request's domain, its language, and its
 * intent cluster (see {@link intentClusterOf}).
 */
export const profileDimensions = ['domain', 'language', 'intent'] as const;

/** One of {@link profileDimensions}. */
export type ProfileDimension = (typeof profileDimensions)[number];

const estimateSchema = z.object({
  /** The mean over the measured turns; `null` when there were none. */
  mean: z.number().nullable(),
  /** 95% interval (bootstrap, resampled by conversation); `null` when there were no turns. */
  ci95: z.tuple([z.number(), z.number()]).nullable(),
  /** Turns measured. */
  n: z.number().int().nonnegative(),
});

/** A mean with its interval and its n, as in `summary.json`. */
export type ProfileEstimate = z.infer<typeof estimateSchema>;

/** What a profile measures of an agent, overall and per slice. */
export const profileMetricsSchema = z.object({
  /** Answer quality (0–1, higher is better), as the harness scored it. */
  quality: estimateSchema,
  /** Share of delegated turns in which a failure-ladder rung ran or the delegation failed. */
  fallbackRate: estimateSchema,
  /** Share of turns that ended with a human. */
  escalationRate: estimateSchema,
  /** Cost of a turn in USD. */
  costUsd: estimateSchema,
  /** Latency of a turn in milliseconds. */
  latencyMs: estimateSchema,
  /** Tokens of a turn (input + output). */
  tokens: estimateSchema,
});

/** The metrics of one agent, overall or on one slice. */
export type ProfileMetrics = z.infer<typeof profileMetricsSchema>;

const sliceSchema = z.object({
  dimension: z.enum(profileDimensions),
  value: z.string().min(1),
  metrics: profileMetricsSchema,
});

/** An agent's metrics on one slice, e.g. `{ dimension: 'domain', value: 'billing' }`. */
export type ProfileSlice = z.infer<typeof sliceSchema>;

const agentSchema = z.object({
  agentId: z.string().min(1),
  overall: profileMetricsSchema,
  slices: z.array(sliceSchema),
});

/** Everything a profile knows about one agent. */
export type AgentProfile = z.infer<typeof agentSchema>;

/**
 * A delegate performance profile, version 1: for each agent, what it was *measured* to do — answer
 * quality, fallback and escalation rates, cost and latency — overall and per slice (domain,
 * language, intent cluster), each with its n and interval. Built by `baton profile` from evaluated
 * turns; read by {@link routeMeasured}. The conversations it was measured on are listed (with a
 * digest of the list), so an evaluation can refuse to score a router on conversations its profile
 * has seen.
 */
export const delegateProfileSchema = z
  .object({
    version: z.literal(1),
    /** How quality was scored, e.g. the scorer's description. */
    quality: z.string(),
    /** How intent clusters were formed from the gold intents. */
    intentClusters: z.string(),
    /** Bootstrap seed and resamples of the intervals. */
    seed: z.number().int(),
    resamples: z.number().int().positive(),
    source: z.object({
      /** Run folders (or passes) the turns came from. */
      runs: z.array(z.string()),
      /** Strategies whose turns were measured. */
      strategies: z.array(z.string()),
      /** The side of the split the turns came from (`train`, `test`), or `null` when mixed or unknown. */
      split: z.string().nullable(),
      /** Turns (items) that measured an agent. */
      items: z.number().int().nonnegative(),
      /** Ids of every conversation the profile was measured on, sorted. */
      conversations: z.array(z.string().min(1)),
      /** `sha256:<hex>` of the conversation ids joined by newlines: edits to the list are caught. */
      digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
    }),
    agents: z.array(agentSchema),
  })
  .superRefine((profile, context) => {
    const ids = profile.agents.map((agent) => agent.agentId);
    const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
    if (duplicate !== undefined) {
      context.addIssue({ code: 'custom', path: ['agents'], message: `agent "${duplicate}" appears twice` });
    }
    const conversations = profile.source.conversations;
    for (let index = 1; index < conversations.length; index += 1) {
      if (conversations[index - 1]! >= conversations[index]!) {
        context.addIssue({
          code: 'custom',
          path: ['source', 'conversations'],
          message: 'conversation ids must be sorted and unique',
        });
        break;
      }
    }
  });

/** A validated delegate performance profile. */
export type DelegateProfile = z.infer<typeof delegateProfileSchema>;

/**
 * Validates a profile read from anywhere (a file, an HTTP response).
 *
 * @param input - Parsed JSON.
 * @returns The profile.
 * @throws BatonError `invalid-argument` naming the offending field.
 *
 * @example
 * ```ts
 * const profile = parseDelegateProfile(JSON.parse(text));
 * ```
 */
export function parseDelegateProfile(input: unknown): DelegateProfile {
  const parsed = delegateProfileSchema.safeParse(input);
  if (!parsed.success) {
    throw new BatonError(
      'invalid-argument',
      `Invalid delegate profile: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

/** How {@link intentClusterOf} forms clusters, as recorded in a profile. */
export const intentClusterMethod = 'first token of the gold intent slug (reader-error-code → reader)';

/**
 * The intent cluster of a gold intent: the first token of its slug, so that `reader-error-code`,
 * `reader-not-pairing` and `reader-battery` form one cluster `reader`, and `thanks` stays `thanks`.
 * Deliberately simple: gold intents are free-form slugs (hundreds of them, most seen once or
 * twice), and their first word names the object or act the request is about.
 *
 * @param intent - A gold intent slug, e.g. `payout-held-kyc`.
 * @returns The cluster, lower-cased, e.g. `payout`.
 */
export function intentClusterOf(intent: string): string {
  const normalized = intent.trim().toLowerCase();
  const first = normalized.split(/[-_\s/.:]+/).find((token) => token.length > 0);
  return first ?? normalized;
}

/** One profile entry that went into a measured candidate's expected quality. */
export interface ProfileEntryUsed {
  dimension: ProfileDimension;
  value: string;
  /** How likely the request is to belong to this slice (1 for the detected language). */
  probability: number;
  /** Turns measured on the slice (with online observations, when learning). */
  n: number;
  /** The slice's measured mean quality; `null` when it was never measured. */
  mean: number | null;
  /** The mean after shrinkage towards the agent's overall mean (or the draw, when exploring). */
  estimate: number;
}

/**
 * Why a measured router scored a candidate as it did: the profile entries that decided, the
 * resulting expected quality, and the cost and latency it was traded off against. Kept on the
 * delegation record's candidate (`candidates[].profile`).
 */
export interface ProfileEvidence {
  /** The agent's overall entry: its n, measured mean and shrunk mean (the prior of its slices). */
  overall: { n: number; mean: number | null; estimate: number };
  /** The slice entries used. */
  slices: ProfileEntryUsed[];
  /** Expected answer quality, 0–1. */
  expectedQuality: number;
  /** Expected cost of a turn and where it came from. */
  costUsd: { value: number | null; source: ExpectationSource };
  /** Expected latency of a turn and where it came from. */
  latencyMs: { value: number | null; source: ExpectationSource };
  /** Expected quality minus the weighted cost and latency: what candidates are ranked by. */
  utility: number;
  /** `true` when the qualities were drawn from their posteriors (Thompson sampling). */
  sampled?: boolean;
}

/**
 * Where an expected cost or latency came from: the agent's measurements, its capability card (the
 * prior when it was never measured), the mean of the measured agents, or nowhere.
 */
export type ExpectationSource = 'profile' | 'card' | 'pooled' | 'none';
