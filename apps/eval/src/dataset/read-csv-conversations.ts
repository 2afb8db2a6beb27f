import { basename, extname } from 'node:path';
import { DatasetError } from '../eval-error.js';
import {
  type ColumnMapping,
  type CsvField,
  domainSeparator,
  type ResolvedColumns,
  resolveColumns,
} from './column-mapping.js';
import { type Conversation, conversationSchema, type Turn, turnSchema } from './conversation.js';
import { type BrokenCsvRecord, csvRecords } from './csv-records.js';
import { describeZodIssue } from './describe-zod-issue.js';
import { defaultMaxLineBytes } from './read-jsonl-conversations.js';
import { readLines } from './read-lines.js';
import { formatLocation, type InvalidRecordOptions, ReadTally } from './read-tally.js';

/** Options of {@link readCsvConversations}. */
export interface ReadCsvOptions extends InvalidRecordOptions {
  /** Which columns feed which fields; the canonical column names when left out. */
  mapping?: ColumnMapping;
  /** Longest record accepted, in characters (default 16 MiB), so a stray quote cannot swallow the file into memory. */
  maxLineBytes?: number;
  /** Shared state when several files make one read (see {@link ReadTally}); one per call otherwise. */
  tally?: ReadTally;
}

interface Group {
  id: string;
  line: number;
  turns: Turn[];
  lastTurn: number | undefined;
  poisoned: boolean;
}

/**
 * Streams the conversations of a CSV file with one row per turn (`conversation_id`, `turn`, `role`,
 * `text`, `domain`, `intent`, `language`, `draft`), or one row per conversation when the column
 * mapping names a `reference` column. Consecutive rows with the same `conversation_id` make one
 * conversation, emitted when the id changes, so memory holds one conversation at a time. Several
 * domains in one cell are separated by `|`. Tolerates a BOM and CRLF (inside quoted fields too,
 * which become LF); columns no field reads are kept as extra fields on the turn (single-turn mode:
 * in `metadata`). A record with broken quoting costs that record (and its conversation) only: the
 * rows after it are read on their own (see {@link csvRecords}).
 *
 * @throws DatasetError naming file, the record's first line and the column (in `stop` mode); in
 *   both modes for an empty file, a header without the required columns (e.g. a file delimited by
 *   `;`), no rows after the header, bytes that are not UTF-8, or a file none of whose records is
 *   valid (skip mode skips records, never whole files); an EvalError `not-found` or `io` when the
 *   file cannot be read.
 * @example
 * ```ts
 * const mapping = parseColumnMapping('text=question,reference=answer,domain=category');
 * for await (const conversation of readCsvConversations('faq.csv', { mapping })) console.log(conversation.id);
 * ```
 */
export async function* readCsvConversations(
  file: string,
  options: ReadCsvOptions = {},
): AsyncGenerator<Conversation, void, undefined> {
  const tally = options.tally ?? new ReadTally(options);
  const maxLineBytes = options.maxLineBytes ?? defaultMaxLineBytes;
  tally.startFile();
  const reader = new RowGrouper({ file, tally, mapping: options.mapping ?? {}, maxLineBytes });
  const records = csvRecords(readLines(file, { maxLineBytes }), { maxChars: maxLineBytes });
  for await (const record of records) {
    const done = record.kind === 'row' ? reader.row(record.cells, record.line) : reader.broken(record);
    for (const conversation of done) {
      tally.accept();
      yield conversation;
    }
  }
  for (const conversation of reader.end()) {
    tally.accept();
    yield conversation;
  }
  tally.endFile(file);
}

/** Turns rows into conversations: the header, grouping by id, turn order, validation. */
class RowGrouper {
  readonly #file: string;
  readonly #tally: ReadTally;
  readonly #mapping: ColumnMapping;
  readonly #stem: string;
  readonly #maxLineBytes: number;
  #columns: ResolvedColumns | undefined;
  #header: string[] = [];
  #group: Group | undefined;
  #poisonNext = false;
  #dataRows = 0;

