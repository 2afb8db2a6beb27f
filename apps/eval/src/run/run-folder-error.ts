import { isAbsolute, relative, resolve } from 'node:path';
import { EvalError } from '../eval-error.js';

/** A Node.js file-system error: `code`, `syscall` and usually `path`. */
interface FileSystemError extends Error {
  code: string;
  syscall?: string;
  path?: string;
}

const reasons: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted there',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'it is a file, not a folder',
  EISDIR: 'a folder stands where a file must be written',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'the path loops through symbolic links',
  EMFILE: 'too many open files',
};

/** How an error names a folder a command writes: the option that gave it, and what goes there. */
export interface FolderNaming {
  /** E.g. `--out runs/r1` or `init ./project`. */
  option: string;
  /** E.g. "the run folder" or "the starter". */
  contents: string;
}

/** True for an error thrown by `node:fs` (it has a string `code` and a `syscall`). */
export function isFileSystemError(error: unknown): error is FileSystemError {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { syscall?: unknown }).syscall === 'string'
  );
}

/**
 * The error for a file-system problem with the run folder (`--out`): a usage error, so the CLI
 * prints one line and exits 2, never a raw `EEXIST` with exit 3. Anything else is returned as it
 * is.
 *
 * @param error - What was thrown.
 * @param out - The run folder.
 * @param options - `creating`: the error came from creating the folder, so a path above it (a
 *   parent that cannot be created or read) is the folder's problem too. `naming`: how the message
 *   names the folder and what is written there (default `--out <out>` and "the run folder"; `baton
 *   init` names its own).
 * @example
 * ```ts
 * await mkdir(out).catch((error: unknown) => { throw toRunFolderError(error, out); });
 * ```
 */
export function toRunFolderError(
  error: unknown,
  out: string,
  options: { creating?: boolean; naming?: FolderNaming } = {},
): unknown {
  if (!isFileSystemError(error) || EvalError.isInstance(error)) return error;
  // Only problems of the run folder itself: a dataset file that cannot be read is another mistake.
  if (error.path !== undefined && !isInside(resolve(error.path), resolve(out), options.creating ?? false))
    return error;
  const reason =
    error.code === 'ENOENT'
      ? `a ${error.syscall === 'mkdir' ? 'folder' : 'file'} cannot be created there`
      : (reasons[error.code] ?? error.message);
  const where = error.path === undefined || resolve(error.path) === resolve(out) ? '' : ` (${error.path})`;
  return new EvalError(
    'usage',
    `${options.naming?.option ?? `--out ${out}`}: cannot write ${options.naming?.contents ?? 'the run folder'}: ${reason}${where} [${error.code}]`,
    {
      cause: error,
    },
  );
}

function isInside(path: string, folder: string, orAbove: boolean): boolean {
  const within = (from: string, to: string) => {
    const step = relative(from, to);
    return step === '' || (!step.startsWith('..') && !isAbsolute(step));
  };
  return within(folder, path) || (orAbove && within(path, folder));
}
