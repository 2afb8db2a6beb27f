import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { EvalError } from './eval-error.js';
import { cleanupNormalisation } from './metrics/targeted-cleanup.js';
import { forEachItem } from './report/parse-items.js';
import { makeRunFolder } from './run/make-run-folder.js';
import { acquireRunLock, type RunLock, runLockFileName } from './run/run-lock.js';
import type { RunSummary } from './run-summary.js';
import { writeRunOutputs } from './write-run-outputs.js';

/** The summary a run folder already holds, if it can be read: what re-rendering keeps. */
/**
 * The summary a run folder holds, for what the items cannot tell (the suite's name, the split, the
 * duration). None is fine (an interrupted run); one that cannot be read is said, since what only it
 * held is then lost from the new summary.
 */
async function readPreviousSummary(
  dir: string,
  log: ((line: string) => void) | undefined,
): Promise<RunSummary | undefined> {
  const file = join(dir, 'summary.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(await readFile(file, 'utf8')) as RunSummary;
  } catch (error) {
    log?.(
      `${file} cannot be read (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): it is replaced, and the suite's name, the split's details and the duration only it held are lost.`,
    );
    return undefined;
  }
}

const thresholds = z.record(z.string(), z.number()).default({});

/** The part of `run.json` that `report` and `merge` need. */
const runFileSchema = z.looseObject({
  version: z.literal(1),
  createdAt: z.string(),
  suite: z.string(),
  source: z.string(),
  strategies: z.array(z.string()).min(1),
  strategyDescriptions: z.record(z.string(), z.string()).optional(),
  strategyRoles: z.record(z.string(), z.enum(['strategy', 'probe', 'recorded'])).optional(),
  baseline: z.string(),
  /** Extra pairs compared besides the baseline (route-measured vs route-trained). */
  pairs: z.array(z.object({ candidate: z.string(), baseline: z.string() })).optional(),
  scorer: z.string(),
  summaryScorer: z.looseObject({}).optional(),
  /** Teacher forcing or free running (absent in runs made before free runs existed). */
  replay: z
    .object({
      mode: z.enum(['teacher-forced', 'free-run']),
      fit: z.string().optional(),
      userModel: z.string().nullable().optional(),
      maxSimulatedTurns: z.number().int().optional(),
    })
    .optional(),
  interrupted: z.boolean().optional(),
  options: z.looseObject({
    split: z.string().optional(),
    shard: z.string().optional(),
    failUnder: thresholds,
    max: thresholds,
    maxRegression: thresholds,
    seed: z.number().default(1),
    resamples: z.number().default(2000),
    repeat: z.number().default(1),
    model: z.string().optional(),
    passThreshold: z.number().default(0.3),
    cleanupThreshold: z.number().default(0.5),
  }),
});

type RunFile = z.output<typeof runFileSchema>;

/** A `report` or `merge` request from the command line. */
export type RerenderRequest =
  | { command: 'report'; dir: string; flags: Record<string, unknown> }
  | { command: 'merge'; dirs: string[]; flags: Record<string, unknown> };

async function readRunFile(dir: string): Promise<RunFile> {
  const file = join(dir, 'run.json');
  if (!existsSync(file)) throw new EvalError('usage', `${dir} is not a run folder (no run.json).`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new EvalError('invalid-input', `${file}: not valid JSON: ${reason.split('\n')[0]}`, {
      cause: error,
    });
  }
  const parsed = runFileSchema.safeParse(json);
  if (!parsed.success)
    throw new EvalError('invalid-input', `${file}: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`);
  return parsed.data;
}

/**
 * `baton report <dir>` re-renders a run folder's summary and reports from its items (e.g. with other
 * gates or another baseline); `baton merge <dirs…> --out <dir>` merges the folders of the shards of
 * one run into one folder, checking that the shards agree and do not overlap.
 *
 * @param context - The working folder and environment, and where notes go (a cut-off last line of
 *   `items.jsonl` that was dropped, a summary helper thread that failed): the CLI's stderr.
 */
