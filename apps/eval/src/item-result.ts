import type { DelegationRecord, ErrorInfo, Usage } from '@baton/core';
import type { FreeRunTurn } from './free-run/free-run-turn.js';

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
  /** The recorded human reply (the human's final text); `null` for a routing-only turn. */
  reference: string | null;
  /** The facts an acceptable answer must convey, and where they came from. */
  nuggets?: string[];
  nuggetSource?: 'annotated' | 'extracted' | 'none';
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
  /**
   * Free runs only (`--free-run`): whether the user message was recorded or simulated, whether the
   * recording still fit after the answer and why not, the goals reached, and what came next.
   */
  freeRun?: FreeRunTurn;
}

/** Names of the built-in per-item scores. */
export const scoreNames = {
  /**
   * Headline answer quality, 0–1, over every turn with something to check: the nugget recall of an
   * answer; for an escalation 1 when the gold label says a human is needed, else 0; 0 when failed
   * or errored; null for a routing-only turn or a reply without nuggets.
   */
  answerQuality: 'answerQuality',
  /** Nugget recall of answered turns only; null otherwise. */
  answeredQuality: 'answeredQuality',
  /** Secondary: SQuAD token F1 against the human reply, answered turns (0 when failed); null when escalated. */
  tokenF1: 'tokenF1',
  /** 0–1 HTER against a targeted reference, capped at 1; 1 when escalated, failed or errored; null without a reference. */
  humanCleanup: 'humanCleanup',
  /** humanCleanup above the "needs cleanup" threshold. */
  needsCleanup: 'needsCleanup',
  /** The `recorded` row only: the true HTER of the recorded draft against the human's final. */
  recordedHter: 'recordedHter',
  /** Whether a delegation was attempted, or should have been and failed (delegating strategies only). */
  delegationAttempted: 'delegationAttempted',
  /** Whether a failure-ladder step ran or the delegation failed before or during the attempt. */
  fallback: 'fallback',
  /** Whether the turn failed (or errored) in a delegating strategy: a failed delegation. */
  delegationFailed: 'delegationFailed',
  /** Whether the turn ended with a human. */
  escalated: 'escalated',
  /** Escalated although the gold label says no human was needed; null when a human was needed or unlabelled. */
  unnecessaryEscalation: 'unnecessaryEscalation',
  /** Not escalated although the gold label says a human was needed; null otherwise. */
  missedEscalation: 'missedEscalation',
  /** Whether the chosen delegate(s) serve every gold domain; null for unlabelled turns. */
  routingCorrect: 'routingCorrect',
  /** Pass/fail for McNemar and pass^k: a good-enough answer, or a correct escalation. */
  pass: 'pass',
} as const;

/** Prefix of the per-rung fallback flags (`fallback.retry`, `fallback.alternative`…). */
export const fallbackRungScorePrefix = 'fallback.';
