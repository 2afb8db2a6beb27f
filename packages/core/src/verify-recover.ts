import { type AssessPolicy, thresholdAssess } from './assess-policy.js';
import { confidenceVerifier } from './confidence-verifier.js';
import type { ContextPolicy } from './context-policy.js';
import { defineStrategy } from './define-strategy.js';
import { type FailureLadder, failureLadder } from './failure-ladder.js';
import { lexicalSelector } from './lexical-selector.js';
import type { Selector } from './selector.js';
import type { Strategy } from './strategy.js';
import type { Verifier } from './verifier.js';
import { criteriaVerifier, languageVerifier } from './verify/index.js';

/**
 * Delegation done carefully: select, then verify every result (by default: the delegate's confidence,
 * the answer's language and the task's typed acceptance criteria) and recover along the full failure ladder — retry with revised
 * instructions, the next-best delegate, the front agent itself, a human.
 *
 * @example
 * ```ts
 * const strategy = verifyRecover({ select: trainedSelector({ classifier }), verify: [confidenceVerifier({ min: 0.4 })] });
 * ```
 */
export function verifyRecover(
  options: {
    select?: Selector;
    verify?: readonly Verifier[];
    ladder?: FailureLadder;
    assess?: AssessPolicy;
    transfer?: ContextPolicy;
    attemptTimeoutMs?: number;
  } = {},
): Strategy {
  const select = options.select ?? lexicalSelector();
  return defineStrategy({
    name: 'verify-recover',
    description: `${select.name} selection, verification and the full failure ladder`,
    select,
    assess: options.assess ?? thresholdAssess(),
    verify: options.verify ?? [confidenceVerifier({ min: 0.5 }), languageVerifier(), criteriaVerifier()],
    ladder: options.ladder ?? failureLadder(),
    ...(options.transfer ? { transfer: options.transfer } : {}),
    ...(options.attemptTimeoutMs !== undefined ? { attemptTimeoutMs: options.attemptTimeoutMs } : {}),
  });
}