export async function rerenderRun(
  request: RerenderRequest,
  context: { cwd: string; env: Record<string, string | undefined>; log?: (line: string) => void },
): Promise<{ summary: RunSummary; out: string; exitCode: 0 | 1 }> {
  const flags = request.flags;
  const dirs =
    request.command === 'report'
      ? [resolve(context.cwd, request.dir)]
      : request.dirs.map((dir) => resolve(context.cwd, dir));
  const duplicate = dirs.find((dir, index) => dirs.indexOf(dir) !== index);
  if (duplicate) throw new EvalError('usage', `${duplicate} is given twice: each shard can be merged once.`);
  const runs = await Promise.all(dirs.map(readRunFile));
  const first = runs[0]!;
  // Settings that change what an item holds: shards made with other ones are not one run.
  const settings = (run: RunFile): Record<string, unknown> => ({
    strategies: run.strategies.join(),
    scorer: run.scorer,
    dataset: run.source,
    replay: run.replay,
    suite: run.suite,
    split: run.options.split,
    repeat: run.options.repeat,
    limit: run.options.limit,
    filter: run.options.filter,
    model: run.options.model,
    passThreshold: run.options.passThreshold,
    cleanupThreshold: run.options.cleanupThreshold,
  });
  const firstSettings = settings(first);
  for (const [index, run] of runs.entries()) {
    const own = settings(run);
    const differing = Object.keys(own).filter(
      (key) => JSON.stringify(own[key]) !== JSON.stringify(firstSettings[key]),
    );
    if (differing.length > 0) {
      throw new EvalError(
        'invalid-input',
        `${dirs[index]} was run with other settings than ${dirs[0]} (${differing.join(', ')}): they cannot be merged.`,
      );
    }
  }
  if (request.command === 'merge') checkShardSet(dirs, runs);
  const out = request.command === 'merge' ? resolve(context.cwd, String(flags.out)) : dirs[0]!;
  const locks: RunLock[] = [];
  try {
    // A folder a live run still writes to is not re-rendered or merged; a lock left behind by a run
    // that died (kill -9, a crash, a CI timeout) means its items are incomplete.
    const died = dirs.map((dir) => existsSync(join(dir, runLockFileName)));
    for (const dir of dirs) locks.push(await acquireRunLock(dir, context.log ? { log: context.log } : {}));
    const cut = await Promise.all(dirs.map((dir) => endsInCutLine(join(dir, 'items.jsonl'))));
    const incomplete = runs.some(
      (run, index) => run.interrupted === true || died[index] === true || cut[index] === true,
    );
    if (request.command === 'merge') {
      if (dirs.includes(out))
        throw new EvalError('usage', `--out ${out} is one of the shards: merge into a new folder.`);
      if (existsSync(join(out, 'items.jsonl')))
        throw new EvalError('usage', `--out ${out} already holds a run: choose another --out.`);
      await makeRunFolder(out);
      locks.push(await acquireRunLock(out));
      await mergeItems(dirs, out);
      // The merge is as complete as its least complete shard, and its run.json says so: a later
      // `baton report` or `baton profile` of it sees no lock and no cut line to tell.
      const { interrupted: _interrupted, ...whole } = first;
      await writeFile(
        join(out, 'run.json'),
        `${JSON.stringify({ ...whole, ...(incomplete ? { interrupted: true } : {}), mergedFrom: dirs }, null, 2)}\n`,
      );
    } else if (incomplete && first.interrupted !== true) {
      // The lock of a run that died is released below: its run.json keeps the evidence instead.
      await writeFile(join(out, 'run.json'), `${JSON.stringify({ ...first, interrupted: true }, null, 2)}\n`);
    }
    if ((await stat(join(out, 'items.jsonl'))).size === 0)
      throw new EvalError('invalid-input', `${join(out, 'items.jsonl')} holds no item: nothing to report.`);
    return await summarise(request, context, { dirs, runs, out, interrupted: incomplete });
  } finally {
    for (const lock of locks) await lock.release();
  }
}

/** The shards of one run: each of 1…n exactly once (a merge of some of them would pass for the whole run). */
function checkShardSet(dirs: readonly string[], runs: readonly RunFile[]): void {
  const shards = runs.map((run) => run.options.shard);
  if (shards.every((shard) => shard === undefined)) return;
  const parsed = shards.map((shard) => shard?.split('/').map(Number) as [number, number] | undefined);
  const count = parsed.find((shard) => shard !== undefined)![1];
  const seen = new Set<number>();
  for (const [index, shard] of parsed.entries()) {
    if (shard === undefined)
      throw new EvalError(
        'invalid-input',
        `${dirs[index]} is a whole run, not a shard of ${count}: it cannot be merged with shards.`,
      );
    if (shard[1] !== count)
      throw new EvalError(
        'invalid-input',
        `${dirs[index]} is not a shard of ${count ?? '?'}: shards of different splits cannot be merged.`,
      );
    if (seen.has(shard[0]))
      throw new EvalError('invalid-input', `${dirs[index]}: shard ${shard[0]}/${count} is given twice.`);
    seen.add(shard[0]);
  }
  const missing = Array.from({ length: count! }, (_, index) => index + 1).filter((index) => !seen.has(index));
  if (missing.length > 0)
    throw new EvalError(
      'invalid-input',
      `shard${missing.length === 1 ? '' : 's'} ${missing.map((index) => `${index}/${count}`).join(', ')} missing: a merge of some shards is not the whole run.`,
    );
}

/** Whether a file's last line lacks its line break: a write that was cut off (an item lost). */
async function endsInCutLine(file: string): Promise<boolean> {
  if (!existsSync(file)) return false;
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await handle.close();
  }
}

