import type { Verifier } from './verifier.js';

/**
 * Rejects results whose self-reported confidence is below `min`. Agents that report no confidence
 * pass (there is nothing to judge), which the verdict says.
 */
export function confidenceVerifier(options: { min?: number } = {}): Verifier {
  const min = options.min ?? 0.5;
  return {
    name: 'confidence',
    verify(output) {
      if (output.confidence === undefined) {
        return { verifier: 'confidence', passed: true, reason: 'the agent reports no confidence' };
      }
      const passed = output.confidence >= min;
      return {
        verifier: 'confidence',
        passed,
        score: output.confidence,
        reason: passed
          ? `confidence ${output.confidence} ≥ ${min}`
          : `confidence ${output.confidence} is below ${min}: the answer may not address the request`,
      };
    },
  };
}
