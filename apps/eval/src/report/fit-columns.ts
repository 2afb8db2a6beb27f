/** How a terminal cell is painted (ANSI), when colour is on. */
export type CellTone = 'green' | 'red' | 'bold' | 'dim';

/** One cell of a terminal table; a `\n` in `text` stacks lines within the cell. */
export interface TableCell {
  text: string;
  /** Painted after padding, so colour codes never shift a column. */
  tone?: CellTone;
}

/** Options of {@link fitColumns}. */
export interface FitColumnsOptions {
  /** The terminal's width in characters; blocks of columns are laid out to stay within it. */
  width: number;
  /** Whether to paint tones with ANSI codes. */
  color: boolean;
  /** Spaces between columns. Default 2. */
  gap?: number;
}

const ansi: Record<CellTone, string> = {
  green: '\u001b[32m',
  red: '\u001b[31m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
};
const reset = '\u001b[0m';

/**
 * Lays out a table whose first column labels the rows and whose other columns are strategies, so
 * that no line is wider than the terminal: the strategy columns that fit beside the label column
 * form a block, and the blocks are stacked one under another (a blank line apart), each with the
 * labels again. A row whose cells are all empty within a block (a baseline's own `diff` row) is
 * left out of that block. A column wider than the terminal on its own still gets a block of its
 * own: cells are never cut, since a cut number is a wrong number.
 *
 * @param rows - The header row first; every row has the same number of cells.
 * @param options - Width, colour and gap.
 * @returns The lines, without trailing spaces.
 *
 * @example
 * ```ts
 * fitColumns([[{ text: '' }, { text: 'solo' }], [{ text: 'turns' }, { text: '12' }]], { width: 80, color: false });
 * // ['       solo', 'turns  12']
 * ```
 */
export function fitColumns(rows: readonly (readonly TableCell[])[], options: FitColumnsOptions): string[] {
  const gap = options.gap ?? 2;
  const header = rows[0] ?? [];
  const widths = header.map((_, column) =>
    Math.max(0, ...rows.map((row) => Math.max(...lines(row[column]).map(displayWidth)))),
  );
  const labelWidth = widths[0] ?? 0;
  const blocks: number[][] = [];
  let block: number[] = [];
  let used = labelWidth;
  for (let column = 1; column < header.length; column += 1) {
    const need = gap + widths[column]!;
    if (block.length > 0 && used + need > options.width) {
      blocks.push(block);
      block = [];
      used = labelWidth;
    }
    block.push(column);
    used += need;
  }
  if (block.length > 0) blocks.push(block);

  const output: string[] = [];
  blocks.forEach((columns, index) => {
    if (index > 0) output.push('');
    for (const [rowIndex, row] of rows.entries()) {
      if (rowIndex > 0 && columns.every((column) => (row[column]?.text ?? '') === '')) continue;
      const cells = [0, ...columns];
      const height = Math.max(...cells.map((column) => lines(row[column]).length));
      for (let line = 0; line < height; line += 1) {
        const text = cells
          .map((column) => {
            const cell = row[column];
            const content = lines(cell)[line] ?? '';
            return paint(pad(content, widths[column]!), cell?.tone, options.color);
          })
          .join(' '.repeat(gap));
        output.push(trimEndVisible(text));
      }
    }
  });
  return output;
}

/**
 * Wraps prose (a footnote) at spaces so that no line is wider than `width`; a word longer than the
 * line stays whole.
 */
export function wrapText(text: string, width: number): string[] {
  const wrapped: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && displayWidth(line) + 1 + displayWidth(word) > width) {
      wrapped.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') wrapped.push(line);
  return wrapped;
}

/** Characters a string takes in a terminal: one per code point (the table uses no wide glyphs). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const _ of text) width += 1;
  return width;
}

function lines(cell: TableCell | undefined): string[] {
  return (cell?.text ?? '').split('\n');
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

function paint(text: string, tone: CellTone | undefined, color: boolean): string {
  if (!color || tone === undefined || text.trim() === '') return text;
  // Trailing padding stays unpainted, so a trimmed line never ends inside a colour.
  const content = text.trimEnd();
  return `${ansi[tone]}${content}${reset}${text.slice(content.length)}`;
}

function trimEndVisible(text: string): string {
  return text.replace(/\s+$/, '');
}
