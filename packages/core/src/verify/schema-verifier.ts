import type { Verifier } from '../verifier.js';

/**
 * Checks a structured result against the task's output schema (agents built with Baton already
 * validate; this catches third-party agents that do not).
 */
export function schemaVerifier(): Verifier {
  return {
    name: 'schema',
    verify(output, { task }) {
      if (!task.output) return { verifier: 'schema', passed: true, reason: 'no output schema' };
      const parsed = task.output.safeParse(output.data);
      return parsed.success
        ? { verifier: 'schema', passed: true, reason: 'matches the output schema' }
        : {
            verifier: 'schema',
            passed: false,
            reason: `does not match the output schema: ${parsed.error.message}`,
          };
    },
  };
}
