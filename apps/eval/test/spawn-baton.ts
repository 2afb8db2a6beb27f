import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository's root folder, where `npm run eval` runs. */
export const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The `baton` launcher of this package. */
export const batonBin = fileURLToPath(new URL('../bin/baton.js', import.meta.url));

/** A `baton` (or `npm run …`) process started by a test, with its output as it arrives. */
export interface SpawnedBaton {
  child: ChildProcess;
  /** stderr so far. */
  readonly stderr: string;
  /** Resolves with the exit code (or 128 + the signal number's stand-in, -1, when killed). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once stderr contains `text`. */
  waitForStderr(text: string): Promise<void>;
}

/**
 * The environment a spawned run sees: the test's own, without Langfuse keys (no run may push to a
 * real Langfuse) and with the given variables set.
 */
export function childEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('LANGFUSE_') && !name.startsWith('OPENAI_')) env[name] = value;
  }
  return { ...env, ...extra };
}

/**
 * Starts a process the way a user would, in its own process group when `detached` (so a test can
 * send a signal to the whole group, as a terminal's Ctrl-C does).
 */
export function spawnBaton(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; detached?: boolean },
): SpawnedBaton {
  const child = spawn(command, [...args], {
    cwd: options.cwd,
    env: options.env,
    detached: options.detached ?? false,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const waiters = new Set<{ text: string; resolve: () => void }>();
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
    for (const waiter of waiters) {
      if (!stderr.includes(waiter.text)) continue;
      waiters.delete(waiter);
      waiter.resolve();
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    get stderr() {
      return stderr;
    },
    exited,
    waitForStderr(text) {
      if (stderr.includes(text)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        waiters.add({ text, resolve });
        void exited.then(() => {
          if (!stderr.includes(text))
            reject(new Error(`the process ended before writing ${JSON.stringify(text)}:\n${stderr}`));
        });
      });
    },
  };
}
