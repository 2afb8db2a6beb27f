import type { Strategy } from '@baton/core';
import { z } from 'zod';
import type { Scorer } from './scorer.js';
import type { StrategyFactoryContext } from './strategy-registry.js';

const metricThresholds = z.record(z.string(), z.number());

/**
 * The options of `baton eval`, as flags (kebab-case) or in `eval.config.ts` (camelCase). Validated
 * with zod wherever they come from; the CLI's flags win over the config file.
 */
export const evalOptionsSchema = z.strictObject({
  /** Conversations: a `.jsonl`/`.csv` file or folder, or `langfuse:<dataset>`. Default: the suite's. */
  dataset: z.string().min(1).optional(),
  /** CSV column mapping, e.g. `text=question,reference=answer,domain=category`. */
  map: z.string().min(1).optional(),
  /** The suite file (agents, knowledge, split). Default: `datasets/support/suite.json`, searched upward. */
  suite: z.string().min(1).optional(),
  split: z.enum(['test', 'train', 'all']).default('test'),
  /**
   * Labelled conversations (a `.jsonl`/`.csv` file or folder) the trained routers learn from, all
   * of them. Default: the train side of the evaluated data. A conversation in both stops the run.
   */
  train: z.string().min(1).optional(),
  /**
   * A delegate profile (`baton profile`) for `route-measured`, instead of measuring one on the train
   * side. A profile measured on an evaluated conversation stops the run.
   */
  profile: z.string().min(1).optional(),
  strategies: z.array(z.string().min(1)).min(1).optional(),
  baseline: z.string().min(1).optional(),
  /** `provider:model`, e.g. `openai:gpt-4.1-mini`: LLM agents, the LLM router and (unless `judge`) no judge. */
  model: z.string().min(1).optional(),
  agents: z.enum(['retrieval', 'llm']).optional(),
  /** `provider:model` of the embedding model for `route-embedding`, e.g. `openai:text-embedding-3-small`. */
  embeddingModel: z.string().min(1).optional(),
  /** `provider:model` of the LLM judge for answer quality. Default: reference-based scoring. */
  judge: z.string().min(1).optional(),
  /** A file with the judge's rubric. */
  judgeRubric: z.string().min(1).optional(),
  /** Headline answer quality offline: nugget recall (default), or token F1 / ROUGE-L against the human reply. */
  qualityMetric: z.enum(['nuggets', 'token-f1', 'rouge-l']).default('nuggets'),
  /**
   * Turns in flight at once, end to end (each strategy × conversation replays its turns in order).
   * Default: 8 when a host is called live (a model not replayed from a cassette, or an A2A
   * delegate), else 128 (see `turnConcurrency`).
   */
  concurrency: z.number().int().min(1).max(1024).optional(),
  /**
   * Model calls in flight per host (all models calling one host share it). Default: `concurrency`,
   * so the host limit never holds back the turns; set it lower for a host with a tight limit.
   */
  hostConcurrency: z.number().int().min(1).max(1024).optional(),
  /**
   * Worker threads computing the text scores (cleanup's edit-rate search, token F1) off the main
   * thread; 0 computes them on it. Default: one per core beyond the first, at most 2. The numbers
   * are the same either way.
   */
  scoreThreads: z.number().int().min(0).max(64).optional(),
  /**
   * How far V8 may let the heap grow past what is live between full collections, in % (its
   * `--heap-growing-percent`; by default it picks up to 300 % on a machine with memory to spare).
   * Lower keeps a long run's memory flat at the cost of more collections. Process-wide: it is a V8
   * setting, applied when the run starts. Unset, the turns run under 50 % when a model host is
   * called live (the main thread waits on it; see `liveModelHeapGrowth`) or the data files hold
   * 10 MB or more (a long run; see `largeDatasetHeapGrowth`), under V8's own factor otherwise; the
   * summary at the end keeps the turns' growth, else runs under 50 % (mostly short-lived data
   * there; see `summaryHeapGrowth`).
   */
  heapGrowth: z.number().int().min(1).max(1000).optional(),
  /**
   * Time limit of one model call attempt, in ms (the headers and the whole body; for a stream, its
   * first chunk). Default 120 000. A call that runs out is retried (see the providers README).
   */
  timeout: z.number().int().min(1).optional(),
  /**
   * The longest a host may go silent in the middle of an answer, in ms: between body bytes once
   * the headers are in, between stream chunks. Default 10 000 (at most `timeout`).
   */
  idleTimeout: z.number().int().min(1).optional(),
  /** The longest one replayed turn may take, retries and fallbacks included, in ms. Default: none. */
  turnTimeout: z.number().int().min(1).optional(),
  repeat: z.number().int().min(1).max(100).default(1),
  /** At most this many conversations. */
  limit: z.number().int().min(1).optional(),
  /** Only conversations whose id matches this regular expression (before `limit`). */
  filter: z.string().min(1).refine(isRegularExpression, 'not a valid regular expression').optional(),
  out: z.string().min(1).optional(),
  resume: z.boolean().default(false),
  /** `k/n`: run the k-th of n shards (1-based). */
  shard: z
    .string()
    .regex(/^\d+\/\d+$/, 'expected k/n, e.g. 2/4')
    .refine((value) => {
      const [index, count] = value.split('/').map(Number) as [number, number];
      return index >= 1 && index <= count;
    }, 'k must be between 1 and n')
    .optional(),
  record: z.string().min(1).optional(),
  replay: z.string().min(1).optional(),
  /**
   * Free running: each strategy's own answers become the history; recorded user turns are used
   * while they still fit (see the README). Default false: teacher forcing.
   */
  freeRun: z.boolean().default(false),
  /** Free runs: `provider:model` of the user simulator that takes over at the first divergence. */
  userModel: z.string().min(1).optional(),
  /** Free runs: nugget recall of the recorded reply an answer needs for the recording to go on. */
  fitRecall: z.number().min(0).max(1).default(0.5),
  /** Free runs: simulated user turns at most per conversation. */
  maxSimulatedTurns: z.number().int().min(1).max(50).default(5),
  /** Push dataset runs, traces and scores to Langfuse. Default: when LANGFUSE_* keys are set. */
  langfuse: z.boolean().optional(),
  /** Write spans to `traces.jsonl` in the run folder. */
  trace: z.boolean().default(true),
  failUnder: metricThresholds.default({}),
  max: metricThresholds.default({}),
  maxRegression: metricThresholds.default({}),
  passThreshold: z.number().min(0).max(1).default(0.3),
  cleanupThreshold: z.number().min(0).max(1).default(0.5),
  seed: z.number().int().min(0).default(1),
  resamples: z.number().int().min(100).max(100_000).default(2000),
  onInvalid: z.enum(['stop', 'skip']).default('stop'),
  progress: z.boolean().optional(),
  json: z.boolean().default(false),
});

/** `baton eval` options after defaults. */
export type EvalOptions = z.output<typeof evalOptionsSchema>;

/** What `eval.config.ts` may hold: the options, plus code the CLI cannot express. */
export interface EvalConfig extends Partial<z.input<typeof evalOptionsSchema>> {
  /** Extra strategies by name (usable in `strategies`), built per run. */
  customStrategies?: Record<string, (context: StrategyFactoryContext) => Strategy>;
  /** Extra scorers; their numeric scores are summarised and compared like the built-in ones. */
  scorers?: Scorer[];
}

/**
 * Types an `eval.config.ts`.
 *
 * @example
 * ```ts
 * // eval.config.ts
 * import { defineConfig } from '@baton/eval';
 * export default defineConfig({ strategies: ['solo', 'verify-recover'], failUnder: { answerQuality: 0.3 } });
 * ```
 */
export function defineConfig(config: EvalConfig): EvalConfig {
  return config;
}

function isRegularExpression(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}
