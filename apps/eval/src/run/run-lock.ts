import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { EvalError } from '../eval-error.js';
import { toRunFolderError } from './run-folder-error.js';

/** The lock file in a run folder while a run writes to it. */
export const runLockFileName = 'run.lock';

/** Who holds a run folder. */
export interface RunLockHolder {
  pid: number;
  hostname: string;
  startedAt: string;
}

/** A held run lock. */
export interface RunLock {
  /** Removes the lock file, if it is still this run's. Calling it twice is harmless. */
  release(): Promise<void>;
}

/** Options of {@link acquireRunLock}. */
export interface RunLockOptions {
  /** Where a taken-over stale lock is reported (once). */
  log?: (line: string) => void;
  /** This process (default `process.pid`), injectable for tests. */
  pid?: number;
  /** This machine (default `os.hostname()`). */
  hostname?: string;
  /** Whether a process runs (default: `process.kill(pid, 0)`). */
  isAlive?: (pid: number) => boolean;
  /** The time written into the lock (default: now). */
  now?: () => Date;
}

/** How often a lock that vanished or went stale under us is tried again: a bound, not a wait. */
const maxTries = 3;

/**
 * Takes the run folder for this process, so two runs never write to one `--out` at once (their
 * lines would interleave in `items.jsonl`). The lock is a file created atomically (written aside,
 * then hard-linked into place, which fails if it exists) holding the owner's pid, host and start
 * time. A lock whose owner on this host is no longer running (a run killed with `kill -9`) is
 * taken over, and that is said once through `log`.
 *
 * @throws EvalError `usage` (exit 2) naming the holder's pid when another live run holds the
 *   folder, or the file-system reason when the lock cannot be written.
 * @example
 * ```ts
 * const lock = await acquireRunLock(out, { log: console.error });
 * try { await run(); } finally { await lock.release(); }
 * ```
 */
export async function acquireRunLock(out: string, options: RunLockOptions = {}): Promise<RunLock> {
  const file = join(out, runLockFileName);
  const pid = options.pid ?? process.pid;
  const host = options.hostname ?? osHostname();
  const isAlive = options.isAlive ?? processIsAlive;
  const holder: RunLockHolder = {
    pid,
    hostname: host,
    startedAt: (options.now?.() ?? new Date()).toISOString(),
  };
  const content = `${JSON.stringify(holder)}\n`;
  const aside = join(out, `${runLockFileName}.${pid}.${process.hrtime.bigint()}`);
  try {
    await writeFile(aside, content);
    for (let attempt = 0; attempt < maxTries; attempt += 1) {
      const taken = await link(aside, file).then(
        () => true,
        (error: unknown) => {
          if ((error as { code?: unknown }).code === 'EEXIST') return false;
          throw error;
        },
      );
      if (taken) return heldLock(file, content);
      const raw = await readFile(file, 'utf8').catch(() => undefined);
      // Gone meanwhile (its run just ended): try again.
      if (raw === undefined) continue;
      const other = parseHolder(raw);
      if (other === undefined) {
        throw new EvalError(
          'usage',
          `--out ${out} is locked by ${file}, which does not name its run; remove it if no run is writing there.`,
        );
      }
      if (other.hostname !== host) {
        throw new EvalError(
          'usage',
          `--out ${out} is in use by pid ${other.pid} on ${other.hostname} (since ${other.startedAt}); wait for it, or remove ${file} if that run is gone.`,
        );
      }
      if (other.pid === pid || isAlive(other.pid)) {
        throw new EvalError(
          'usage',
          `--out ${out} is in use by another run (pid ${other.pid}, since ${other.startedAt}); wait for it to finish or choose another --out.`,
        );
      }
      // Stale: its run died without releasing it. Remove it only if it is still that lock.
      if ((await readFile(file, 'utf8').catch(() => undefined)) === raw) {
        await unlink(file).catch(() => undefined);
        options.log?.(`${out}: took over the lock of pid ${other.pid}, which is no longer running.`);
      }
    }
    throw new EvalError('usage', `--out ${out}: another run keeps taking ${file}; try again.`);
  } catch (error) {
    throw toRunFolderError(error, out);
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}

function heldLock(file: string, content: string): RunLock {
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      // Never remove a lock another run took over meanwhile.
      if ((await readFile(file, 'utf8').catch(() => undefined)) === content)
        await unlink(file).catch(() => undefined);
    },
  };
}

function parseHolder(raw: string): RunLockHolder | undefined {
  try {
    const value = JSON.parse(raw) as Partial<RunLockHolder>;
    if (typeof value.pid === 'number' && typeof value.hostname === 'string')
      return { pid: value.pid, hostname: value.hostname, startedAt: String(value.startedAt ?? 'unknown') };
  } catch {
    // Not a lock this harness wrote.
  }
  return undefined;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as { code?: unknown }).code === 'EPERM';
  }
}
