import { Command, InvalidArgumentError, Option } from 'commander';
import { packageVersion } from './package-version.js';
import { collectThresholds } from './parse-thresholds.js';

/** What the parsed command line asks for; the runner in `run-cli.ts` carries it out. */
export type CliRequest =
  | { command: 'eval'; flags: Record<string, unknown>; config?: string; cwd?: string; envFile?: string }
  | { command: 'init'; dir: string; flags: Record<string, unknown> }
  | { command: 'report'; dir: string; flags: Record<string, unknown> }
  | { command: 'merge'; dirs: string[]; flags: Record<string, unknown> }
  | { command: 'push'; dir: string; flags: Record<string, unknown> }
  | { command: 'profile'; dirs: string[]; flags: Record<string, unknown> };

function integer(name: string) {
  return (value: string) => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number.`);
    return Number(value);
  };
}

function positiveInteger(name: string) {
  return (value: string) => {
    if (!/^\d+$/.test(value) || Number(value) < 1)
      throw new InvalidArgumentError(`${name} must be a whole number of milliseconds, at least 1.`);
    return Number(value);
  };
}

function fraction(name: string) {
  return (value: string) => {
    const number = Number(value);
    if (!Number.isFinite(number) || number < 0 || number > 1)
      throw new InvalidArgumentError(`${name} must be between 0 and 1.`);
    return number;
  };
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

function addGateOptions(command: Command): Command {
  return command
    .option(
      '--fail-under <metric=value>',
      'fail when a strategy’s mean is below the value (repeatable)',
      collectThresholds('--fail-under'),
    )
    .option(
      '--max <metric=value>',
      'fail when a strategy’s mean is above the value (repeatable)',
      collectThresholds('--max'),
    )
    .option(
      '--max-regression <metric=delta>',
      'non-inferiority vs the baseline: fail when the CI’s worse bound is more than delta worse (repeatable)',
      collectThresholds('--max-regression'),
    );
}

/**
 * The `baton` command line (commander): `eval`, `report`, `merge`, each with `--help`. Parsing only;
 * commander's own exits are turned into exceptions so the caller owns the exit code.
 */
export function createProgram(onRequest: (request: CliRequest) => Promise<void>): Command {
  const program = new Command('baton')
    .description('Replay recorded conversations through delegation strategies, score them, compare, gate.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride();

  const evalCommand = program
    .command('eval')
    .description(
      'replay conversations through strategies and write items.jsonl, summary.json, report.md, junit.xml, report.html',
    )
    .option(
      '-c, --config <file>',
      'an eval.config.ts/js with defineConfig() (default: ./eval.config.ts when present)',
    )
    .option('--cwd <dir>', 'resolve relative paths (and the default --out) against this folder')
    .option(
      '--suite <file>',
      'suite file: agents, knowledge, split (default: datasets/support/suite.json, searched upward)',
    )
    .option(
      '--dataset <path>',
      'conversations: a .jsonl/.csv file or folder, or langfuse:<dataset> (default: the suite’s)',
    )
    .option('--map <mapping>', 'CSV column mapping, e.g. text=question,reference=answer,domain=category')
    .addOption(
      new Option(
        '--split <part>',
        'which side of the split to replay; ids the split file lacks are placed by a seeded hash',
      ).choices(['test', 'train', 'all']),
    )
    .option(
      '--train <path>',
      'labelled conversations the trained routers learn from (default: the train side of the data)',
    )
    .option(
      '--profile <file>',
      'delegate profile for route-measured, from baton profile (default: measured on the train side)',
    )
    .option(
      '--strategies <names>',
      'comma-separated strategies (default: every built-in one that can run)',
      list,
    )
    .option('--baseline <name>', 'strategy the others are compared against (default: solo)')
    .option(
      '--model <provider:model>',
      'model for LLM agents and the LLM router, e.g. openai:gpt-4.1-mini, ollama:qwen3:8b',
    )
    .addOption(
      new Option('--agents <mode>', 'how agents answer (default: llm with --model, else retrieval)').choices([
        'retrieval',
        'llm',
      ]),
    )
    .option(
      '--embedding-model <provider:model>',
      'embedding model for the route-embedding strategy, e.g. openai:text-embedding-3-small',
    )
    .option(
      '--judge <provider:model>',
      'LLM judge: marks each nugget present, missing or contradicted and writes the post-edit (default: none, offline nugget matching)',
    )
    .option('--judge-rubric <file>', 'the judge’s rubric (default: the built-in nugget rubric)')
    .addOption(
      new Option(
        '--quality-metric <metric>',
        'offline headline answer quality (default nuggets: nugget recall)',
      ).choices(['nuggets', 'token-f1', 'rouge-l']),
    )
    .option(
      '--concurrency <n>',
      'turns in flight at once, end to end (default 8 when a model or A2A host is called live, else 128)',
      integer('--concurrency'),
    )
    .option(
      '--host-concurrency <n>',
      'model calls in flight per host (default: --concurrency)',
      integer('--host-concurrency'),
    )
    .option(
      '--score-threads <n>',
      'worker threads for the text scores; 0 scores on the main thread (default: cores − 1, at most 2)',
      integer('--score-threads'),
    )
    .option(
      '--heap-growth <percent>',
      "let the heap grow at most this % past what is live between full collections: flat memory on long runs for some CPU (default while turns run: 50 when a model is called live or the data files hold 10 MB or more, else V8's own, up to 300; the summary keeps the turns' growth, else 50)",
      integer('--heap-growth'),
    )
    .option(
      '--timeout <ms>',
      'time limit of one model call attempt, then it is retried (default 120000)',
      positiveInteger('--timeout'),
    )
    .option(
      '--idle-timeout <ms>',
      'longest silence of a host in the middle of an answer, then the call is retried (default 10000)',
      positiveInteger('--idle-timeout'),
    )
    .option(
      '--turn-timeout <ms>',
      'longest one turn may take, retries included; past it the turn fails with a timeout (default: none)',
      positiveInteger('--turn-timeout'),
    )
    .option('--repeat <k>', 'replay every turn k times (pass^k)', integer('--repeat'))
    .option('--limit <n>', 'at most n conversations', integer('--limit'))
    .option(
      '--filter <regex>',
      'only conversations whose id matches the regular expression, e.g. "^billing-"',
    )
    .option('--env-file <file>', 'read environment variables (API keys) from a .env file; set ones win')
    .option('-o, --out <dir>', 'run folder (default: .baton/runs/<timestamp>)')
    .option('--resume', 'continue an interrupted run in --out')
    .option('--shard <k/n>', 'run the k-th of n shards (CI matrix); combine with `baton merge`')
    .option('--record <cassette>', 'record model calls to a cassette (JSONL)')
    .option('--replay <cassette>', 'serve model calls from a cassette, no network')
    .option(
      '--free-run',
      'free running: strategies answer their own history; recorded user turns are used while they fit',
    )
    .option(
      '--user-model <provider:model>',
      'free runs: an LLM plays the customer after the recording stops fitting (default: stop there)',
    )
    .option(
      '--fit-recall <x>',
      'free runs: nugget recall an answer needs for the recording to go on (default 0.5)',
      fraction('--fit-recall'),
    )
    .option(
      '--max-simulated-turns <n>',
      'free runs: simulated user turns at most per conversation (default 5)',
      integer('--max-simulated-turns'),
    )
    .option(
      '--langfuse',
      'push dataset runs, traces and scores to Langfuse (default: when LANGFUSE_* keys are set)',
    )
    .option('--no-langfuse', 'never push to Langfuse')
    .option('--no-trace', 'do not write traces.jsonl')
    .option(
      '--pass-threshold <x>',
      'answer quality that counts as a pass (default 0.3)',
      fraction('--pass-threshold'),
    )
    .option(
      '--cleanup-threshold <x>',
      'cleanup above which a turn needs cleanup (default 0.5)',
      fraction('--cleanup-threshold'),
    )
    .option('--seed <n>', 'bootstrap seed (default 1)', integer('--seed'))
    .option('--resamples <n>', 'bootstrap resamples (default 2000)', integer('--resamples'))
    .addOption(
      new Option(
        '--on-invalid <policy>',
        'invalid recordings: stop with an error, or skip and count',
      ).choices(['stop', 'skip']),
    )
    .option('--no-progress', 'no progress output')
    .option('--json', 'also print summary.json to stdout');
  addGateOptions(evalCommand).action(async (flags: Record<string, unknown>) => {
    const { config, cwd, envFile, ...rest } = flags;
    await onRequest({
      command: 'eval',
      flags: rest,
      ...(typeof config === 'string' ? { config } : {}),
      ...(typeof cwd === 'string' ? { cwd } : {}),
      ...(typeof envFile === 'string' ? { envFile } : {}),
    });
  });

  const reportCommand = program
    .command('report <dir>')
    .description(
      're-render summary.json and the reports of a run folder from its items.jsonl (e.g. with other gates)',
    )
    .option('--baseline <name>', 'strategy the others are compared against')
    .option('--seed <n>', 'bootstrap seed', integer('--seed'))
    .option('--resamples <n>', 'bootstrap resamples', integer('--resamples'))
    .option('--json', 'also print summary.json to stdout');
  addGateOptions(reportCommand).action(async (dir: string, flags: Record<string, unknown>) => {
    await onRequest({ command: 'report', dir, flags });
  });

  const mergeCommand = program
    .command('merge <dirs...>')
    .description('merge the run folders of shards (--shard k/n) into one run with one summary')
    .requiredOption('-o, --out <dir>', 'the merged run folder')
    .option('--baseline <name>', 'strategy the others are compared against')
    .option('--seed <n>', 'bootstrap seed', integer('--seed'))
    .option('--resamples <n>', 'bootstrap resamples', integer('--resamples'))
    .option('--json', 'also print summary.json to stdout');
  addGateOptions(mergeCommand).action(async (dirs: string[], flags: Record<string, unknown>) => {
    await onRequest({ command: 'merge', dirs, flags });
  });

  const pushCommand = program
    .command('push <dir>')
    .description(
      'send what Langfuse did not acknowledge during a run (its langfuse-pending.jsonl) again, idempotently; exit 1 while some is left',
    )
    .option('--env-file <file>', 'read the LANGFUSE_* variables from a .env file; set ones win')
    .action(async (dir: string, flags: Record<string, unknown>) => {
      await onRequest({ command: 'push', dir, flags });
    });

  const profileCommand = program
    .command('profile <dirs...>')
    .description(
      'turn the items of run folders into a delegate performance profile (quality, fallback, escalation, cost, latency per agent and slice)',
    )
    .option('--out <file>', 'the profile file (default: profile.json in the first run folder)')
    .option(
      '--strategies <names>',
      'only the items of these strategies (default: all but the floor rows)',
      list,
    )
    .option('--seed <n>', 'bootstrap seed (default: the first run’s, else 1)', integer('--seed'))
    .option('--resamples <n>', 'bootstrap resamples (default 2000)', integer('--resamples'))
    .option('--json', 'also print the profile to stdout')
    .action(async (dirs: string[], flags: Record<string, unknown>) => {
      await onRequest({ command: 'profile', dirs, flags });
    });

  const initCommand = program
    .command('init [dir]')
    .description(
      'scaffold eval.config.ts, a three-conversation suite in evals/ and a GitHub Actions workflow (sharded eval, merge, JUnit, step summary, gate)',
    )
    .option('--force', 'overwrite files that already exist')
    .action(async (dir: string | undefined, flags: Record<string, unknown>) => {
      await onRequest({ command: 'init', dir: dir ?? '.', flags });
    });

  for (const command of [
    program,
    evalCommand,
    reportCommand,
    mergeCommand,
    pushCommand,
    profileCommand,
    initCommand,
  ])
    command.exitOverride();
  return program;
}

/** Turns commander's option names into the evaluation options' names. */
export function toEvalFlags(flags: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flags)) {
    if (value === undefined) continue;
    result[key] = value;
  }
  if (result.progress === true) delete result.progress;
  return result;
}
