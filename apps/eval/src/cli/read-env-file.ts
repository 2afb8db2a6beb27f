import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { EvalError } from '../eval-error.js';

/**
 * The environment a run sees with `--env-file <file>`: the file's variables (parsed by Node's own
 * `util.parseEnv`, the dotenv syntax of `node --env-file`) under the process's, so that a variable
 * already set — in CI, say — wins over the file, as with `node --env-file`. The process's
 * environment is never changed.
 *
 * @param file - The file, relative to `cwd`.
 * @param cwd - The folder relative paths are resolved against.
 * @param env - The process's environment.
 * @returns The merged environment.
 * @throws EvalError `usage` when the file cannot be read.
 *
 * @example
 * ```ts
 * const env = await withEnvFile('.env', process.cwd(), process.env);
 * ```
 */
export async function withEnvFile(
  file: string,
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<Record<string, string | undefined>> {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as { code?: string }).code === 'ENOENT' ? 'no such file' : String(error);
    throw new EvalError('usage', `--env-file ${file}: ${reason}.`, { cause: error });
  }
  const parsed = parseEnv(text);
  const merged: Record<string, string | undefined> = { ...env };
  for (const [name, value] of Object.entries(parsed)) {
    if (merged[name] === undefined && value !== undefined) merged[name] = value;
  }
  return merged;
}
