import { DatasetError, type DatasetLocation } from '../eval-error.js';

/**
 * What to do with an invalid record: stop with its error (default), or skip it and count it. Skip
 * mode skips records, never whole files: an empty file, a CSV without a usable header, bytes that
 * are not UTF-8 or a file none of whose records is valid stop the read in both modes.
 */
export type InvalidRecordPolicy = 'stop' | 'skip';

/** Options every conversation reader shares. */
export interface InvalidRecordOptions {
  /** `stop` (default) throws the first {@link DatasetError}; `skip` drops the record and goes on. */
  onInvalid?: InvalidRecordPolicy;
  /** Called with each skipped record's error in `skip` mode, as it happens. */
  onIssue?: (issue: DatasetError) => void;
  /** How many issues the summary keeps (default 100); the rest are only counted. */
  maxIssues?: number;
}

/** The outcome of a read so far: valid conversations, skipped ones, and why they were skipped. */
export interface ReadSummary {
  /** Conversations yielded. */
  read: number;
  /**
   * Conversations dropped in `skip` mode. A CSV conversation with bad rows counts once; a CSV record
   * that cannot be parsed at all counts once more, as it may have been a conversation of its own.
   */
  skipped: number;
  /** The first `maxIssues` problems, in file order. */
  issues: DatasetError[];
  /** Problems beyond `maxIssues`, counted but not kept, so memory stays flat. */
  omittedIssues: number;
}

/**
 * The state of one read pass over one or more files: the summary, the stop/skip policy and the
 * conversation ids seen so far (to reject duplicates across files). Readers share one tally when
 * a folder is read.
 */
export class ReadTally {
  /** Live counts; complete once the read has finished. */
  readonly summary: ReadSummary = { read: 0, skipped: 0, issues: [], omittedIssues: 0 };
  readonly #options: InvalidRecordOptions;
  // Ids only, not conversations: a few bytes per conversation even for very large files.
  readonly #seenIds = new Map<string, DatasetLocation>();
  /** The counts of the file being read (see startFile). */
  #file = { read: 0, skipped: 0, firstIssue: undefined as DatasetError | undefined };

  constructor(options: InvalidRecordOptions = {}) {
    this.#options = options;
  }

  /** Counts a conversation handed to the consumer. */
  accept(): void {
    this.summary.read += 1;
    this.#file.read += 1;
  }

  /** Starts counting the records of one file, for {@link ReadTally.endFile}. */
  startFile(): void {
    this.#file = { read: 0, skipped: 0, firstIssue: undefined };
  }

  /**
   * Ends a file that was read to its end. A file whose records were all invalid would be skipped
   * whole, which `skip` mode never does: that stops the read, naming the first problem.
   *
   * @throws DatasetError when the file had invalid records and no valid one.
   */
  endFile(file: string): void {
    const { read, skipped, firstIssue } = this.#file;
    if (read > 0 || skipped === 0 || firstIssue === undefined) return;
    const records = skipped === 1 ? 'its only record is' : `all ${skipped} of its records are`;
    throw new DatasetError(
      {
        file,
        detail: `${records} invalid, so nothing would be read from it; the first: ${firstIssue.message}`,
      },
      { cause: firstIssue },
    );
  }

  /**
   * Handles an invalid record: throws it in `stop` mode; in `skip` mode records it and counts
   * `skipped` conversations as dropped.
   */
  reject(issue: DatasetError, skipped = 1): void {
    if ((this.#options.onInvalid ?? 'stop') === 'stop') throw issue;
    this.summary.skipped += skipped;
    this.#file.skipped += skipped;
    this.#file.firstIssue ??= issue;
    if (this.summary.issues.length < (this.#options.maxIssues ?? 100)) this.summary.issues.push(issue);
    else this.summary.omittedIssues += 1;
    this.#options.onIssue?.(issue);
  }

  /** Remembers where a conversation id was first seen; returns that place if it was seen before. */
  claimId(id: string, location: DatasetLocation): DatasetLocation | undefined {
    const previous = this.#seenIds.get(id);
    if (previous === undefined) this.#seenIds.set(id, location);
    return previous;
  }
}

/** `file:line` of a location, for messages that point at a second place. */
export function formatLocation(location: DatasetLocation): string {
  return location.line === undefined ? location.file : `${location.file}:${location.line}`;
}
