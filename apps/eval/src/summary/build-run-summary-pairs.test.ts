import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../report/render-markdown.js';
import { renderTable } from '../report/render-table.js';
import { buildRunSummary } from './build-run-summary.js';
import { lexicalItems, trainedItems } from './example-items.fixture.js';
import { exampleRunInput } from './example-run.fixture.js';
import { parseGateRules } from './gate.js';

// `copy` answers exactly as the baseline `lexical` does, so `trained` compared with `copy` must
// give exactly the numbers of `trained` compared with `lexical`.
const copyItems = lexicalItems.map((item) => ({ ...item, strategy: 'copy' }));

function summaryWithPair() {
  return buildRunSummary({
    ...exampleRunInput,
    strategies: [...exampleRunInput.strategies, { name: 'copy' }],
    items: [...lexicalItems, ...trainedItems, ...copyItems],
    pairs: [
      { candidate: 'trained', baseline: 'copy' },
      { candidate: 'trained', baseline: 'lexical' }, // already compared: skipped
      { candidate: 'trained', baseline: 'absent' }, // did not run: skipped
    ],
    gate: { rules: parseGateRules({ maxRegression: ['answerQuality=0.5'] }) },
  });
}

describe('buildRunSummary with extra pairs', () => {
  it('compares a strategy with its rival besides the baseline, after the baseline’s comparisons', () => {
    const summary = summaryWithPair();
    const vsBaseline = summary.comparisons.filter((comparison) => comparison.baseline === 'lexical');
    const vsRival = summary.comparisons.filter((comparison) => comparison.baseline === 'copy');
    expect(new Set(summary.comparisons.map((comparison) => comparison.baseline))).toEqual(
      new Set(['lexical', 'copy']),
    );
    expect(vsRival.map((comparison) => comparison.candidate)).toEqual(vsRival.map(() => 'trained'));
    expect(summary.comparisons.slice(-vsRival.length)).toEqual(vsRival);
    const trained = vsBaseline.filter((comparison) => comparison.candidate === 'trained');
    expect(vsRival.map((comparison) => ({ ...comparison, baseline: 'lexical' }))).toEqual(trained);
  });

  it('leaves the gate to the baseline: a regression check is never made against a rival', () => {
    const { gate } = summaryWithPair();
    expect(gate.checks.map((check) => check.name)).toEqual(
      gate.checks.map(() => 'answerQuality regression <= 0.5 vs lexical'),
    );
  });

  it('reports each rival in its own paired table and on one terminal line', () => {
    const summary = summaryWithPair();
    const markdown = renderMarkdown(summary);
    expect(markdown).toContain('### Compared with lexical (paired)');
    expect(markdown).toContain('### Compared with copy (paired)');
    expect(markdown.indexOf('### Compared with lexical')).toBeLessThan(
      markdown.indexOf('### Compared with copy'),
    );
    expect(renderTable(summary)).toMatch(/^trained vs copy \(paired\): answer quality ↑ [+-]\d/m);
  });
});
