import { describe, expect, it } from 'vitest';
import { exampleRunSummary } from '../summary/example-run.fixture.js';
import { renderTable } from './render-table.js';

describe('renderTable', () => {
  it('lines up strategies in fixed-width columns with the paired differences under each metric', () => {
    expect(`\n${renderTable(exampleRunSummary())}\n`).toMatchInlineSnapshot(`
      "
                          lexical (baseline)    trained
      turns / errors      5 / 1                 5 / 0
      answer quality ↑    0.475 [0.250, 0.700]  0.520 [0.300, 0.800]
        diff vs lexical                         +0.075 [+0.050, +0.100] *
      fallback rate ↓     0.750 [0.500, 1.000]  0.600 [0.500, 1.000]
        diff vs lexical                         -0.250 [-1.000, 0.000]
      escalation rate ↓   0.200 [0.000, 1.000]  0.000 [0.000, 0.000]
        diff vs lexical                         -0.200 [-1.000, 0.000]
      human cleanup ↓     0.620 [0.300, 1.000]  0.480 [0.200, 0.700]
        diff vs lexical                         -0.140 [-0.400, -0.050] *
      routing accuracy ↑  0.500 [0.000, 1.000]  0.750 [0.000, 1.000]
        diff vs lexical                         +0.250 [0.000, +0.500]
      pass rate ↑         0.600 [0.000, 1.000]  0.600 [0.000, 1.000]
        diff vs lexical                         0.000 [-0.465, +0.465]
      latency p50 / p95   150 / 280 ms          120 / 560 ms
      cost / turn         $0.0008               $0.003
      * p < 0.05
      "
    `);
  });

  it('writes no colour codes unless asked', () => {
    const summary = exampleRunSummary();
    expect(renderTable(summary)).not.toContain('\u001b[');
    const coloured = renderTable(summary, { color: true });
    // Quality improved significantly (p ≈ .004): green; the header is bold.
    expect(coloured).toContain('\u001b[32m+0.075 [+0.050, +0.100] *\u001b[0m');
    expect(coloured).toContain('\u001b[1mtrained');
    // Colouring never moves a column.
    const ansiCode = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g');
    expect(
      coloured
        .replace(ansiCode, '')
        .split('\n')
        .map((line) => line.trimEnd()),
    ).toEqual(renderTable(summary).split('\n'));
  });
});
