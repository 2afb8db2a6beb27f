import type { AssessPolicy } from '../assess-policy.js';

/**
 * Capability assessment for a measured router, whose scores are utilities on the quality scale
 * (often far below 0.5): escalate when the request's probability of needing a human is at least
 * `escalateAt`; otherwise delegate when the best candidate's measured utility beats the front
 * agent's own (`self`), else let the front agent answer. A tie goes to the front agent: there is
 * no evidence that delegating helps.
 *
 * @example
 * ```ts
 * defineStrategy({ name: 'mine', select: measuredSelector({ profile }), assess: measuredAssess() });
 * ```
 */
export function measuredAssess(options: { escalateAt?: number } = {}): AssessPolicy {
  const escalateAt = options.escalateAt ?? 0.5;
  return (selection) => {
    const human = selection.human ?? 0;
    if (human >= escalateAt) {
      return { action: 'escalate', reason: `needs a human with probability ${human} (≥ ${escalateAt})` };
    }
    const top = selection.candidates[0];
    const self = selection.self ?? 0;
    if (top && top.score > self) {
      return { action: 'delegate', reason: selection.reason ?? `${top.agentId}: utility ${top.score}` };
    }
    return {
      action: 'self',
      reason: top
        ? `the front agent's measured utility ${self} is at least the best delegate's (${top.agentId}: ${top.score})`
        : (selection.reason ?? 'no delegate to choose from'),
    };
  };
}
