import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DelegateProfile, intentClusterOf, type LabelledText, type Selector } from '@baton/core';
import type { SuiteAgents } from '../build-agents.js';
import type { Conversation } from '../dataset/conversation.js';
import { EvalError } from '../eval-error.js';
import type { ItemResult } from '../item-result.js';
import type { TextScoring } from '../metrics/text-scoring.js';
import { type InUnit, runEvaluation } from '../run-evaluation.js';
import type { ScoringThresholds } from '../score-item.js';
import type { Scorer } from '../scorer.js';
import { buildDelegateProfile } from './build-profile.js';
import { exploreStrategy } from './explore-strategy.js';
import { readDelegateProfile } from './read-profile.js';

/** The strategy that routes by measured performance, by its run name. */
export const measuredStrategyName = 'route-measured';

/**
 * Exploration rounds of the profiling pass: every train turn is answered by this many of its arms
 * (the front agent and a shortlist of two delegates, {@link measuredShortlistSize}), in a seeded
 * random order, at the price of two strategies' replay of the train side. Measuring all three arms
 * of every turn did no better in 5-fold cross-validation on the support suite's train split
 * (see the README) and costs half as much again.
 */
export const profileRounds = 2;

/**
 * Delegates the measured router chooses among (and the profiling pass explores), as ranked by the
 * trained router: two, besides the front agent. Chosen by 5-fold cross-validation on the support
 * suite's train split (see the README): ranking every delegate picks the luckiest-measured one
 * (the winner's curse) and explores arms that are never the answer.
 */
export const measuredShortlistSize = 2;

/** The profile a run's measured router uses, with what it was built from. */
export interface MeasuredProfile {
  profile: DelegateProfile;
  /** `train-split`/`train-file`: measured by this run's profiling pass; `file`: given with `--profile`. */
  source: 'train-split' | 'train-file' | 'file';
  /** The profile file (written by the pass, or given). */
  file: string;
  /** Labelled user turns the router may learn to describe requests from (intent clusters). */
  intentExamples: LabelledText[];
}

/**
 * Whether a run includes the measured router, decided before anything runs: it does when it is
 * requested and a profile can be had (`--profile`, or a train side to measure on). Requested by
 * default without either, it is left out with a log line; named explicitly, that is a usage error.
 *
 * @returns `true` when the run includes `route-measured` (and must prepare its profile).
 * @throws EvalError `usage` when it is named but cannot run, or named twice.
 */
export function includeMeasuredStrategy(options: {
  requested: readonly string[];
  explicit: boolean;
  profileFile?: string;
  train?: unknown;
  log: (line: string) => void;
}): boolean {
  const count = options.requested.filter((name) => name === measuredStrategyName).length;
  if (count === 0) return false;
  if (count > 1) throw new EvalError('usage', `Strategy "${measuredStrategyName}" is listed twice.`);
  if (options.profileFile !== undefined || options.train !== undefined) return true;
  const why = `${measuredStrategyName} needs a delegate profile measured on conversations that are not evaluated: with --split train or all there is no train side to measure on; pass --profile <file> (from baton profile).`;
  if (options.explicit) throw new EvalError('usage', why);
  options.log(`Left out ${measuredStrategyName}: ${why}`);
  return false;
}

/** Inputs of {@link prepareMeasuredProfile}. */
export interface PrepareMeasuredProfileInput {
  /** `--profile <file>`: use this profile instead of measuring one. */
  profileFile?: string;
  /** Conversations the router may learn from (see `trainSide`); `undefined` when there are none. */
  train?: { source: 'train-file' | 'train-split'; open: () => AsyncIterable<Conversation> };
  agents: SuiteAgents;
  /** Ranks the delegates the pass explores (the measured router's shortlist), e.g. the trained router. */
  shortlist: Selector;
  scorer: Scorer;
  /** Where the text scores are computed (the run's worker pool); default: on this thread. */
  textScoring?: TextScoring;
  thresholds: ScoringThresholds;
  concurrency: number;
  /** The run folder; the pass writes `profile/items.jsonl` and `profile/profile.json` in it. */
  out: string;
  resume: boolean;
  seed: number;
  resamples: number;
  signal: AbortSignal;
  log: (line: string) => void;
  /** Names each unit's model calls for a cassette, as the run does (see `RunModels.inUnit`). */
  inUnit?: InUnit;
}