  constructor(options: { file: string; tally: ReadTally; mapping: ColumnMapping; maxLineBytes: number }) {
    this.#file = options.file;
    this.#tally = options.tally;
    this.#mapping = options.mapping;
    this.#maxLineBytes = options.maxLineBytes;
    this.#stem = basename(options.file, extname(options.file));
  }

  /** Handles one record; returns the conversations it completed. */
  row(cells: string[], line: number): Conversation[] {
    const columns = this.#columns;
    if (columns === undefined) {
      this.#readHeader(cells, line);
      return [];
    }
    this.#dataRows += 1;
    const fieldCount = cells.length;
    const expected = this.#header.length;
    if (columns.mode === 'single-turn') {
      if (fieldCount !== expected) {
        this.#reject(line, undefined, `expected ${expected} fields as in the header, got ${fieldCount}`);
        return [];
      }
      const conversation = this.#singleTurn(cells, line);
      return conversation === undefined ? [] : [conversation];
    }
    const done: Conversation[] = [];
    const id = cell(cells, columns.indices.conversation_id)?.trim() ?? '';
    if (id !== '' && id !== this.#group?.id) {
      const finished = this.#finishGroup();
      if (finished !== undefined) done.push(finished);
      this.#startGroup(id, line);
    }
    const group = this.#group;
    if (id === '' || group === undefined) {
      // Without an id the row cannot be placed; it most likely continues the conversation above.
      const detail =
        fieldCount < expected
          ? `expected ${expected} fields as in the header, got ${fieldCount}`
          : 'must not be empty';
      this.#poison(
        this.#group,
        line,
        fieldCount < expected ? undefined : this.#name('conversation_id'),
        detail,
      );
      return done;
    }
    if (group.poisoned) return done;
    if (fieldCount !== expected) {
      this.#poison(group, line, undefined, `expected ${expected} fields as in the header, got ${fieldCount}`);
      return done;
    }
    this.#checkTurnNumber(group, cells, line);
    if (group.poisoned) return done;
    const turn = this.#turn(cells);
    const result = turnSchema.safeParse(turn, { reportInput: true });
    if (!result.success) {
      const { field, detail } = describeZodIssue(result.error.issues[0]!);
      this.#poison(group, line, this.#name(field), detail, result.error);
      return done;
    }
    group.turns.push(result.data);
    return done;
  }

  /**
   * Handles a record that could not be parsed; returns the conversations it completed. The record
   * costs its own conversation and no other: when its loose reading names another conversation
   * than the one being read, that one is complete and kept, and the named one is dropped.
   */
  broken(record: BrokenCsvRecord): Conversation[] {
    const { line } = record;
    const field = record.fieldIndex === undefined ? undefined : this.#header[record.fieldIndex];
    const issue = new DatasetError(
      { file: this.#file, line, ...(field ? { field } : {}), detail: record.detail },
      { cause: record.cause },
    );
    const columns = this.#columns;
    if (columns === undefined) throw issue;
    this.#dataRows += 1;
    if (columns.mode === 'single-turn') {
      this.#tally.reject(issue);
      return [];
    }
    const id = cell(record.looseCells ?? [], columns.indices.conversation_id)?.trim() || undefined;
    const group = this.#group;
    if (id !== undefined && id !== group?.id) {
      // The broken record opens a conversation: the one above it is complete.
      const finished = this.#finishGroup();
      this.#startGroup(id, line);
      this.#poison(this.#group, line, issue.field, issue.detail, record.cause);
      return finished === undefined ? [] : [finished];
    }
    // Its own conversation, or (no readable id) most likely the one above it.
    if (group === undefined) this.#poisonNext = true;
    this.#poison(group, line, issue.field, issue.detail, record.cause);
    return [];
  }

  /** Called at the end of the file; returns the last conversation. */
  end(): Conversation[] {
    // Whole-file problems stop the read in both modes: skip mode skips records, not files.
    if (this.#columns === undefined)
      throw new DatasetError({ file: this.#file, detail: 'the file is empty' });
    if (this.#dataRows === 0)
      throw new DatasetError({ file: this.#file, detail: 'no rows after the header' });
    const last = this.#finishGroup();
    return last === undefined ? [] : [last];
  }

  /** Reads the header; a header without the needed columns stops the read in both modes. */
  #readHeader(cells: string[], line: number): void {
    const header = cells.map((name) => name.trim());
    try {
      this.#columns = resolveColumns(this.#mapping, header, { file: this.#file, line });
      this.#header = header;
    } catch (error) {
      const only = header.length === 1 ? header[0]! : '';
      const delimiter = [';', '\t', '|'].find((candidate) => only.includes(candidate));
      if (!DatasetError.isInstance(error) || delimiter === undefined) throw error;
      throw new DatasetError(
        {
          file: this.#file,
          line,
          detail: `the header is a single column (${JSON.stringify(only.slice(0, 60))}): the file looks delimited by ${JSON.stringify(delimiter)}, but CSV files must be comma-separated`,
        },
        { cause: error },
      );
    }
  }

  #startGroup(id: string, line: number): void {
    const group: Group = { id, line, turns: [], lastTurn: undefined, poisoned: false };
    this.#group = group;
    const previous = this.#tally.claimId(id, { file: this.#file, line });
    if (previous !== undefined) {
      this.#poison(
        group,
        line,
        this.#name('conversation_id'),
        previous.file === this.#file
          ? `conversation ${JSON.stringify(id)} reappears; its rows must be consecutive (first seen at line ${previous.line})`
          : `duplicate conversation id ${JSON.stringify(id)} (first at ${formatLocation(previous)})`,
      );
    } else if (this.#poisonNext) {
      group.poisoned = true;
    }
    this.#poisonNext = false;
  }

  #finishGroup(): Conversation | undefined {
    const group = this.#group;
    this.#group = undefined;
    if (group === undefined || group.poisoned) return undefined;
    const result = conversationSchema.safeParse({ id: group.id, turns: group.turns }, { reportInput: true });
    if (result.success) return result.data;
    const issue = result.error.issues[0]!;
    const detail =
      issue.code === 'custom'
        ? `conversation ${JSON.stringify(group.id)} ${issue.message}`
        : describeZodIssue(issue).detail;
    this.#tally.reject(
      new DatasetError({ file: this.#file, line: group.line, field: this.#name('role'), detail }),
    );
    return undefined;
  }

  #checkTurnNumber(group: Group, cells: string[], line: number): void {
    const raw = cell(cells, this.#columns?.indices.turn)?.trim();
    if (raw === undefined) return;
    const field = this.#name('turn');
    if (!/^\d+$/.test(raw)) {
      this.#poison(group, line, field, `expected a whole number, got ${JSON.stringify(raw)}`);
      return;
    }
    const turn = Number(raw);
    if (group.lastTurn === undefined ? turn > 1 : turn !== group.lastTurn + 1) {
      const expected =
        group.lastTurn === undefined ? '0 or 1 for the first row of a conversation' : `${group.lastTurn + 1}`;
      this.#poison(group, line, field, `expected ${expected}, got ${turn}`);
      return;
    }
    group.lastTurn = turn;
  }

  #turn(cells: string[]): Record<string, unknown> {
    const turn: Record<string, unknown> = {};
    for (const [index, name] of this.#columns?.extras ?? []) {
      const value = cells[index];
      if (value !== undefined && value.trim() !== '') turn[name] = value;
    }
    turn.role = this.#cell(cells, 'role')?.trim();
    turn.text = this.#cell(cells, 'text') ?? '';
    Object.assign(turn, this.#labels(cells));
    const draft = this.#cell(cells, 'draft');
    if (draft !== undefined && draft !== '') turn.draft = draft;
    const nuggets = this.#nuggets(cells);
    if (nuggets.length > 0) turn.nuggets = nuggets;
    return turn;
  }

  /** The `nuggets` cell of an agent row: facts separated by `|`, like several domains. */
  #nuggets(cells: string[]): string[] {
    return (this.#cell(cells, 'nuggets') ?? '')
      .split(domainSeparator)
      .map((nugget) => nugget.trim())
      .filter((nugget) => nugget !== '');
  }

  #labels(cells: string[]): Record<string, unknown> {
    const labels: Record<string, unknown> = {};
    const domains = (this.#cell(cells, 'domain') ?? '')
      .split(domainSeparator)
      .map((domain) => domain.trim())
      .filter((domain) => domain !== '');
    if (domains.length > 0) labels.domain = domains.length === 1 ? domains[0] : domains;
    for (const field of ['intent', 'language'] as const) {
      const value = this.#cell(cells, field)?.trim();
      if (value !== undefined && value !== '') labels[field] = value;
    }
    return labels;
  }

  #singleTurn(cells: string[], line: number): Conversation | undefined {
    const id = this.#cell(cells, 'conversation_id')?.trim() || `${this.#stem}-${this.#dataRows}`;
    const previous = this.#tally.claimId(id, { file: this.#file, line });
    if (previous !== undefined) {
      this.#reject(
        line,
        this.#name('conversation_id'),
        `duplicate conversation id ${JSON.stringify(id)} (first at ${formatLocation(previous)})`,
      );
      return undefined;
    }
    const user = { role: 'user', text: this.#cell(cells, 'text') ?? '', ...this.#labels(cells) };
    const reference = this.#cell(cells, 'reference') ?? '';
    const draft = this.#cell(cells, 'draft');
    // An FAQ row without an answer still serves routing; it just has no reference to score against.
    const nuggets = this.#nuggets(cells);
    const agent =
      reference.trim() === '' && (draft === undefined || draft === '')
        ? []
        : [
            {
              role: 'agent',
              text: reference,
              ...(nuggets.length > 0 ? { nuggets } : {}),
              ...(draft === undefined || draft === '' ? {} : { draft }),
            },
          ];
    const metadata: Record<string, string> = {};
    for (const [index, name] of this.#columns?.extras ?? []) {
      const value = cells[index];
      if (value !== undefined && value.trim() !== '') metadata[name] = value;
    }
    const input = { id, turns: [user, ...agent], ...(Object.keys(metadata).length > 0 ? { metadata } : {}) };
    const result = conversationSchema.safeParse(input, { reportInput: true });
    if (result.success) return result.data;
    const issue = result.error.issues[0]!;
    const { detail } = describeZodIssue(issue);
    const [top, turnIndex, key] = issue.path;
    const field: CsvField | undefined =
      top === 'id'
        ? 'conversation_id'
        : top === 'turns' && turnIndex === 1 && key === 'text'
          ? 'reference'
          : top === 'turns' && typeof key === 'string'
            ? (key as CsvField)
            : undefined;
    this.#reject(line, field === undefined ? undefined : this.#name(field), detail, result.error);
    return undefined;
  }

  #cell(cells: string[], field: CsvField): string | undefined {
    return cell(cells, this.#columns?.indices[field]);
  }

  /** The user's column name for a field, so messages speak the user's CSV. */
  #name(field: string | undefined): string | undefined {
    if (field === undefined) return undefined;
    const [head, ...rest] = field.split(/(?=[.[])/);
    const name = this.#columns?.names[head as CsvField] ?? head;
    return [name, ...rest].join('');
  }

  #poison(
    group: Group | undefined,
    line: number,
    field: string | undefined,
    detail: string,
    cause?: unknown,
  ): void {
    if (group?.poisoned) return;
    if (group !== undefined) group.poisoned = true;
    this.#tally.reject(new DatasetError({ file: this.#file, line, field, detail }, { cause }));
  }

  #reject(line: number, field: string | undefined, detail: string, cause?: unknown): void {
    this.#tally.reject(new DatasetError({ file: this.#file, line, field, detail }, { cause }));
  }
}

function cell(cells: string[], index: number | undefined): string | undefined {
  return index === undefined ? undefined : cells[index];
}
