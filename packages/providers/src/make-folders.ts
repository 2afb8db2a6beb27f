import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * Creates a folder and the missing folders above it, each level tried once. Not
 * `mkdir({ recursive: true })`: Node's recursive mkdir retries without end where a parent exists
 * but refuses a child with `ENOENT` (under `/proc`, for one), spinning at full CPU, so a cassette
 * path there would hang the run instead of failing it.
 *
 * @throws The file system's error (`ENOENT`, `ENOTDIR`, `EACCES`, …) for the level that failed.
 */
export async function makeFolders(folder: string): Promise<void> {
  const missing: string[] = [];
  // From the folder up to the first that exists; dirname reaches the root, so this ends.
  for (let current = resolve(folder); ; current = dirname(current)) {
    const info = await stat(current).catch((error: unknown) => {
      if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
      throw error;
    });
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
    await mkdir(level).catch(async (error: unknown) => {
      // Created meanwhile (two recorders making the same parent) is fine.
      if ((error as { code?: unknown }).code === 'EEXIST' && (await stat(level)).isDirectory()) return;
      throw error;
    });
  }
}
