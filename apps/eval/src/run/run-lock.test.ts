import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EvalError } from '../eval-error.js';
import { acquireRunLock, runLockFileName } from './run-lock.js';

let out: string;

beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'baton-lock-'));
});
afterEach(async () => {
  await rm(out, { recursive: true, force: true });
});

const fixed = { hostname: 'ci-runner', now: () => new Date('2025-01-02T03:04:05.000Z') };

async function failure(promise: Promise<unknown>): Promise<EvalError> {
  const error = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(EvalError.isInstance(error)).toBe(true);
  return error as EvalError;
}

describe('acquireRunLock', () => {
  it('writes the holder into run.lock and removes it on release, leaving nothing else behind', async () => {
    const lock = await acquireRunLock(out, { ...fixed, pid: 4242 });
    expect(JSON.parse(await readFile(join(out, runLockFileName), 'utf8'))).toEqual({
      pid: 4242,
      hostname: 'ci-runner',
      startedAt: '2025-01-02T03:04:05.000Z',
    });
    await lock.release();
    await lock.release();
    expect(await readdir(out)).toEqual([]);
  });

  it('refuses a second run while the first one lives, naming its pid', async () => {
    const first = await acquireRunLock(out, { ...fixed, pid: 100 });
    const error = await failure(acquireRunLock(out, { ...fixed, pid: 200, isAlive: (pid) => pid === 100 }));
    expect(error.code).toBe('usage');
    expect(error.message).toBe(
      `--out ${out} is in use by another run (pid 100, since 2025-01-02T03:04:05.000Z); wait for it to finish or choose another --out.`,
    );
    // The refused run leaves the holder's lock alone.
    expect(JSON.parse(await readFile(join(out, runLockFileName), 'utf8')).pid).toBe(100);
    await first.release();
  });

  it('refuses a second run in the same process', async () => {
    const first = await acquireRunLock(out);
    expect((await failure(acquireRunLock(out))).message).toContain(`pid ${process.pid}`);
    await first.release();
  });

  it('takes over the lock of a run that died, and says so once', async () => {
    await acquireRunLock(out, { ...fixed, pid: 100 });
    const said: string[] = [];
    const lock = await acquireRunLock(out, {
      ...fixed,
      pid: 200,
      isAlive: () => false,
      log: (line) => said.push(line),
    });
    expect(said).toEqual([`${out}: took over the lock of pid 100, which is no longer running.`]);
    expect(JSON.parse(await readFile(join(out, runLockFileName), 'utf8')).pid).toBe(200);
    await lock.release();
    expect(existsSync(join(out, runLockFileName))).toBe(false);
  });

  it('does not remove a lock that another run took over meanwhile', async () => {
    const stale = await acquireRunLock(out, { ...fixed, pid: 100 });
    const successor = await acquireRunLock(out, { ...fixed, pid: 200, isAlive: () => false });
    await stale.release();
    expect(JSON.parse(await readFile(join(out, runLockFileName), 'utf8')).pid).toBe(200);
    await successor.release();
  });

  it('names a lock held on another host instead of guessing whether it runs', async () => {
    await acquireRunLock(out, { ...fixed, hostname: 'other-box', pid: 100 });
    const error = await failure(acquireRunLock(out, { ...fixed, isAlive: () => false }));
    expect(error.message).toContain('in use by pid 100 on other-box');
  });

  it('refuses a lock file it cannot read as a lock', async () => {
    await writeFile(join(out, runLockFileName), 'garbage');
    expect((await failure(acquireRunLock(out))).message).toContain('does not name its run');
  });
});
