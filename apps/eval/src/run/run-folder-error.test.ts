import { describe, expect, it } from 'vitest';
import { EvalError } from '../eval-error.js';
import { toRunFolderError } from './run-folder-error.js';

function fsError(code: string, path: string): Error {
  return Object.assign(new Error(`${code}: boom, open '${path}'`), { code, syscall: 'open', path });
}

describe('toRunFolderError', () => {
  it('turns a file-system error in the run folder into a one-line usage error', () => {
    const error = toRunFolderError(fsError('ENOSPC', '/runs/r1/items.jsonl'), '/runs/r1');
    expect(EvalError.isInstance(error) && error.code).toBe('usage');
    expect((error as Error).message).toBe(
      '--out /runs/r1: cannot write the run folder: no space left on the device (/runs/r1/items.jsonl) [ENOSPC]',
    );
  });

  it('counts a folder above the run folder only while creating it', () => {
    const above = fsError('EACCES', '/runs');
    expect((toRunFolderError(above, '/runs/r1', { creating: true }) as Error).message).toBe(
      '--out /runs/r1: cannot write the run folder: permission denied (/runs) [EACCES]',
    );
    // Reading a dataset folder that happens to hold the run folder is not an --out problem.
    expect(toRunFolderError(above, '/runs/r1')).toBe(above);
  });

  it('leaves errors about other paths, and errors that are not file-system errors, as they are', () => {
    const elsewhere = fsError('ENOENT', '/data/conversations.jsonl');
    expect(toRunFolderError(elsewhere, '/runs/r1')).toBe(elsewhere);
    const bug = new TypeError('x is undefined');
    expect(toRunFolderError(bug, '/runs/r1')).toBe(bug);
  });
});
