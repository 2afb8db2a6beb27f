import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EvalError } from '../eval-error.js';
import { makeRunFolder } from './make-run-folder.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'baton-out-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function usageError(out: string): Promise<string> {
  const error = await makeRunFolder(out).then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(EvalError.isInstance(error) && error.code).toBe('usage');
  return (error as Error).message;
}

describe('makeRunFolder', () => {
  it('creates the folder and the missing folders above it, and accepts one that exists', async () => {
    const out = join(root, 'a', 'b', 'run');
    await makeRunFolder(out);
    await makeRunFolder(out);
    expect((await stat(out)).isDirectory()).toBe(true);
  });

  it('says when --out is a file, or a part of the path is one', async () => {
    const file = join(root, 'file.txt');
    await writeFile(file, 'x');
    expect(await usageError(file)).toBe(`--out ${file}: it is a file, not a folder`);
    expect(await usageError(join(file, 'run'))).toBe(
      `--out ${join(file, 'run')}: cannot write the run folder: a part of the path is a file, not a folder [ENOTDIR]`,
    );
  });

  it.skipIf(process.getuid?.() === 0)('says when the parent is read-only', async () => {
    const locked = join(root, 'locked');
    await mkdir(locked, { mode: 0o555 });
    expect(await usageError(join(locked, 'run'))).toMatch(
      /cannot write the run folder: permission denied.*\[EACCES\]$/,
    );
  });

  it.runIf(process.platform === 'linux')(
    'ends with one usage error where the parent refuses children (/proc)',
    async () => {
      // Node's mkdir({ recursive: true }) spins here forever.
      expect(await usageError('/proc/baton-run')).toMatch(
        /^--out \/proc\/baton-run: cannot write the run folder: /,
      );
      expect(await usageError('/proc/self/baton/run')).toMatch(
        /^--out \/proc\/self\/baton\/run: cannot write the run folder: /,
      );
    },
  );
});
