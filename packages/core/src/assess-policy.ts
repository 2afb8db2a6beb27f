import type { Selection } from './selector.js';
import type { TurnInput } from './turn-input.js';

/** The capability assessment (step 1): delegate, let the front agent answer, or go to a human. */
export interface Assessment {
  action: 'delegate' | 'self' | 'escalate';
  reason: string;
}

/** Decides, from the selection, whether to delegate at all. */
export type AssessPolicy = (selection: Selection, turn: TurnInput) => Assessment;

/**
 * Delegates when the best candidate scores at least `minScore` and beats the selector's `self` and
 * `human` signals; escalates when `human` is the strongest signal and at least `escalateAt`;
 * otherwise the front agent answers itself.
 *
 * @example
 * ```ts
 * const assess = thresholdAssess({ minScore: 0.3 });
 * ```
 */
export function thresholdAssess(options: { minScore?: number; escalateAt?: number } = {}): AssessPolicy {
  const minScore = options.minScore ?? 0.25;
  const escalateAt = options.escalateAt ?? 0.5;
  return (selection) => {
    const top = selection.candidates[0];
    const best = top?.score ?? 0;
    const self = selection.self ?? 0;
    const human = selection.human ?? 0;
    if (human >= escalateAt && human > best && human >= self) {
      return { action: 'escalate', reason: `looks out of scope (${human} for a human)` };
    }
    if (!top || best < minScore || self > best) {
      return {
        action: 'self',
        reason: top
          ? `best delegate ${top.agentId} scores ${best}, below ${minScore} or the front desk's ${self}`
          : 'no delegate matches',
      };
    }
    return { action: 'delegate', reason: selection.reason ?? `${top.agentId} scores ${best}` };
  };
}
