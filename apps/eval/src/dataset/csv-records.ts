import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import type { SourceLine } from './read-lines.js';

/** A CSV record that parsed: its fields, and the physical line it starts on. */
export interface CsvRow {
  kind: 'row';
  line: number;
  cells: string[];
}

/** A CSV record that did not parse, with what is known about it. */
export interface BrokenCsvRecord {
  kind: 'broken';
  /** The physical line the record starts on. */
  line: number;
  /** What is wrong, in words, e.g. `a quoted field is never closed (a `"` is missing)`. */
  detail: string;
  /** 0-based index of the field where the problem is, when known. */
  fieldIndex: number | undefined;
  /**
   * The fields as read with relaxed quoting, when they can be read at all: enough to tell which
   * conversation the record belonged to. Undefined for the lines of a failed multi-line record
   * that are read again on their own (see {@link csvRecords}): they are pieces, not rows.
   */
  looseCells: string[] | undefined;
  cause?: unknown;
}

/** One record of a CSV file. */
export type CsvRecord = CsvRow | BrokenCsvRecord;

/** Options of {@link csvRecords}. */
export interface CsvRecordOptions {
  /** Longest record accepted, in characters; a longer one is broken (`record is longer than …`). */
  maxChars: number;
}

const quote = 0x22;
const comma = 0x2c;

/**
 * Groups physical lines into CSV records (RFC 4180: a quoted field may span lines, `""` is a quote)
 * and parses each with csv-parse. Blank lines between records are skipped.
 *
 * A record that fails never takes the lines after its first one with it: when a record of several
 * lines is broken (a quote never closed, a record too long, bad quoting anywhere in it), only its
 * first line is reported, and the lines after it are read again as records of their own. A stray
 * quote therefore costs one record, not the rest of the file: the valid rows behind it still load.
 *
 * @param lines - The file's lines, e.g. from `readLines`.
 * @example
 * ```ts
 * for await (const record of csvRecords(readLines(file, { maxLineBytes }), { maxChars: maxLineBytes })) {
 *   if (record.kind === 'row') console.log(record.line, record.cells);
 * }
 * ```
 */
export async function* csvRecords(
  lines: AsyncIterable<SourceLine>,
  options: CsvRecordOptions,
): AsyncGenerator<CsvRecord, void, undefined> {
  const source = lines[Symbol.asyncIterator]();
  // Lines of a failed record to read again, and whether each came back that way.
  const again: SourceLine[] = [];
  const replayed = new WeakSet<SourceLine>();
  const nextLine = async (): Promise<SourceLine | undefined> => {
    const line = again.shift();
    if (line !== undefined) return line;
    const next = await source.next();
    return next.done ? undefined : next.value;
  };
  let record: SourceLine[] = [];
  let chars = 0;
  let scan = startScan();
  /** Reports the record gathered so far as broken and queues its later lines to be read again. */
  const fail = (
    detail: string,
    fieldIndex: number | undefined,
    extra: SourceLine[] = [],
  ): BrokenCsvRecord => {
    const [first, ...rest] = record;
    const retry = [...rest, ...extra];
    for (const line of retry) replayed.add(line);
    again.unshift(...retry);
    record = [];
    chars = 0;
    scan = startScan();
    return {
      kind: 'broken',
      line: first!.line,
      detail,
      fieldIndex,
      looseCells: replayed.has(first!) ? undefined : looseCells(first!.text),
    };
  };
  try {
    yield* records();
  } finally {
    // Closes the file however the consumer left (an error, an early stop).
    await source.return?.();
  }

  async function* records(): AsyncGenerator<CsvRecord, void, undefined> {
    // Ends: every pass either takes a new line from the file or reports a broken record, and each
    // broken record gives up its first line for good, so no line is read again more than its
    // number of lines in front of it.
    for (;;) {
      const line = await nextLine();
      if (line === undefined) {
        if (record.length === 0) return;
        // The file ended inside a quoted field; the record's later lines are read again.
        yield fail('a quoted field is never closed (a `"` is missing)', scan.openedField);
        continue;
      }
      if (record.length === 0 && !line.tooLong && line.text.trim() === '') continue;
      if (line.tooLong || chars + line.text.length > options.maxChars) {
        const tooLong = `record is longer than maxLineBytes (${options.maxChars} characters)`;
        if (record.length === 0) {
          yield {
            kind: 'broken',
            line: line.line,
            detail: tooLong,
            fieldIndex: undefined,
            looseCells: undefined,
          };
        } else {
          yield fail(tooLong, scan.openedField, [line]);
        }
        continue;
      }
      record.push(line);
      chars += line.text.length + 1;
      scanLine(line.text, scan);
      if (scan.inQuotes) continue;
      const text = record.map((part) => part.text).join('\n');
      const first = record[0]!;
      try {
        const [cells] = parse(text, { relax_column_count: true }) as string[][];
        record = [];
        chars = 0;
        scan = startScan();
        yield { kind: 'row', line: first.line, cells: cells ?? [] };
      } catch (error) {
        if (!(error instanceof CsvError)) throw error;
        yield { ...fail(syntaxDetail(error), fieldIndexOf(error)), cause: error };
      }
    }
  }
}

/** Where a record's quotes stand after the lines scanned so far. */
interface QuoteScan {
  inQuotes: boolean;
  atFieldStart: boolean;
  field: number;
  /** The field whose quote is open, while one is. */
  openedField: number | undefined;
}

function startScan(): QuoteScan {
  return { inQuotes: false, atFieldStart: true, field: 0, openedField: undefined };
}

/**
 * Follows the quotes of one line. Only record boundaries matter here: a quote followed by
 * anything but a quote closes the field (csv-parse reports what is wrong with it afterwards), so
 * a stray quote cannot keep a record open.
 */
function scanLine(text: string, scan: QuoteScan): void {
  // Outside quotes, a line without any is a whole record: nothing to follow.
  if (!scan.inQuotes && !text.includes('"')) return;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (scan.inQuotes) {
      if (code !== quote) continue;
      if (text.charCodeAt(index + 1) === quote) index += 1;
      else {
        scan.inQuotes = false;
        scan.openedField = undefined;
      }
    } else if (code === comma) {
      scan.field += 1;
      scan.atFieldStart = true;
    } else if (code === quote && scan.atFieldStart) {
      scan.inQuotes = true;
      scan.atFieldStart = false;
      scan.openedField = scan.field;
    } else {
      scan.atFieldStart = false;
    }
  }
}

/** The fields of a line read with relaxed quoting, or undefined when even that fails. */
function looseCells(text: string): string[] | undefined {
  for (const candidate of [text, `${text}"`]) {
    try {
      const [cells] = parse(candidate, { relax_column_count: true, relax_quotes: true }) as string[][];
      if (cells !== undefined) return cells;
    } catch {
      // Try the next reading.
    }
  }
  return undefined;
}

function fieldIndexOf(error: CsvError): number | undefined {
  const index = (error as CsvError & { index?: unknown }).index;
  return typeof index === 'number' ? index : undefined;
}

function syntaxDetail(error: CsvError): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is never closed (a `"` is missing)';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'text follows the closing quote of a field; inside a quoted field write `"` as `""`';
    case 'INVALID_OPENING_QUOTE':
      return 'a `"` inside an unquoted field; quote the whole field and write `"` as `""`';
    default:
      return error.message;
  }
}
