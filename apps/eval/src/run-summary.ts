import type { FitReasonCode } from './free-run/fits.js';
import type { FreeRunEnding } from './free-run/free-run-turn.js';

/**
 * The shape of `summary.json`: machine-readable results of one run, documented in the README.
 * Means are `null` when their denominator is empty (for example the fallback rate of a strategy that
 * never delegates), never NaN.
 */

/** A mean with its 95% bootstrap confidence interval (resampled by conversation). */
export interface MetricEstimate {
  mean: number | null;
  ci95: [number, number] | null;
  /** Items in the denominator. */
  n: number;
}

/** Per-strategy metrics (see the README's metric definitions and denominators). */
export interface StrategyMetrics {
  /** Headline: nugget recall over every turn with nuggets; escalations by the gold label, failures 0. */
  answerQuality: MetricEstimate;
  /** Nugget recall of answered turns only. */
  answeredQuality: MetricEstimate;
  /** Secondary: token F1 against the human reply. */
  tokenF1: MetricEstimate;
  fallbackRate: MetricEstimate & {
    /**
     * Share of the denominator's turns in which each rung ran, and in which the delegation failed
     * before or during the attempt (`failed`).
     */
    rungs: Record<'retry' | 'alternative' | 'self' | 'human' | 'failed', number | null>;
  };
  escalationRate: MetricEstimate;
  /** Escalations of turns that needed no human ÷ such turns. */
  unnecessaryEscalationRate: MetricEstimate;
  /** Turns that needed a human but were not escalated ÷ such turns. */
  missedEscalationRate: MetricEstimate;
  humanCleanup: MetricEstimate & { needsCleanupShare: number | null };
  /** The `recorded` row only: the true HTER of its drafts against the humans' finals. */
  recordedHter: MetricEstimate;
  routingAccuracy: MetricEstimate;
  passRate: MetricEstimate;
  latencyMs: { p50: number | null; p95: number | null };
  tokens: { p50: number | null; p95: number | null; total: number };
  costUsd: { total: number; perTurn: number | null; p50: number | null; p95: number | null };
  /** With `--repeat k > 1`: share of turns that pass in all k repeats. */
  passHatK?: { k: number; turns: number | null; conversations: number | null };
  /** Pluggable scorers' numeric scores, averaged the same way. */
  custom?: Record<string, MetricEstimate>;
}

/** One strategy's results. */
export interface StrategySummary {
  name: string;
  description: string;
  /** A strategy, a content-free floor probe (`echo`, `generic`), or the recorded bot. */
  role: 'strategy' | 'probe' | 'recorded';
  /**
   * Warnings about the row's numbers, e.g. `answerQuality-at-floor`: its interval does not clear
   * the floor probes' (the number is indistinguishable from a content-free answer).
   */
  flags: string[];
  /** Turns replayed (× repeats). */
  turns: number;
  conversations: number;
  /**
   * Turns the harness got no result for at all (outcome `error`). A strategy that throws inside a
   * team is caught by the core and counts under `failed`, with its error on the item.
   */
  errors: number;
  /** Turns that ended without an answer or escalation: the strategy failed or threw. */
  failed: number;
  /**
   * The failed and errored turns by the code of their error (`model-error`, `timeout`,
   * `harness-error`…; `unknown` without one), most frequent first. Absent when none failed.
   */
  failureKinds?: Record<string, number>;
  /**
   * Answered turns with nuggets that the quality scorer gave no number (a judge whose verdict could
   * not be read): they are outside answer quality and the pass rate. Absent when there are none.
   */
  unscored?: number;
  metrics: StrategyMetrics;
  /** Free runs only: divergence, resolution and the simulated part (`metrics` cover the recorded part). */
  freeRun?: FreeRunSummary;
}

/**
 * Free running (`--free-run`): how long the recording kept fitting a strategy's own conversation,
 * and how its conversations ended. Estimates are over conversations (× repeats), resampled by
 * conversation.
 */
export interface FreeRunSummary {
  /** Conversations run free. */
  conversations: number;
  /**
   * Conversations in which a recorded user turn no longer fit the strategy's conversation ÷
   * conversations with a recorded user turn after the first (a one-turn conversation cannot diverge).
   */
  divergenceRate: MetricEstimate;
  /** Over diverged conversations: the turn (1-based) after whose answer the recording stopped fitting. */
  turnsUntilDivergence: MetricEstimate;
  /** Diverged conversations per reason (one can have several). */
  divergenceReasons: Record<FitReasonCode, number>;
  /** Conversations whose every goal (recorded reply with nuggets) was reached ÷ conversations with goals. */
  resolutionRate: MetricEstimate;
  /** Over resolved conversations: turns (recorded and simulated) until the last goal was reached. */
  turnsToResolution: MetricEstimate;
  /** How the conversations ended. */
  endings: Record<FreeRunEnding, number>;
  /** Turns whose user message was recorded. */
  recordedTurns: number;
  /** Turns whose user message the user simulator wrote. */
  simulatedTurns: number;
  /** Per-turn metrics of the simulated part, reported apart; null when nothing was simulated. */
  simulated: {
    turns: number;
    conversations: number;
    failed: number;
    errors: number;
    metrics: StrategyMetrics;
  } | null;
}

