import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { EvalError } from '../eval-error.js';
import { type FolderNaming, toRunFolderError } from './run-folder-error.js';

/**
 * Creates the run folder and the folders above it that are missing, one by one. Not
 * `mkdir({ recursive: true })`: Node's recursive mkdir retries without end where the parent
 * exists but refuses a child with `ENOENT` (under `/proc`, for one), spinning at full CPU. Here
 * each level is tried once, so the work is bounded by the depth of the path.
 *
 * @param out - The folder.
 * @param naming - How errors name it (default: `--out <out>`, the run folder).
 * @throws EvalError `usage` (exit 2) naming `--out` and the reason: the path is a file, a part of
 *   it is a file, it is read-only or not permitted, …
 * @example
 * ```ts
 * await makeRunFolder('.baton/runs/2025-01-01');
 * ```
 */
export async function makeRunFolder(out: string, naming?: FolderNaming): Promise<void> {
  const option = naming?.option ?? `--out ${out}`;
  const missing: string[] = [];
  try {
    // From the folder up to the first that exists; dirname reaches the root, so this ends.
    for (let folder = resolve(out); ; folder = dirname(folder)) {
      const info = await stat(folder).catch((error: unknown) => {
        if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
        throw error;
      });
      if (info !== undefined) {
        if (!info.isDirectory()) {
          throw new EvalError(
            'usage',
            folder === resolve(out)
              ? `${option}: it is a file, not a folder`
              : `${option}: a part of the path is a file, not a folder (${folder})`,
          );
        }
        break;
      }
      missing.push(folder);
      if (dirname(folder) === folder) break;
    }
    for (const folder of missing.reverse()) {
      await mkdir(folder).catch(async (error: unknown) => {
        // Created meanwhile (a parallel run making the same parent) is fine.
        if ((error as { code?: unknown }).code === 'EEXIST' && (await stat(folder)).isDirectory()) return;
        throw error;
      });
    }
  } catch (error) {
    throw toRunFolderError(error, out, { creating: true, ...(naming ? { naming } : {}) });
  }
}
