import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { EvalError } from './eval-error.js';
import { cleanupNormalisation } from './metrics/targeted-cleanup.js';
import { forEachItem } from './report/parse-items.js';
import type { RunSummary } from './run-summary.js';
import { writeRunOutputs } from './write-run-outputs.js';

/** The summary a run folder already holds, if it can be read: what re-rendering keeps. */
async function readPreviousSummary(dir: string): Promise<RunSummary | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunSummary;
  } catch {
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
  const parsed = runFileSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
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
  for (const [index, run] of runs.entries()) {
    if (
      run.strategies.join() !== first.strategies.join() ||
      run.scorer !== first.scorer ||
      run.source !== first.source ||
      JSON.stringify(run.replay) !== JSON.stringify(first.replay)
    ) {
      throw new EvalError(
        'invalid-input',
        `${dirs[index]} was run with other strategies, scorer, dataset or replay mode than ${dirs[0]}: they cannot be merged.`,
      );
    }
  }
  const out = request.command === 'merge' ? resolve(context.cwd, String(flags.out)) : dirs[0]!;
  if (request.command === 'merge') {
    // Streamed shard by shard: the merged file is written as the shards are read, and only the
    // keys are kept to catch shards that overlap (disjoint shards never do).
    await mkdir(out, { recursive: true });
    const merged = createWriteStream(join(out, 'items.jsonl'), { encoding: 'utf8' });
    const owner = new Map<string, string>();
    let conflicts = 0;
    let example = '';
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
    await writeFile(join(out, 'run.json'), `${JSON.stringify({ ...first, mergedFrom: dirs }, null, 2)}\n`);
  }
  const options = first.options;
  const pick = (name: 'failUnder' | 'max' | 'maxRegression') =>
    (flags[name] as Record<string, number> | undefined) ?? options[name];
  // What the items cannot tell is kept from the summaries the run wrote: the suite's name, how the
  // split was made, how long the run took (the longest shard for a merge), the scorer's wording.
  const previous = await Promise.all(dirs.map(readPreviousSummary));
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
    interrupted: runs.some((run) => run.interrupted === true),
    // A shard re-rendered alone is still a shard; a merge is the whole run.
    ...(request.command === 'report' && kept?.shard ? { shard: kept.shard } : {}),
    cwd: context.cwd,
    env: context.env,
    ...(context.log ? { log: context.log } : {}),
  });
  // An interrupted run is incomplete: its gates cannot pass, whatever its numbers say so far.
  return { summary, out, exitCode: summary.gate.passed && !summary.interrupted ? 0 : 1 };
}
