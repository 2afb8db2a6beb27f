import type { DelegationRecord, ErrorInfo, Usage } from '@baton/core';

/** A score an item carries: a number, a pass/fail, a category, or null when not applicable. */
export type ScoreValue = number | boolean | string | null;

/**
 * One replayed turn for one strategy (and one repeat): a line of `items.jsonl`. Everything the
 * summary, the comparisons, the gates and Langfuse need is here, so a run can be re-summarised,
 * resumed and merged from its items alone.
 */
export interface ItemResult {
  /** `${conversationId}#${turnIndex}`: stable across runs and strategies. */
  itemId: string;
  conversationId: string;
  /** Position of the user turn in the conversation's `turns` array. */
  turnIndex: number;
  /** 0-based repeat number (`--repeat k`). */
  repeat: number;
  strategy: string;
  input: string;
  /** The recorded human reply (the human's final text). */
  reference: string;
  /** The bot draft recorded for this reply, when there was one. */
  recordedDraft?: string;
  gold: { domains: string[]; intent?: string; language?: string };
  /** `error`: the harness could not get a result at all (the strategy threw). */
  outcome: 'answered' | 'escalated' | 'failed' | 'error';
  answer: string | null;
  respondedBy: string[];
  error?: ErrorInfo;
  delegations: DelegationRecord[];
  usage: Usage;
  costUsd: number;
  latencyMs: number;
  /**
   * Per-item scores. The built-in ones (see `scoreNames`) are always present; pluggable scorers add
   * their own under their names.
   */
  scores: Record<string, ScoreValue>;
  /** Details of scorers that explain themselves (judge rationale, rubric, model). */
  scoreDetails?: Record<string, unknown>;
  traceId?: string;
}

/** Names of the built-in per-item scores. */
export const scoreNames = {
  /** 0–1; null when escalated; 0 when failed or errored. */
  answerQuality: 'answerQuality',
  /** 0–1 TER-style edit rate against the human's text, capped at 1; 1 when escalated, failed or errored. */
  humanCleanup: 'humanCleanup',
  /** humanCleanup above the "needs cleanup" threshold. */
  needsCleanup: 'needsCleanup',
  /** Whether a delegation was attempted in this turn (errored turns count as attempted). */
  delegationAttempted: 'delegationAttempted',
  /** Whether at least one failure-ladder step ran (errored turns count as a fallback). */
  fallback: 'fallback',
  /** Whether the turn ended with a human. */
  escalated: 'escalated',
  /** Whether the chosen delegate(s) serve every gold domain; null for unlabelled turns. */
  routingCorrect: 'routingCorrect',
  /** Pass/fail for McNemar and pass^k: a good-enough answer, or a correct escalation. */
  pass: 'pass',
} as const;

/** Prefix of the per-rung fallback flags (`fallback.retry`, `fallback.alternative`…). */
export const fallbackRungScorePrefix = 'fallback.';
