/**
 * Every error code `@baton/eval` throws. User mistakes (bad data, bad configuration, bad command
 * lines, missing files) and system faults are told apart by {@link EvalError.isUserError}; a failed
 * quality gate is neither and has its own exit code.
 */
export type EvalErrorCode =
  /** A dataset row, article or split file does not validate. */
  | 'invalid-input'
  /** A suite, strategy or gate configuration does not validate. */
  | 'invalid-config'
  /** A file or folder the user named does not exist. */
  | 'not-found'
  /** A command line or an API call that cannot work as written. */
  | 'usage'
  /** A quality gate failed: the run worked, the result is not good enough. */
  | 'gate-failed'
  /** Reading or writing failed for a reason other than a missing file. */
  | 'io'
  /** A bug or an unexpected state inside the harness. */
  | 'internal';

const marker = Symbol.for('baton.eval.error');

const userErrorCodes: ReadonlySet<EvalErrorCode> = new Set<EvalErrorCode>([
  'invalid-input',
  'invalid-config',
  'not-found',
  'usage',
]);

/**
 * The one error base class of `@baton/eval`. Subclasses exist only where they carry fields.
 *
 * @example
 * ```ts
 * try { await run(argv); }
 * catch (error) {
 *   if (EvalError.isInstance(error)) process.exitCode = error.exitCode;
 *   else throw error;
 * }
 * ```
 */
export class EvalError extends Error {
  /** A stable, machine-readable code. */
  readonly code: EvalErrorCode;

  constructor(code: EvalErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EvalError';
    this.code = code;
    // A symbol property instead of `instanceof`, so copies from two installs recognise each other.
    Object.defineProperty(this, marker, { value: true });
  }

  /** True when the user's data, configuration or command line is at fault rather than the harness. */
  get isUserError(): boolean {
    return userErrorCodes.has(this.code);
  }

  /** The process exit code a CLI should end with: 2 for user errors, 1 for a failed gate or a fault. */
  get exitCode(): 1 | 2 {
    return this.isUserError ? 2 : 1;
  }

  /**
   * Recognises an eval error even when two copies of `@baton/eval` are installed side by side
   * (where `instanceof` fails).
   */
  static isInstance(error: unknown): error is EvalError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}

/** Where in a data file something is wrong. */
export interface DatasetLocation {
  /** The file as the user named it (relative paths stay relative). */
  file: string;
  /** 1-based physical line: the line itself for JSONL, the record's first line for CSV. */
  line?: number;
  /** Dotted path of the offending field, e.g. `turns[2].role`, or a CSV column name. */
  field?: string;
}

/**
 * A data or configuration file that does not validate, with the place to fix it. The message reads
 * `datasets/x.jsonl:17: turns[2].role: expected "user" or "agent", got "bot"`.
 */
export class DatasetError extends EvalError implements DatasetLocation {
  readonly file: string;
  readonly line: number | undefined;
  readonly field: string | undefined;
  /** The message without its location, e.g. `expected "user" or "agent", got "bot"`. */
  readonly detail: string;

  constructor(
    location: DatasetLocation & { detail: string },
    options: { code?: 'invalid-input' | 'invalid-config'; cause?: unknown } = {},
  ) {
    super(options.code ?? 'invalid-input', formatLocated(location), { cause: options.cause });
    this.name = 'DatasetError';
    this.file = location.file;
    this.line = location.line;
    this.field = location.field;
    this.detail = location.detail;
  }
}

function formatLocated(location: DatasetLocation & { detail: string }): string {
  const place = location.line === undefined ? location.file : `${location.file}:${location.line}`;
  return location.field === undefined
    ? `${place}: ${location.detail}`
    : `${place}: ${location.field}: ${location.detail}`;
}

/**
 * Turns a Node.js file-system error into an {@link EvalError}: a missing path is the user's
 * mistake (`not-found`), anything else is `io`. The original stays as `cause`.
 */
export function toFileError(error: unknown, file: string): EvalError {
  if (EvalError.isInstance(error)) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  if (code === 'ENOENT')
    return new EvalError('not-found', `${file}: no such file or folder`, { cause: error });
  // The path the user named is the wrong kind of thing or closed to them: their mistake, not a fault.
  if (code === 'EISDIR')
    return new EvalError('usage', `${file}: is a folder, expected a file`, { cause: error });
  if (code === 'ENOTDIR')
    return new EvalError('usage', `${file}: a part of the path is a file, not a folder`, { cause: error });
  if (code === 'EACCES' || code === 'EPERM')
    return new EvalError('usage', `${file}: permission denied`, { cause: error });
  const reason = error instanceof Error ? error.message : String(error);
  return new EvalError('io', `${file}: ${reason}`, { cause: error });
}
