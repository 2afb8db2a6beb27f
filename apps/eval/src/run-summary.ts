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

/** Per-strategy metrics (see METRICS.md for definitions and denominators). */
export interface StrategyMetrics {
  answerQuality: MetricEstimate;
  fallbackRate: MetricEstimate & {
    /** Share of delegation-attempted turns in which each rung ran. */
    rungs: Record<'retry' | 'alternative' | 'self' | 'human', number | null>;
  };
  escalationRate: MetricEstimate;
  humanCleanup: MetricEstimate & { needsCleanupShare: number | null };
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
  metrics: StrategyMetrics;
}

/** A paired comparison of a candidate against the baseline on one metric. */
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

/** Everything `summary.json` holds. */
export interface RunSummary {
  version: 1;
  runId: string;
  createdAt: string;
  durationMs: number;
  suite: { name: string; dataset: string; split: string | null; conversations: number; turns: number };
  /** How each score was computed, so numbers are never read without their method. */
  scorer: {
    answerQuality: string;
    judgeModel?: string;
    rubric?: string;
    humanCleanup: string;
    passThreshold: number;
    needsCleanupThreshold: number;
  };
  model: string | null;
  baseline: string;
  repeat: number;
  seed: number;
  resamples: number;
  /** Set when the run was stopped before every item was done. */
  interrupted?: boolean;
  shard?: { index: number; count: number };
  strategies: StrategySummary[];
  comparisons: Comparison[];
  gate: { passed: boolean; checks: GateCheck[] };
}
