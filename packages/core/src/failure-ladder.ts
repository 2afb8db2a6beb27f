import type { PreviousAttempt } from './agent.js';
import type { TaskSpec } from './task-spec.js';

/**
 * How a delegator recovers when a delegate fails or its result is rejected: retry the same delegate
 * with revised instructions, try the next-best delegates, do it itself, escalate to a human. Each
 * rung can be switched off; every rung taken is recorded.
 */
export interface FailureLadder {
  /** Retries of the same delegate with revised instructions. */
  retries: number;
  /** Next-best delegates to try. */
  alternatives: number;
  /** Alternatives must have at least this selection score. */
  minAlternativeScore: number;
  /** Whether the delegator may do the task itself. */
  self: boolean;
  /** Whether to escalate to a human as the last rung. */
  human: boolean;
  /** Revises the task for a retry, given the failed attempt. */
  revise(task: TaskSpec, failed: PreviousAttempt): TaskSpec;
}

/**
 * The default revision: tells the delegate why the last answer was rejected and asks for a different
 * approach (retrieval agents also skip the sources they used last time).
 */
export function reviseWithFeedback(task: TaskSpec, failed: PreviousAttempt): TaskSpec {
  const reasons = failed.error
    ? [failed.error]
    : failed.verdicts.filter((verdict) => !verdict.passed).map((verdict) => verdict.reason);
  const feedback = `A previous answer was rejected (${reasons.join('; ') || 'unknown reason'}). Address the request directly and completely; if the first source did not fit, use another.`;
  return { ...task, instructions: task.instructions ? `${task.instructions}\n${feedback}` : feedback };
}

/**
 * Builds a failure ladder; by default every rung is on with one retry and one alternative.
 *
 * @example
 * ```ts
 * const ladder = failureLadder({ retries: 0, human: true }); // alternative → self → human
 * ```
 */
export function failureLadder(options: Partial<FailureLadder> = {}): FailureLadder {
  return {
    retries: 1,
    alternatives: 1,
    minAlternativeScore: 0.05,
    self: true,
    human: true,
    revise: reviseWithFeedback,
    ...options,
  };
}

/** A ladder with every rung off: the first result stands, right or wrong. */
export const noFallback: FailureLadder = Object.freeze(
  failureLadder({ retries: 0, alternatives: 0, self: false, human: false }),
);