/** How the turns were replayed (`summary.replay`). */
export interface ReplaySummary {
  /** `teacher-forced`: every turn gets the recorded history; `free-run`: the strategy's own. */
  mode: 'teacher-forced' | 'free-run';
  /** Free runs: how fit was decided, e.g. `rule: nugget recall ≥ 0.5, no unasked question`. */
  fit?: string;
  /** Free runs: the user simulator's `provider:model`; null when conversations stop at the divergence. */
  userModel?: string | null;
  /** Free runs: simulated user turns at most per conversation. */
  maxSimulatedTurns?: number;
}

/**
 * A paired comparison of a candidate against the baseline on one metric. `comparisons` also holds
 * the comparisons of extra pairs (a strategy against its rival, e.g. `route-measured` against
 * `route-trained`), whose `baseline` is then the rival, not the run's baseline.
 */
export interface Comparison {
  baseline: string;
  candidate: string;
  metric: string;
  /** candidate − baseline. */
  diff: number | null;
  ci95: [number, number] | null;
  p: number | null;
  method: 'paired-bootstrap' | 'mcnemar';
  /** Conversations (bootstrap) or turns (McNemar) paired. */
  n: number;
  /** Whether higher values of the metric are better. */
  higherIsBetter: boolean;
  /** McNemar only: the paired pass/fail table (turns). */
  counts?: { bothPass: number; baselineOnly: number; candidateOnly: number; bothFail: number };
}

/** One gate check; each becomes a JUnit test case. */
export interface GateCheck {
  name: string;
  kind: 'fail-under' | 'max' | 'max-regression';
  strategy: string;
  metric: string;
  threshold: number;
  actual: number | null;
  passed: boolean;
  message: string;
}

/** How the split was applied (`summary.suite.splitInfo`). */
export interface SplitInfo {
  /** `split-file`: every evaluated id is in the suite's split file; `hash`: some were placed by a seeded hash of their id. */
  method: 'split-file' | 'hash' | 'split-file+hash' | 'none';
  /** The hash's seed, when ids were hashed. */
  seed?: string;
  /** Share of conversations the hash sends to test. */
  testShare?: number;
  /** What the trained routers learned from: the train side of the data, or the capability cards' examples. */
  training: {
    source: 'train-split' | 'train-file' | 'capability-cards' | 'none';
    conversations: number;
    examples: number;
  };
  /**
   * What `route-measured` routed by: a profile measured by the run's profiling pass on the train
   * side (`train-split`, `train-file`) or given with `--profile` (`file`).
   */
  profile?: {
    source: 'train-split' | 'train-file' | 'file';
    file: string;
    conversations: number;
    items: number;
  };
}

/** The floor: the best any content-free probe reached on each headline metric. */
export interface FloorSummary {
  probes: string[];
  /** Highest upper CI bound of the probes' answer quality: a strategy must stay above it. */
  answerQuality: number | null;
  /** Lowest lower CI bound of the probes' human cleanup: a strategy must stay below it. */
  humanCleanup: number | null;
}

/** Everything `summary.json` holds. */
export interface RunSummary {
  version: 1;
  runId: string;
  createdAt: string;
  durationMs: number;
  suite: {
    name: string;
    dataset: string;
    /** The evaluated side of the split, or `null` when every conversation was evaluated. */
    split: string | null;
    conversations: number;
    turns: number;
    /** How conversations were put on a side, and what the trained routers learned from. */
    splitInfo?: SplitInfo;
  };
  /** The content-free floor every strategy must clear, from the probes' intervals. */
  floor?: FloorSummary;
  /** How each score was computed, so numbers are never read without their method. */
  scorer: {
    answerQuality: string;
    /** Turns whose nuggets were annotated in the dataset, extracted from the reference, or absent. */
    nuggets?: { annotated: number; extracted: number; none: number };
    judgeModel?: string;
    rubric?: string;
    /** The pluggable scorers (`metrics.custom`), by name: what each measures and its direction. */
    custom?: Record<
      string,
      {
        description: string;
        higherIsBetter: boolean;
        /**
         * The scorer gives no score to turns without an answer (no `noAnswer`): its mean is over
         * answered turns only, and a strategy that fails the hard turns is not marked down.
         */
        answeredOnly?: boolean;
      }
    >;
    humanCleanup: string;
    passThreshold: number;
    needsCleanupThreshold: number;
  };
  model: string | null;
  /** Teacher forcing or free running; absent in summaries written before free runs existed. */
  replay?: ReplaySummary;
  baseline: string;
  repeat: number;
  seed: number;
  resamples: number;
  /** Set when the run was stopped before every item was done. */
  interrupted?: boolean;
  /** The shard of a `--shard k/n` run: `index` is k, from 1. */
  shard?: { index: number; count: number };
  strategies: StrategySummary[];
  comparisons: Comparison[];
  gate: { passed: boolean; checks: GateCheck[] };
}
