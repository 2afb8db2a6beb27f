import { type ParseArgsConfig, parseArgs } from 'node:util';
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

/** The `--help` (`-h`) every script takes. */
const helpOption = { help: { type: 'boolean', short: 'h', default: false } } as const;

/** A script's command line as node:util's `parseArgs` reads it, `--help` added. */
type WithHelp<T extends ParseArgsConfig> = Omit<T, 'options'> & {
  options: T['options'] & typeof helpOption;
};

/**
 * Parses a script's command line: `parseArgs` of `config` with `--help`/`-h` added. A bad option
 * (node:util's TypeError) becomes a usage error that shows `usage`; `--help` prints `usage` and gives
 * `undefined`, for the script to return 0. Shared by the dataset scripts.
 */
export function parseScriptArgs<const T extends ParseArgsConfig>(
  config: T,
  usage: string,
): ReturnType<typeof parseArgs<WithHelp<T>>> | undefined {
  let parsed: ReturnType<typeof parseArgs<WithHelp<T>>>;
  try {
    parsed = parseArgs({ ...config, options: { ...config.options, ...helpOption } } as WithHelp<T>);
  } catch (error) {
    throw new EvalError('usage', `${error instanceof Error ? error.message : String(error)}\n${usage}`, {
      cause: error,
    });
  }
  // Generic here, so the parsed values are not narrowed to the options: `help` is there, a boolean.
  if ((parsed.values as { help?: boolean }).help) {
    process.stderr.write(`${usage}\n`);
    return undefined;
  }
  return parsed;
}
