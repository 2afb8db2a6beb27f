import { describe, expect, it } from 'vitest';
import { renderHtml } from '../report/render-html.js';
import { escapeMarkdown } from '../report/render-markdown.js';
import { renderTable } from '../report/render-table.js';
import type { FreeRunSummary, RunSummary } from '../run-summary.js';
import { exampleRunSummary } from '../summary/example-run.fixture.js';
import { freeRunMarkdownSection, freeRunTableRows, replayLine } from './render-free-run.js';

const freeRun: FreeRunSummary = {
  conversations: 3,
  divergenceRate: { mean: 0.5, ci95: [0, 1], n: 2 },
  turnsUntilDivergence: { mean: 2, ci95: [2, 2], n: 1 },
  divergenceReasons: { 'missing-nuggets': 1, 'extra-question': 1, 'no-answer': 0, judge: 0 },
  resolutionRate: { mean: 1 / 3, ci95: [0, 1], n: 3 },
  turnsToResolution: { mean: 1, ci95: [1, 1], n: 1 },
  endings: {
    'recording-complete': 2,
    resolved: 0,
    diverged: 1,
    'user-done': 0,
    'turn-limit': 0,
    escalated: 0,
    'no-answer': 0,
    'simulator-error': 0,
  },
  recordedTurns: 5,
  simulatedTurns: 0,
  simulated: null,
};

function freeRunSummary(): RunSummary {
  const summary = exampleRunSummary();
  return {
    ...summary,
    replay: { mode: 'free-run', fit: 'rule: nugget recall ≥ 0.5', userModel: null, maxSimulatedTurns: 5 },
    strategies: summary.strategies.map((strategy) => ({ ...strategy, freeRun })),
  };
}

describe('replayLine', () => {
  it('says which mode ran and, for a free run, how fit was decided and what follows a divergence', () => {
    expect(replayLine({ mode: 'teacher-forced' })).toBe(
      'replay: teacher-forced (every turn answers the recorded history)',
    );
    expect(replayLine(freeRunSummary().replay!)).toBe(
      'replay: free run (own history; recorded user turns while they fit, by rule: nugget recall ≥ 0.5; then the conversation stops)',
    );
    expect(
      replayLine({ mode: 'free-run', fit: 'x', userModel: 'openai:gpt-4.1-mini', maxSimulatedTurns: 3 }),
    ).toContain('then openai:gpt-4.1-mini plays the customer (≤ 3 turns)');
  });
});

describe('freeRunTableRows', () => {
  it('adds four compact rows to the terminal table of a free run, none to a teacher-forced one', () => {
    expect(freeRunTableRows(exampleRunSummary())).toEqual([]);
    const rows = freeRunTableRows(freeRunSummary());
    expect(rows.map((row) => row.label)).toEqual([
      'free run: divergence ↓',
      '  turns until divergence',
      '  resolution ↑',
      '  turns to resolution',
    ]);
    expect(rows[0]!.values[0]).toBe('0.500 [0.000, 1.000]');
    expect(rows[1]!.values[0]).toBe('2.0 (n 1)');
    const table = renderTable(freeRunSummary());
    expect(table).toContain('free run: divergence ↓');
    // The mode is said below the table (a narrow terminal may wrap the line).
    expect(table).toMatch(/^replay: free run/m);
  });
});

describe('freeRunMarkdownSection', () => {
  it('reports divergence, reasons, resolution, turns and endings per strategy', () => {
    expect(freeRunMarkdownSection(exampleRunSummary(), escapeMarkdown)).toBe('');
    const section = freeRunMarkdownSection(freeRunSummary(), escapeMarkdown);
    expect(section).toContain('### Free run');
    expect(section).toContain(
      '| 0.500 [0.000, 1.000] | 2.0 (n 1) | missing-nuggets 1, extra-question 1 | 0.333 [0.000, 1.000] | 1.0 (n 1) | 5 / 0 | n/a | n/a | recording-complete 2, diverged 1 |',
    );
  });
});

describe('the free run in report.html', () => {
  it('shows the replay line and a free-run table with a row per strategy, and nothing of it in a teacher-forced run', () => {
    expect(renderHtml(exampleRunSummary())).not.toContain('<h2>Free run</h2>');
    const html = renderHtml(freeRunSummary());
    expect(html).toContain(
      'Replay: free run (own history; recorded user turns while they fit, by rule: nugget recall ≥ 0.5',
    );
    const section = html.slice(
      html.indexOf('<h2>Free run</h2>'),
      html.indexOf('</table>', html.indexOf('<h2>Free run</h2>')),
    );
    expect(section).toContain('<th>Divergence ↓</th>');
    expect(section.match(/<tr>/g)).toHaveLength(1 + freeRunSummary().strategies.length);
    expect(section).toContain(
      '<td class="num">0.500 [0.000, 1.000]</td><td class="num">2.0 (n 1)</td><td>missing-nuggets 1, extra-question 1</td>',
    );
  });
});
