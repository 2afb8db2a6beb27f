import type { ItemResult } from '../item-result.js';
import type { RunSummary } from '../run-summary.js';
import { buildRunSummary } from '../summary/build-run-summary.js';
import { lexicalItems, trainedItems } from '../summary/example-items.fixture.js';
import { exampleRunInput } from '../summary/example-run.fixture.js';
import { parseGateRules } from '../summary/gate.js';

// Test data for the report layout tests (not exported from the package): a run as wide as the
// default one — a baseline, five strategies, the recorded bot and the two floor probes — made from
// the example items, so that every layout question (stacking, the floor, the recorded row, failed
// turns, a custom score) has something to show.

const renamed = (items: readonly ItemResult[], strategy: string) =>
  items.map((item) => ({ ...item, strategy }));

/** A content-free probe: every answer scores nothing and needs a full rewrite. */
const probe = (strategy: string) =>
  lexicalItems.map((item) => ({
    ...item,
    strategy,
    outcome: 'answered' as const,
    error: undefined,
    scores: { ...item.scores, answerQuality: 0, answeredQuality: 0, humanCleanup: 1, pass: false },
  }));

/** The example items as a nine-row run like the default `npm run eval`. */
export function wideRunSummary(): RunSummary {
  const candidates = ['route-lexical', 'route-trained', 'handoff', 'verify-recover', 'parallel'];
  const items = [
    ...renamed(lexicalItems, 'solo'),
    ...candidates.flatMap((name) => renamed(trainedItems, name)),
    ...renamed(lexicalItems, 'recorded'),
    ...probe('echo'),
    ...probe('generic'),
  ];
  return buildRunSummary({
    ...exampleRunInput,
    strategies: [
      { name: 'solo' },
      ...candidates.map((name) => ({ name })),
      { name: 'recorded', role: 'recorded' },
      { name: 'echo', role: 'probe' },
      { name: 'generic', role: 'probe' },
    ],
    baseline: 'solo',
    items,
    scorer: {
      ...exampleRunInput.scorer,
      custom: { politeness: { description: 'thanks or apologises', higherIsBetter: true } },
    },
    gate: { rules: parseGateRules({ failUnder: ['politeness=0.5'] }, { customMetrics: ['politeness'] }) },
  });
}
