import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { DelegateProfile } from '@baton/core';
import { z } from 'zod';
import { EvalError } from '../eval-error.js';
import type { ItemResult } from '../item-result.js';
import { formatEstimate, formatMs } from '../report/format-number.js';
import { forEachItem } from '../report/parse-items.js';
import { makeRunFolder } from '../run/make-run-folder.js';
import { buildDelegateProfile } from './build-profile.js';

/** The part of a run folder's `run.json` a profile needs; a folder without one is fine. */
const runFileSchema = z.looseObject({
  scorer: z.string().optional(),
  interrupted: z.boolean().optional(),
  options: z.looseObject({ split: z.string().optional(), seed: z.number().optional() }).optional(),
});

/** What `baton profile` produced. */
export interface ProfileCommandResult {
  profile: DelegateProfile;
  /** Where the profile was written. */
  file: string;
  /** A plain-text table of the agents, for stderr. */
  table: string;
}

/**
 * `baton profile <dirs…>`: reads the `items.jsonl` of one or more run folders (the latest line of
 * each item wins, as in a resumed run), builds a delegate performance profile from them, and writes
 * it as JSON (`--out`, default `profile.json` in the first folder).
 *
 * The profile lists every conversation it was measured on: `baton eval --profile` refuses to
 * evaluate any of them. Profile a run of the **train** side (`baton eval --split train`) to route
 * the test side by it.
 *
 * @throws EvalError `not-found` for a folder without `items.jsonl`, `invalid-input` for an invalid
 *   item, `usage` when no item measured an agent.
 */
export async function runProfileCommand(
  request: { dirs: readonly string[]; flags: Record<string, unknown> },
  context: { cwd: string },
): Promise<ProfileCommandResult> {
  const dirs = request.dirs.map((dir) => resolve(context.cwd, dir));
  const only = Array.isArray(request.flags.strategies)
    ? new Set(request.flags.strategies.map(String))
    : undefined;
  const items: ItemResult[] = [];
  const splits = new Set<string | null>();
  let seed: number | undefined;
  let quality: string | undefined;
  for (const dir of dirs) {
    const itemsFile = join(dir, 'items.jsonl');
    if (!existsSync(itemsFile))
      throw new EvalError('not-found', `${dir}: no items.jsonl (not a run folder).`);
    const run = await readRunFile(join(dir, 'run.json'));
    // A profile measured on part of a run would route by it as if it were whole.
    if (run?.interrupted === true || existsSync(join(dir, 'run.lock')))
      throw new EvalError(
        'usage',
        `${dir} is an incomplete run (interrupted, or still running): finish it with baton eval --resume first.`,
      );
    splits.add(run?.options?.split ?? null);
    seed ??= run?.options?.seed;
    quality ??= run?.scorer;
    const latest = new Map<string, ItemResult>();
    // A cut-off last line is an item lost: as incomplete as an interrupted run (see baton report).
    const { truncatedLine } = await forEachItem(itemsFile, { allowTruncatedTail: true }, (item) => {
      if (only && !only.has(item.strategy)) return;
      latest.set(JSON.stringify([item.strategy, item.itemId, item.repeat]), item);
    });
    if (truncatedLine !== undefined)
      throw new EvalError(
        'usage',
        `${dir} is an incomplete run (items.jsonl:${truncatedLine} was cut off): finish it with baton eval --resume first.`,
      );
    items.push(...latest.values());
  }
  const split = splits.size === 1 ? ([...splits][0] ?? null) : null;
  const profile = buildDelegateProfile(items, {
    seed: typeof request.flags.seed === 'number' ? request.flags.seed : (seed ?? 1),
    resamples: typeof request.flags.resamples === 'number' ? request.flags.resamples : 2000,
    runs: dirs.map((dir) => basename(dir)),
    quality: quality ?? 'answer quality as the runs scored it',
    split: split === 'all' ? null : split,
  });
  if (profile.agents.length === 0) {
    throw new EvalError(
      'usage',
      `no item of ${dirs.join(', ')} measured an agent${only ? ` among the strategies ${[...only].join(', ')}` : ''}.`,
    );
  }
  const file =
    typeof request.flags.out === 'string'
      ? resolve(context.cwd, request.flags.out)
      : join(dirs[0]!, 'profile.json');
  // Not mkdir({ recursive: true }), which spins without end under /proc (see makeRunFolder).
  await makeRunFolder(dirname(file));
  await writeFile(file, `${JSON.stringify(profile, null, 2)}\n`);
  return { profile, file, table: profileTable(profile) };
}

async function readRunFile(file: string): Promise<z.output<typeof runFileSchema> | undefined> {
  if (!existsSync(file)) return undefined;
  try {
    const parsed = runFileSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // run.json only adds the split, seed and scorer's wording: the items are what is profiled.
    return undefined;
  }
}

/**
 * The profile's agents, overall: quality, fallback and escalation rates with their intervals,
 * mean latency, and how many slices each was measured on.
 */
export function profileTable(profile: DelegateProfile): string {
  const header = ['agent', 'quality ↑', 'fallback ↓', 'escalation ↓', 'latency', 'slices'];
  const rows = profile.agents.map((agent) => [
    agent.agentId,
    `${formatEstimate(agent.overall.quality)} n=${agent.overall.quality.n}`,
    formatEstimate(agent.overall.fallbackRate),
    formatEstimate(agent.overall.escalationRate),
    formatMs(agent.overall.latencyMs.mean),
    String(agent.slices.length),
  ]);
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column]!.length)));
  const lines = [header, ...rows].map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd(),
  );
  const { source } = profile;
  lines.push(
    `${source.items} turns of ${source.conversations.length} conversations (split: ${source.split ?? 'mixed or unknown'}); strategies: ${source.strategies.join(', ')}`,
  );
  return lines.join('\n');
}
