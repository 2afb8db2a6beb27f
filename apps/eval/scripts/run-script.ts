import { EvalError } from '../src/eval-error.js';

/**
 * Runs a script's `main` and turns its outcome into an exit code: the code it returns, the
 * EvalError's own exit code (2 for a user's mistake) with a one-line message, or 1 with the stack
 * for anything unexpected. Shared by the dataset scripts.
 */
export function runScript(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (EvalError.isInstance(error)) {
        process.stderr.write(`${name}: ${error.message}\n`);
        process.exitCode = error.exitCode;
      } else {
        process.stderr.write(
          `${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        );
        process.exitCode = 1;
      }
    },
  );
}

/** Parses the command line, turning node:util's TypeError for a bad option into a usage error. */
export function parseCommandLine<T>(parse: () => T, usage: string): T {
  try {
    return parse();
  } catch (error) {
    throw new EvalError('usage', `${error instanceof Error ? error.message : String(error)}\n${usage}`, {
      cause: error,
    });
  }
}
