import { isAbsolute, relative, sep } from 'node:path';

/**
 * A path as a report shows it: relative to the folder the run was started in, so that a report
 * pasted into a PR or a step summary carries no runner's home or workspace path. Anything that is
 * not an absolute path (`langfuse:support`, a relative path) is shown as it is.
 *
 * @param path - A path or a dataset reference.
 * @param cwd - The folder to show it relative to; `undefined` shows it as it is.
 *
 * @example
 * ```ts
 * displayPath('/home/runner/work/app/datasets/support', '/home/runner/work/app'); // 'datasets/support'
 * ```
 */
export function displayPath(path: string, cwd: string | undefined): string {
  if (cwd === undefined || !isAbsolute(path)) return path;
  const shown = relative(cwd, path) || '.';
  return sep === '/' ? shown : shown.split(sep).join('/');
}
