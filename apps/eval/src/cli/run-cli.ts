import { relative, resolve } from 'node:path';
import { CommanderError } from 'commander';
import type { EvalOptions } from '../eval-config.js';
import { EvalError } from '../eval-error.js';
import { type CliRequest, createProgram, toEvalFlags } from './create-program.js';
import type { ProgressStream } from './progress-reporter.js';
import { terminalWidth, useColor } from './terminal.js';

// Each command's modules load when it runs: `eval` needs the whole harness (the core, the model SDK,
// OpenTelemetry and Langfuse: ~500 modules), `report` and `merge` about 150, `--version` and
// `--help` only commander. Loaded up front, every invocation paid for all of them (`--version` took
// 0.85-0.96 s and 102 MB where it now takes 0.12-0.16 s and 46 MB).

/** Streams and environment of a CLI invocation (injectable for tests). */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Aborted on Ctrl-C. */
  signal?: AbortSignal;
}

/**
 * Runs the `baton` command line and returns its exit code: 0 success, 1 a quality gate failed,
 * 2 a usage or input error (with a one-line reason on stderr), 3 an internal error (a bug: the stack
 * on stderr), 4 Langfuse did not acknowledge everything the run pushed (the rest is kept for
 * `baton push`), 130 interrupted.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = createProgram(async (request) => {
    exitCode = await execute(request, io);
  });
  // Commander copies output settings into subcommands when they are created, so set them on each.
  for (const command of [program, ...program.commands]) {
    command.configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // A parse error is one line, prefixed like every other usage error, as the README promises:
      // commander's own is "error: …" followed by a second line of help.
      outputError: (text, write) =>
        write(
          `baton: ${text
            .replace(/^error: /, '')
            .replace(/\s*\n\s*/g, ' ')
            .trim()} (see --help)\n`,
        ),
    });
  }
  // No command at all: a usage error in one line like the others, not the whole help on stderr.
  if (argv.length === 0) {
    io.stderr.write(
      `baton: name a command: ${program.commands.map((command) => command.name()).join(', ')} (see --help)\n`,
    );
    return 2;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    return reportFailure(error, io);
  }
}

async function execute(request: CliRequest, io: CliIo): Promise<number> {
  // The table fits the terminal (100 columns in a CI log) and is coloured on a terminal only,
  // unless NO_COLOR or FORCE_COLOR say otherwise.
  const layout = { width: terminalWidth(io.stderr, io.env), color: useColor(io.stderr, io.env) };
  if (request.command === 'init') {
    const { initProject } = await import('./init-project.js');
    const dir = resolve(io.cwd, request.dir);
    const result = await initProject({ dir, force: request.flags.force === true });
    io.stderr.write(
      `${result.files.map((file) => `  created ${file}`).join('\n')}\nNext: npx baton eval (the suite in evals/, options in eval.config.ts); the workflow runs it on every pull request.\n`,
    );
    return 0;
  }
  if (request.command === 'eval') {
    const [
      { z },
      { evalOptionsSchema },
      { evaluate },
      { configFileOf, loadConfigFile },
      { ProgressReporter },
      { withEnvFile },
      { renderTable },
    ] = await Promise.all([
      import('zod'),
      import('../eval-config.js'),
      import('../evaluate.js'),
      import('./load-config-file.js'),
      import('./progress-reporter.js'),
      import('./read-env-file.js'),
      import('../report/render-table.js'),
    ]);
    const cwd = request.cwd ? resolve(io.cwd, request.cwd) : io.cwd;
    // Relative paths resolve against --cwd, the env file's as much as the config's.
    const env = request.envFile ? await withEnvFile(request.envFile, cwd, io.env) : io.env;
    const config = await loadConfigFile(cwd, request.config);
    const { customStrategies, scorers, ...configOptions } = config;
    const flags = toEvalFlags(request.flags);
    const parsed = evalOptionsSchema.safeParse({ ...configOptions, ...flags });
    if (!parsed.success) {
      // Say where the bad value is: the config file when its options alone fail, else the flags.
      const configFile = configFileOf(cwd, request.config);
      const inConfig =
        configFile !== undefined && !evalOptionsSchema.safeParse(configOptions).success
          ? `${relative(cwd, configFile) || configFile}: `
          : '';
      throw new EvalError(
        'usage',
        `${inConfig}invalid options: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`,
      );
    }
    const options: EvalOptions = parsed.data;
    // Free-run settings without a free run would be ignored: said, as for --user-model.
    const freeRunOnly = (['fitRecall', 'maxSimulatedTurns'] as const).filter(
      (key) => (flags[key] ?? configOptions[key]) !== undefined,
    );
    if (!options.freeRun && freeRunOnly.length > 0) {
      const names = freeRunOnly.map((key) =>
        key === 'fitRecall' ? '--fit-recall' : '--max-simulated-turns',
      );
      throw new EvalError(
        'usage',
        `${names.join(' and ')} set${names.length === 1 ? 's' : ''} a free run: add --free-run.`,
      );
    }
    const progress = new ProgressReporter(io.stderr, { enabled: options.progress ?? true, ...layout });
    progress.start();
    let result: Awaited<ReturnType<typeof evaluate>>;
    try {
      result = await evaluate(
        options,
        { ...(customStrategies ? { customStrategies } : {}), ...(scorers ? { scorers } : {}) },
        {
          cwd,
          env,
          ...(io.signal ? { signal: io.signal } : {}),
          log: (line) => {
            progress.clear();
            io.stderr.write(`${line}\n`);
          },
          onItem: (_item, done) => progress.update(done),
          // The total costs a pass over the whole dataset: only when progress is shown.
          ...(progress.wantsTotal ? { onPlan: (plan) => progress.plan(plan.items) } : {}),
        },
      );
    } finally {
      // Ends the live line, whatever happened, so the next line starts clean.
      progress.finish();
    }
    io.stderr.write(`${renderTable(result.summary, layout)}\n`);
    io.stderr.write(`${verdictLine(result.summary, result.exitCode)}\nResults: ${result.out}\n`);
    if (options.json) io.stdout.write(`${JSON.stringify(result.summary, null, 2)}\n`);
    return result.exitCode;
  }
  if (request.command === 'push') {
    const [{ pushPendingRun }, { withEnvFile }] = await Promise.all([
      import('../push-pending-run.js'),
      import('./read-env-file.js'),
    ]);
    const log = (line: string) => io.stderr.write(`${line}\n`);
    const envFile = request.flags.envFile;
    const env = typeof envFile === 'string' ? await withEnvFile(envFile, io.cwd, io.env) : io.env;
    return (await pushPendingRun({ dir: request.dir, cwd: io.cwd, env, log })).exitCode;
  }
  if (request.command === 'profile') {
    const { runProfileCommand } = await import('../profile/run-profile-command.js');
    const profiled = await runProfileCommand(request, { cwd: io.cwd });
    io.stderr.write(`${profiled.table}\nProfile: ${profiled.file}\n`);
    if (request.flags.json) io.stdout.write(`${JSON.stringify(profiled.profile, null, 2)}\n`);
    return 0;
  }
  const [{ limitHeapGrowth, summaryHeapGrowth }, { rerenderRun }, { renderTable }] = await Promise.all([
    import('../limit-heap-growth.js'),
    import('../rerender-run.js'),
    import('../report/render-table.js'),
  ]);
  // `report` and `merge` only summarise: mostly short-lived data (see summaryHeapGrowth).
  limitHeapGrowth(summaryHeapGrowth);
  const result = await rerenderRun(request, {
    cwd: io.cwd,
    env: io.env,
    log: (line) => io.stderr.write(`${line}\n`),
  });
  io.stderr.write(
    `${renderTable(result.summary, layout)}\n${verdictLine(result.summary, result.exitCode)}\nResults: ${result.out}\n`,
  );
  if (request.flags.json) io.stdout.write(`${JSON.stringify(result.summary, null, 2)}\n`);
  return result.exitCode;
}

function verdictLine(
  summary: {
    interrupted?: boolean;
    gate: { passed: boolean; checks: { passed: boolean; message: string }[] };
  },
  exitCode: number,
): string {
  if (exitCode === 130) return 'Interrupted: the items finished so far are written; continue with --resume.';
  if (exitCode === 4)
    return 'Langfuse did not acknowledge everything (see above); local results are complete. Send the rest with baton push <run folder>.';
  if (summary.interrupted)
    return 'Incomplete run (it was interrupted): gates cannot pass; continue it with baton eval --resume.';
  if (summary.gate.checks.length === 0) return 'No gates set.';
  const failed = summary.gate.checks.filter((check) => !check.passed);
  return failed.length === 0
    ? `Gates passed (${summary.gate.checks.length}).`
    : `Gate failed: ${failed.map((check) => check.message).join('; ')}`;
}

function reportFailure(error: unknown, io: CliIo): number {
  if (EvalError.isInstance(error) && error.isUserError) {
    io.stderr.write(`baton: ${error.message.split('\n')[0]}\n`);
    return 2;
  }
  if (
    EvalError.isInstance(error) ||
    (error instanceof Error && 'code' in error && typeof error.code === 'string')
  ) {
    // Errors of the other Baton packages (a provider's missing key, a bad cassette) are input errors too.
    const message = error instanceof Error ? error.message : String(error);
    const user = isUserFacing(error);
    io.stderr.write(`baton: ${message.split('\n')[0]}\n`);
    return user ? 2 : 3;
  }
  io.stderr.write(
    `baton: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return 3;
}

function isUserFacing(error: unknown): boolean {
  const candidate = error as { isUserError?: unknown; code?: unknown };
  if (typeof candidate.isUserError === 'boolean') return candidate.isUserError;
  return (
    typeof candidate.code === 'string' &&
    /missing|unknown|invalid|usage|not-found|config|cassette/.test(candidate.code)
  );
}