/**
 * Gets the delegate profile for `route-measured` without ever looking at an evaluated
 * conversation: from `--profile <file>`, or by a **profiling pass** that replays the train side
 * ({@link profileRounds} rounds of `exploreStrategy`, scored like the run) into
 * `<out>/profile/items.jsonl` and builds `<out>/profile/profile.json` from it. `--resume` reuses a
 * finished pass. Also collects the train side's intent-labelled user turns, which the router's
 * request describer learns intent clusters from.
 *
 * @returns The profile and where it came from.
 * @throws EvalError `usage` when there is neither a file nor a train side (see
 *   {@link includeMeasuredStrategy}, which decides that first), or the run folder holds another run;
 *   `invalid-input` for an invalid profile file.
 */
export async function prepareMeasuredProfile(input: PrepareMeasuredProfileInput): Promise<MeasuredProfile> {
  const intentExamples: LabelledText[] = [];
  const collectIntents = async function* (conversations: AsyncIterable<Conversation>) {
    for await (const conversation of conversations) {
      for (const turn of conversation.turns) {
        if (turn.role === 'user' && turn.intent) {
          intentExamples.push({ text: turn.text, labels: [intentClusterOf(turn.intent)] });
        }
      }
      yield conversation;
    }
  };
  if (input.profileFile !== undefined) {
    const profile = await readDelegateProfile(input.profileFile);
    if (input.train) for await (const _ of collectIntents(input.train.open()));
    return { profile, source: 'file', file: input.profileFile, intentExamples };
  }
  if (!input.train) {
    throw new EvalError(
      'usage',
      `${measuredStrategyName} needs --profile <file> or a train side to measure on.`,
    );
  }
  const folder = join(input.out, 'profile');
  const file = join(folder, 'profile.json');
  const itemsFile = join(folder, 'items.jsonl');
  if (existsSync(join(input.out, 'items.jsonl')) && !input.resume) {
    throw new EvalError(
      'usage',
      `${input.out} already holds a run: pass --resume to continue it, or choose another --out.`,
    );
  }
  if (input.resume && existsSync(file)) {
    const profile = await readDelegateProfile(file);
    for await (const _ of collectIntents(input.train.open()));
    input.log(`Reusing the profile of ${input.out} for ${measuredStrategyName}.`);
    return { profile, source: input.train.source, file, intentExamples };
  }
  // An unfinished pass is redone from the start: a profile must come from one whole pass.
  await rm(itemsFile, { force: true });
  await mkdir(folder, { recursive: true });
  input.log(
    `Profiling the delegates for ${measuredStrategyName} on the ${input.train.source === 'train-file' ? '--train conversations' : 'train side of the split'} (${profileRounds} exploration rounds)…`,
  );
  const strategies = Array.from({ length: profileRounds }, (_, index) => {
    const strategy = exploreStrategy({
      round: index + 1,
      seed: input.seed,
      shortlist: { selector: input.shortlist, size: measuredShortlistSize },
    });
    return { name: strategy.name, strategy };
  });
  // The items are kept as they are scored (the file is the record; reading it back would parse and
  // validate every line again).
  const items: ItemResult[] = [];
  const result = await runEvaluation({
    conversations: collectIntents(input.train.open()),
    agents: input.agents,
    strategies,
    scorer: input.scorer,
    ...(input.textScoring ? { textScoring: input.textScoring } : {}),
    thresholds: input.thresholds,
    concurrency: input.concurrency,
    repeat: 1,
    out: folder,
    signal: input.signal,
    ...(input.inUnit ? { inUnit: input.inUnit } : {}),
    onItem: (item) => {
      items.push(item);
    },
  });
  const profile = buildDelegateProfile(items, {
    seed: input.seed,
    resamples: input.resamples,
    runs: [folder],
    quality: input.scorer.description,
    split: input.train.source === 'train-split' ? 'train' : null,
  });
  if (result.interrupted) {
    // The run stops right after (its signal is aborted); no profile file, so --resume redoes the pass.
    input.log('Interrupted while profiling the delegates.');
    return { profile, source: input.train.source, file, intentExamples };
  }
  await writeFile(file, `${JSON.stringify(profile, null, 2)}\n`);
  input.log(
    `Profiled ${profile.agents.length} agents on ${profile.source.conversations.length} conversations (${items.length} turns): ${file}`,
  );
  return { profile, source: input.train.source, file, intentExamples };
}
