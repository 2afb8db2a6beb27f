import type { RunSummary } from '../run-summary.js';
import { buildRunSummary } from './build-run-summary.js';
import { lexicalItems, trainedItems } from './example-items.fixture.js';
import { parseGateRules } from './gate.js';

// Test data for the report tests (not exported from the package): the example items of
// example-items.fixture.ts summarised with a gate that has a passing and a failing check.

/** Run metadata of the example run, without items and gate. */
export const exampleRunInput = {
  strategies: [
    { name: 'lexical', description: 'Keyword match on capability cards' },
    { name: 'trained', description: 'Classifier trained on labelled turns' },
  ],
  baseline: 'lexical',
  runId: 'run-1',
  createdAt: '2025-01-02T03:04:05.000Z',
  durationMs: 1234,
  suite: { name: 'support', dataset: 'datasets/support/suite.json', split: 'test' },
  scorer: {
    answerQuality: 'token-f1',
    humanCleanup: 'ter-with-shifts',
    passThreshold: 0.5,
    needsCleanupThreshold: 0.3,
  },
  model: null,
  repeat: 1,
  seed: 7,
  resamples: 500,
};

/** The example run's summary: `trained` passes quality ≥ 0.5 and fails fallback ≤ 0.5. */
export function exampleRunSummary(): RunSummary {
  return buildRunSummary({
    ...exampleRunInput,
    items: [...lexicalItems, ...trainedItems],
    gate: { rules: parseGateRules({ failUnder: ['answerQuality=0.5'], max: ['fallbackRate=0.5'] }) },
  });
}