/**
 * Streams the shards' items into `out/items.jsonl` (through a file beside it, renamed only once the
 * shards proved disjoint, so a failed merge leaves nothing behind).
 */
async function mergeItems(dirs: readonly string[], out: string): Promise<void> {
  const target = join(out, 'items.jsonl');
  const partial = `${target}.merging`;
  // Streamed shard by shard: the merged file is written as the shards are read, and only the
  // keys are kept to catch shards that overlap (disjoint shards never do).
  const merged = createWriteStream(partial, { encoding: 'utf8' });
  const owner = new Map<string, string>();
  let conflicts = 0;
  let example = '';
  try {
    for (const dir of dirs) {
      const file = join(dir, 'items.jsonl');
      await forEachItem(file, { allowTruncatedTail: true }, (item, _line, text) => {
        const key = JSON.stringify([item.strategy, item.itemId, item.repeat]);
        const previous = owner.get(key);
        if (previous !== undefined && previous !== file) {
          conflicts += 1;
          example ||= `${item.itemId} (${item.strategy}) in ${previous} and ${file}`;
        }
        owner.set(key, file);
        // The line as the shard wrote it (validated above): no second serialisation. A full write
        // buffer holds the reading back, so memory stays flat whatever the shards' size.
        return merged.write(`${text}\n`) ? undefined : once(merged, 'drain').then(() => undefined);
      });
    }
    await new Promise<void>((done, fail) =>
      merged.end((error?: Error | null) => (error ? fail(error) : done())),
    );
    if (conflicts > 0) {
      throw new EvalError(
        'invalid-input',
        `${conflicts} items appear in more than one shard, e.g. ${example}.`,
      );
    }
    await rename(partial, target);
  } finally {
    merged.destroy();
    await rm(partial, { force: true });
  }
}

async function summarise(
  request: RerenderRequest,
  context: { cwd: string; env: Record<string, string | undefined>; log?: (line: string) => void },
  run: { dirs: string[]; runs: RunFile[]; out: string; interrupted: boolean },
): Promise<{ summary: RunSummary; out: string; exitCode: 0 | 1 }> {
  const { dirs, runs, out } = run;
  const flags = request.flags;
  const first = runs[0]!;
  const options = first.options;
  const pick = (name: 'failUnder' | 'max' | 'maxRegression') =>
    (flags[name] as Record<string, number> | undefined) ?? options[name];
  // What the items cannot tell is kept from the summaries the run wrote: the suite's name, how the
  // split was made, how long the run took (the longest shard for a merge), the scorer's wording.
  const previous = await Promise.all(dirs.map((dir) => readPreviousSummary(dir, context.log)));
  const kept = previous.find((summary) => summary !== undefined);
  const durations = previous.flatMap((summary) => (summary === undefined ? [] : [summary.durationMs]));
  const { summary } = await writeRunOutputs({
    out,
    suite: {
      name: kept?.suite.name ?? first.suite,
      dataset: first.source,
      split: options.split && options.split !== 'all' ? options.split : null,
      ...(kept?.suite.splitInfo ? { splitInfo: kept.suite.splitInfo } : {}),
    },
    strategies: first.strategies.map((name) => ({
      name,
      description: first.strategyDescriptions?.[name] ?? '',
      role: first.strategyRoles?.[name] ?? 'strategy',
    })),
    baseline: typeof flags.baseline === 'string' ? flags.baseline : first.baseline,
    ...(first.pairs ? { pairs: first.pairs } : {}),
    gates: { failUnder: pick('failUnder'), max: pick('max'), maxRegression: pick('maxRegression') },
    seed: typeof flags.seed === 'number' ? flags.seed : options.seed,
    resamples: typeof flags.resamples === 'number' ? flags.resamples : options.resamples,
    repeat: options.repeat,
    scorer: {
      answerQuality: first.scorer,
      humanCleanup: kept?.scorer.humanCleanup ?? cleanupNormalisation,
      passThreshold: options.passThreshold,
      needsCleanupThreshold: options.cleanupThreshold,
      ...(first.summaryScorer ?? {}),
    },
    model: options.model ?? null,
    ...(first.replay ? { replay: first.replay } : {}),
    startedAt: Date.parse(first.createdAt),
    ...(durations.length > 0 ? { durationMs: Math.max(...durations) } : {}),
    interrupted: run.interrupted,
    // A shard re-rendered alone is still a shard; a merge is the whole run.
    ...(request.command === 'report' && kept?.shard ? { shard: kept.shard } : {}),
    cwd: context.cwd,
    env: context.env,
    ...(context.log ? { log: context.log } : {}),
  });
  // An interrupted run is incomplete: its gates cannot pass, whatever its numbers say so far.
  return { summary, out, exitCode: summary.gate.passed && !summary.interrupted ? 0 : 1 };
}
