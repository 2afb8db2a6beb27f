import { describe, expect, it } from 'vitest';
import { exampleRunSummary } from '../summary/example-run.fixture.js';
import { renderTable } from './render-table.js';
import { wideRunSummary } from './wide-run.fixture.js';

describe('renderTable', () => {
  it('lines up strategies in fixed-width columns with the paired differences under each metric', () => {
    expect(`\n${renderTable(exampleRunSummary())}\n`).toMatchInlineSnapshot(`
      "
                                 lexical (baseline)    trained
      turns / failed / errors    5 / 0 / 1             5 / 1 / 0
      failed by kind             model-error 1         unknown 1
      answer quality ↑           0.580 [0.250, 1.000]  0.520 [0.300, 0.800]
        diff vs lexical                                -0.060 [-0.600, +0.100]
      answered-only quality ↑    0.633 [0.500, 0.700]  0.650 [0.400, 0.800]
        diff vs lexical                                +0.100 [+0.100, +0.100]
      fallback rate ↓            0.750 [0.500, 1.000]  0.600 [0.500, 1.000]
        diff vs lexical                                -0.250 [-1.000, 0.000]
      escalation rate ↓          0.200 [0.000, 1.000]  0.000 [0.000, 0.000]
        diff vs lexical                                -0.200 [-1.000, 0.000]
      unnecessary escalations ↓  0.000 [0.000, 0.000]  0.000 [0.000, 0.000]
        diff vs lexical                                0.000 [0.000, 0.000]
      missed escalations ↓       0.000 [0.000, 0.000]  1.000 [1.000, 1.000]
        diff vs lexical                                +1.000 [+1.000, +1.000]
      human cleanup ↓            0.620 [0.300, 1.000]  0.480 [0.200, 0.700]
        diff vs lexical                                -0.140 [-0.400, -0.050]
      routing accuracy ↑         0.500 [0.000, 1.000]  0.500 [0.000, 1.000]
        diff vs lexical                                0.000 [-1.000, +0.500]
      pass rate ↑                0.600 [0.000, 1.000]  0.600 [0.000, 1.000]
        diff vs lexical                                0.000 [-0.569, +0.569]
      politeness ↑               n/a                   0.750 [0.750, 0.750]
        diff vs lexical                                n/a
      latency p50 / p95          150 / 280 ms          120 / 560 ms
      cost / turn                $0.0008               $0.003
      Differences over fewer than 6 conversations: 500 resamples cannot reach a 95% interval's tail, so
      the interval shown is the range of the resampled differences, narrower than a 95% interval of so
      few, and p cannot fall below 0.05; too few conversations to tell.
      "
    `);
  });

  it('writes no colour codes unless asked', () => {
    // The example's three conversations can show no significant difference (see the note above):
    // its cleanup comparison made significant, as one from more conversations would be.
    const example = exampleRunSummary();
    const summary = {
      ...example,
      comparisons: example.comparisons.map((comparison) =>
        comparison.metric === 'humanCleanup' ? { ...comparison, p: 0.004 } : comparison,
      ),
    };
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

describe('renderTable at a terminal width', () => {
  const summary = wideRunSummary();
  const columnsOf = (table: string) => table.split('\n').map((line) => [...line].length);
  // The header line of each block: the lines that follow a blank line, and the first.
  const blockHeaders = (table: string) =>
    table.split('\n').filter((_line, index, lines) => index === 0 || lines[index - 1] === '');

  it.each([80, 100, 175])('keeps every line within %i columns', (width) => {
    const table = renderTable(summary, { width });
    expect(Math.max(...columnsOf(table))).toBeLessThanOrEqual(width);
  });

  it.each([80, 100, 175])(
    'keeps the floor probes, the recorded bot, the ! markers and the floor line at %i columns',
    (width) => {
      const table = renderTable(summary, { width });
      const headers = blockHeaders(table).join(' ');
      for (const column of ['solo (baseline)', 'recorded (bot)', 'echo (floor)', 'generic (floor)'])
        expect(headers).toContain(column);
      // The ! markers are the same at every width.
      expect(table.match(/ !/g)?.length).toBe(renderTable(summary, { width: 1000 }).match(/ !/g)?.length);
      expect(table).toMatch(/^floor: echo and generic answer without content; ! marks/m);
    },
  );

  it('stacks strategies in blocks when the width is narrow, and puts them side by side when wide', () => {
    expect(blockHeaders(renderTable(summary, { width: 80 })).length).toBeGreaterThanOrEqual(4);
    expect(blockHeaders(renderTable(summary, { width: 1000 }))).toHaveLength(1);
    // Each block repeats the row labels.
    for (const block of renderTable(summary, { width: 80 }).split('\n\n').slice(0, -1)) {
      expect(block).toContain('answer quality ↑');
      expect(block).toContain('turns / failed / errors');
    }
  });

  it('counts failed turns by the kind of their error, and shows the custom score with its diff', () => {
    const table = renderTable(summary, { width: 1000 });
    const kinds = table.split('\n').find((line) => line.startsWith('failed by kind'));
    expect(kinds).toMatch(/^failed by kind\s+model-error 1\s+unknown 1/);
    expect(table).toMatch(/^politeness ↑\s+n\/a\s+0\.750 \[0\.750, 0\.750\]/m);
  });

  it('says when a custom score leaves the unanswered turns out of its mean', () => {
    const custom = summary.scorer.custom!;
    const answeredOnly = {
      ...summary,
      scorer: {
        ...summary.scorer,
        custom: Object.fromEntries(
          Object.entries(custom).map(([name, info]) => [name, { ...info, answeredOnly: true }]),
        ),
      },
    };
    expect(renderTable(answeredOnly, { width: 1000 })).toMatch(/^politeness ↑ \(answered only\)\s+n\/a/m);
    expect(renderTable(summary, { width: 1000 })).not.toContain('(answered only)');
  });

  it('colours without moving a column, and dims the reference rows', () => {
    const ansiCode = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g');
    const coloured = renderTable(summary, { width: 100, color: true });
    expect(coloured).toContain('\u001b[2mecho (floor)\u001b[0m');
    expect(coloured.replace(ansiCode, '')).toBe(renderTable(summary, { width: 100 }));
  });
});
