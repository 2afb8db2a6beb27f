import { existsSync } from 'node:fs';
import { copyFile, readdir } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EvalError } from '../eval-error.js';
import { makeRunFolder } from '../run/make-run-folder.js';
import { toRunFolderError } from '../run/run-folder-error.js';

/** The starter `baton init` copies: the package's `templates/ci-starter` (the repository's `examples/ci-starter` holds the same). */
export const starterTemplate = fileURLToPath(new URL('../../templates/ci-starter/', import.meta.url));

/** What {@link initProject} wrote. */
export interface InitResult {
  /** The folder scaffolded. */
  dir: string;
  /** Files written, relative to `dir`, in order. */
  files: string[];
}

/**
 * `baton init`: copies the starter into a folder — `eval.config.ts` (three strategies and a custom
 * scorer), `evals/` (a suite of three recorded conversations, three retrieval agents and their
 * knowledge) and `.github/workflows/baton.yml` (the suite in parallel shards, `baton merge`, the
 * JUnit check, the step summary and the gate). Existing files are left alone unless `force`: then
 * nothing is written and the error names them.
 *
 * @param options - The folder (created when missing) and whether to overwrite.
 * @returns The files written.
 * @throws EvalError `usage` when files would be overwritten without `force`, or the folder cannot
 *   be written (a file in the way, permissions, a read-only or pseudo file system).
 *
 * @example
 * ```ts
 * const { files } = await initProject({ dir: process.cwd() });
 * ```
 */
export async function initProject(options: { dir: string; force?: boolean }): Promise<InitResult> {
  const files = await listFiles(starterTemplate);
  const existing = files.filter((file) => existsSync(join(options.dir, file)));
  if (existing.length > 0 && options.force !== true) {
    throw new EvalError(
      'usage',
      `init: ${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''} in ${options.dir}; pass --force to overwrite.`,
    );
  }
  // Folders level by level, not mkdir({ recursive: true }), which spins without end under /proc.
  const naming = { option: `init ${options.dir}`, contents: 'the starter' };
  for (const file of files) {
    const target = join(options.dir, file);
    await makeRunFolder(dirname(target), naming);
    await copyFile(join(starterTemplate, file), target).catch((error: unknown) => {
      throw toRunFolderError(error, options.dir, { naming });
    });
  }
  return { dir: resolve(options.dir), files };
}

/** Every file under `root`, relative and with `/`, sorted, dot-folders (`.github`) included. */
async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}
