import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Creates a folder and the missing folders above it, each level tried once, synchronously. Not
 * `mkdirSync(…, { recursive: true })`: Node's recursive mkdir retries without end where a parent
 * exists but refuses a child with `ENOENT` (under `/proc`, for one), and synchronously that stops
 * the whole process at full CPU instead of failing the trace file.
 *
 * @throws The file system's error (`ENOENT`, `ENOTDIR`, `EACCES`, …) for the level that failed.
 */
export function makeFoldersSync(folder: string): void {
  const missing: string[] = [];
  // From the folder up to the first that exists; dirname reaches the root, so this ends.
  for (let current = resolve(folder); ; current = dirname(current)) {
    const info = statSync(current, { throwIfNoEntry: false });
    if (info !== undefined) {
      if (info.isDirectory()) break;
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${folder}'`), {
        code: 'ENOTDIR',
        syscall: 'mkdir',
        path: current,
      });
    }
    missing.push(current);
    if (dirname(current) === current) break;
  }
  for (const level of missing.reverse()) {
    try {
      mkdirSync(level);
    } catch (error) {
      // Created meanwhile (another writer making the same parent) is fine.
      if ((error as { code?: unknown }).code !== 'EEXIST' || !statSync(level).isDirectory()) throw error;
    }
  }
}
