import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../src/cli/run-cli.js';

/** The hand-written suite every end-to-end test runs on (see its README). */
export const e2eSuite = fileURLToPath(new URL('./fixtures/e2e-suite/suite.json', import.meta.url));

/** Flags that keep a run on the fixture suite small and fast. */
export const suiteFlags = ['--suite', e2eSuite, '--resamples', '200', '--concurrency', '4'];

/** {@link suiteFlags} without progress output. */
export const fastFlags = [...suiteFlags, '--no-progress'];

/** What one `baton` invocation did. */
export interface BatonOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link runBaton}. */
export interface RunBatonOptions {
  /** The folder the command runs in (relative paths resolve against it). */
  cwd: string;
  /** The whole environment the command sees; default empty, so no key or CI variable leaks in. */
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Sees every piece of text written to stderr, as it is written (to react to progress). */
  onStderr?: (text: string) => void;
}

/**
 * Runs the `baton` command line in-process with captured streams, as the `bin` would, and returns
 * its exit code and output.
 */
export async function runBaton(argv: readonly string[], options: RunBatonOptions): Promise<BatonOutcome> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: {
      write: (text: string) => {
        stdout += text;
        return true;
      },
    },
    stderr: {
      write: (text: string) => {
        stderr += text;
        options.onStderr?.(text);
        return true;
      },
    },
    env: options.env ?? {},
    cwd: options.cwd,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { code, stdout, stderr };
}

/** A fresh temporary folder and the function that removes it again. */
export async function makeTempFolder(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'baton-e2e-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
