import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { EvalError, toFileError } from '../eval-error.js';
import type { ColumnMapping } from './column-mapping.js';
import type { Conversation } from './conversation.js';
import { readCsvConversations } from './read-csv-conversations.js';
import { readJsonlConversations } from './read-jsonl-conversations.js';
import { type InvalidRecordOptions, type ReadSummary, ReadTally } from './read-tally.js';

/** Options of {@link readConversations}. */
export interface ReadConversationsOptions extends InvalidRecordOptions {
  /** Column mapping for CSV files (see `datasets/README.md`); JSONL files ignore it. */
  mapping?: ColumnMapping;
  /** Longest JSONL line or CSV record accepted (default 16 MiB). */
  maxLineBytes?: number;
}

/** Recorded conversations read lazily from a file or folder, with the tally of the read. */
export interface ConversationStream extends AsyncIterable<Conversation> {
  /** Counts of the current (or last) pass: read, skipped and the issues met. */
  readonly summary: ReadSummary;
}

const readers = {
  '.jsonl': readJsonlConversations,
  '.csv': readCsvConversations,
} as const;

/**
 * The one entry point for recorded conversations: a `.jsonl` or `.csv` file, or a folder whose
 * `*.jsonl` and `*.csv` files are read in name order. Nothing is read until iteration starts; each
 * iteration reads the files again and restarts the summary. Conversation ids must be unique across
 * all files of a read.
 *
 * @throws EvalError `usage` for another file type, `invalid-input` for a folder without data files,
 *   `not-found` for a missing path, and the readers' DatasetErrors (in `stop` mode).
 * @example
 * ```ts
 * const conversations = readConversations('datasets/support/conversations', { onInvalid: 'skip' });
 * for await (const conversation of conversations) replay(conversation);
 * console.error(`${conversations.summary.read} read, ${conversations.summary.skipped} skipped`);
 * ```
 */
export function readConversations(
  source: string,
  options: ReadConversationsOptions = {},
): ConversationStream {
  let tally = new ReadTally(options);
  return {
    get summary() {
      return tally.summary;
    },
    async *[Symbol.asyncIterator]() {
      tally = new ReadTally(options);
      for (const file of await dataFiles(source)) {
        const read = readers[extname(file).toLowerCase() as keyof typeof readers];
        yield* read(file, { ...options, tally });
      }
    },
  };
}

/**
 * The size in bytes of the data files a source names ({@link dataFiles}): how long a run over it
 * will be, known before anything is read.
 *
 * @throws EvalError as {@link dataFiles} does.
 */
export async function dataBytes(source: string): Promise<number> {
  let total = 0;
  for (const file of await dataFiles(source)) {
    const info = await stat(file).catch((error: unknown) => {
      throw toFileError(error, file);
    });
    total += info.size;
  }
  return total;
}

/** The data files a source names: the file itself, or a folder's `*.jsonl`/`*.csv` files sorted by name. */
export async function dataFiles(source: string): Promise<string[]> {
  const info = await stat(source).catch((error: unknown) => {
    throw toFileError(error, source);
  });
  if (!info.isDirectory()) {
    if (!(extname(source).toLowerCase() in readers)) {
      throw new EvalError('usage', `${source}: expected a .jsonl or .csv file, or a folder of them`);
    }
    return [source];
  }
  const entries = await readdir(source, { withFileTypes: true }).catch((error: unknown) => {
    throw toFileError(error, source);
  });
  const files: string[] = [];
  for (const entry of entries) {
    if (!(extname(entry.name).toLowerCase() in readers)) continue;
    const path = join(source, entry.name);
    if (entry.isFile()) files.push(path);
    else if (entry.isSymbolicLink()) {
      // A data file that cannot be read is never skipped quietly: a dangling link stops the run.
      const target = await stat(path).catch((error: unknown) => {
        throw new EvalError(
          'not-found',
          `${path}: a symbolic link to a file that cannot be read (${(error as { code?: string }).code ?? String(error)})`,
          { cause: error },
        );
      });
      if (target.isFile()) files.push(path);
    }
  }
  files.sort((left, right) => (left < right ? -1 : left > right ? 1 : 0));
  if (files.length === 0)
    throw new EvalError('invalid-input', `${source}: no .jsonl or .csv files in this folder`);
  return files;
}
