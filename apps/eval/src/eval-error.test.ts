import { describe, expect, it } from 'vitest';
import { DatasetError, EvalError, toFileError } from './eval-error.js';

describe('EvalError', () => {
  it('is recognised across copies through isInstance', () => {
    expect(EvalError.isInstance(new EvalError('usage', 'x'))).toBe(true);
    expect(EvalError.isInstance(new DatasetError({ file: 'a.jsonl', detail: 'x' }))).toBe(true);
    expect(EvalError.isInstance(new Error('x'))).toBe(false);
    expect(EvalError.isInstance(undefined)).toBe(false);
  });

  it('separates user mistakes (exit 2) from gate failures and faults (exit 1)', () => {
    expect(new EvalError('invalid-input', 'x').isUserError).toBe(true);
    expect(new EvalError('usage', 'x').exitCode).toBe(2);
    expect(new EvalError('gate-failed', 'x').isUserError).toBe(false);
    expect(new EvalError('gate-failed', 'x').exitCode).toBe(1);
    expect(new EvalError('io', 'x').exitCode).toBe(1);
  });
});

describe('DatasetError', () => {
  it('names file, line and field in its message', () => {
    const error = new DatasetError({
      file: 'datasets/x.jsonl',
      line: 17,
      field: 'turns[2].role',
      detail: 'expected "user" or "agent", got "bot"',
    });
    expect(error.message).toBe('datasets/x.jsonl:17: turns[2].role: expected "user" or "agent", got "bot"');
    expect(error.code).toBe('invalid-input');
    expect(error).toMatchObject({ file: 'datasets/x.jsonl', line: 17, field: 'turns[2].role' });
  });

  it('leaves out the parts of the location it does not know', () => {
    expect(new DatasetError({ file: 'suite.json', field: 'front', detail: 'x' }).message).toBe(
      'suite.json: front: x',
    );
    expect(new DatasetError({ file: 'a.csv', line: 3, detail: 'x' }).message).toBe('a.csv:3: x');
  });
});

describe('toFileError', () => {
  it('reports a missing, wrong-kind or closed path as the user’s mistake and other failures as io', () => {
    const missing = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    expect(toFileError(missing, 'a.jsonl')).toMatchObject({
      code: 'not-found',
      message: 'a.jsonl: no such file or folder',
    });
    const failure = (code: string) => Object.assign(new Error(`${code}: …`), { code });
    expect(toFileError(failure('EISDIR'), 'suite').message).toBe('suite: is a folder, expected a file');
    expect(toFileError(failure('ENOTDIR'), 'a/b').code).toBe('usage');
    expect(toFileError(failure('EACCES'), 'a.jsonl').code).toBe('usage');
    expect(toFileError(failure('EIO'), 'a.jsonl').code).toBe('io');
  });
});
