import { describe, expect, it } from 'vitest';
import { fitColumns, type TableCell, wrapText } from './fit-columns.js';

const cells = (...texts: string[]): TableCell[] => texts.map((text) => ({ text }));

describe('fitColumns', () => {
  const rows = [
    cells('', 'alpha', 'beta', 'gamma'),
    cells('turns', '12', '12', '12'),
    cells('  diff', '', '+0.1', '-0.2'),
    cells('kinds', 'timeout 2\nmodel-error 1', '', ''),
  ];

  it('puts every column side by side when they fit', () => {
    expect(fitColumns(rows, { width: 80, color: false })).toEqual([
      '        alpha          beta  gamma',
      'turns   12             12    12',
      '  diff                 +0.1  -0.2',
      'kinds   timeout 2',
      '        model-error 1',
    ]);
  });

  it('stacks columns in blocks that fit, repeating the labels, and drops rows empty in a block', () => {
    expect(fitColumns(rows, { width: 24, color: false })).toEqual([
      '        alpha',
      'turns   12',
      'kinds   timeout 2',
      '        model-error 1',
      '',
      '        beta  gamma',
      'turns   12    12',
      '  diff  +0.1  -0.2',
    ]);
  });

  it('never cuts a cell wider than the width', () => {
    const lines = fitColumns([cells('', 'a very long header'), cells('x', '1')], { width: 10, color: false });
    expect(lines).toEqual(['   a very long header', 'x  1']);
  });
});

describe('wrapText', () => {
  it('wraps at spaces within the width and keeps long words whole', () => {
    expect(wrapText('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrapText('supercalifragilistic word', 5)).toEqual(['supercalifragilistic', 'word']);
  });
});
