import type { z } from 'zod';
import type { BudgetLimits } from './budget.js';
import type { AcceptanceCriterion } from './verify/acceptance-criterion.js';

/**
 * What a delegator asks a delegate to do: the third of the seven steps (task specification).
 * The delegate is judged against `acceptanceCriteria` and, when present, `output`.
 */
export interface TaskSpec<TOutput = unknown> {
  /** The sub-task in one or two sentences, phrased for the delegate. */
  goal: string;
  /** Extra instructions; the failure ladder revises these on a retry. */
  instructions?: string;
  /** Things the delegate must respect (tone, language, scope). */
  constraints: string[];
  /**
   * What a good result satisfies, in words: shown to the delegate, and checked by the LLM verifier
   * when one is configured (no other verifier can read them).
   */
  acceptanceCriteria: string[];
  /**
   * Machine-checkable criteria (required facts, output schema, reply language, maximum length,
   * must-not-contain), checked by `criteriaVerifier` — part of the default verifiers — with no model.
   */
  criteria?: AcceptanceCriterion[];
  /** The shape of the answer: prose for a customer (`text`), or a structured result (`json`). */
  format?: 'text' | 'json';
  /** The expected shape of a structured result. LLM agents request it as JSON schema output. */
  output?: z.ZodType<TOutput>;
  /** Resources the delegate may spend; narrowed further by the enclosing budget. */
  budget?: BudgetLimits;
  /** Absolute deadline (epoch milliseconds). */
  deadline?: number;
  /** Language the answer should be in (BCP 47): the customer's. */
  language?: string;
  /**
   * Every language the answer may be in, best first (the first is `language`): the customer's, then
   * the team's supported reply languages when no delegate speaks the customer's. See `replyLanguages`.
   */
  replyLanguages?: string[];
  /** The domain the delegator believes the task belongs to. */
  domain?: string;
}

/**
 * Builds a task spec with empty lists filled in.
 *
 * @example
 * ```ts
 * const task = defineTask({ goal: 'Explain the refund policy for annual plans', language: 'en' });
 * ```
 */
export function defineTask<TOutput = unknown>(
  spec: Partial<TaskSpec<TOutput>> & { goal: string },
): TaskSpec<TOutput> {
  return { constraints: [], acceptanceCriteria: [], ...spec };
}
