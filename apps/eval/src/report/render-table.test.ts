import { describe, expect, it } from 'vitest';
import { exampleRunSummary } from '../summary/example-run.fixture.js';
import { renderTable } from './render-table.js';

describe('renderTable', () => {
  it('lines up strategies in fixed-width columns with the paired differences under each metric', () => {
    expect(`\n${renderTable(exampleRunSummary())}\n`).toMatchInlineSnapshot(`
      "
                                 lexical (baseline)    trained
      turns / failed / errors    5 / 0 / 1             5 / 1 / 0
      answer quality ↑           0.580 [0.250, 1.000]  0.520 [0.300, 0.800]
        diff vs lexical                                -0.060 [-0.600, +0.100]
      answered-only quality ↑    0.633 [0.500, 0.700]  0.650 [0.467, 0.800]
        diff vs lexical                                +0.100 [+0.100, +0.100]
      fallback rate ↓            0.750 [0.500, 1.000]  0.600 [0.500, 1.000]
        diff vs lexical                                -0.250 [-1.000, 0.000]
      escalation rate ↓          0.200 [0.000, 1.000]  0.000 [0.000, 0.000]
        diff vs lexical                                -0.200 [-1.000, 0.000]
      unnecessary escalations ↓  0.000 [0.000, 0.000]  0.000 [0.000, 0.000]
        diff vs lexical                                0.000 [0.000, 0.000]
      missed escalations ↓       0.000 [0.000, 0.000]  1.000 [1.000, 1.000]
        diff vs lexical                                +1.000 [+1.000, +1.000]
      human cleanup ↓            0.620 [0.300, 1.000]  0.480 [0.200, 0.680]
        diff vs lexical                                -0.140 [-0.400, -0.050] *
      routing accuracy ↑         0.500 [0.000, 1.000]  0.500 [0.000, 1.000]
        diff vs lexical                                0.000 [-1.000, +0.500]
      pass rate ↑                0.600 [0.000, 1.000]  0.600 [0.250, 0.833]
        diff vs lexical                                0.000 [-0.465, +0.465]
      latency p50 / p95          150 / 280 ms          120 / 560 ms
      cost / turn                $0.0008               $0.003
      * p < 0.05
      "
    `);
  });

  it('writes no colour codes unless asked', () => {
    const summary = exampleRunSummary();
    expect(renderTable(summary)).not.toContain('\u001b[');
    const coloured = renderTable(summary, { color: true });
    // Cleanup improved significantly: green; the header is bold.
    expect(coloured).toContain('\u001b[32m-0.140 [-0.400, -0.050] *\u001b[0m');
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
