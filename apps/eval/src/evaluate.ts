import { existsSync } from 'node:fs';
import { mkdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { LabelledText } from '@baton/core';
import { setupTracing, type Tracing, type TracingShutdownReport } from '@baton/tracing';
import { addPairwiseJudgements } from './add-pairwise-judgements.js';
import { type AnswerRow, floorProbes, recordedRow, rowNames } from './answer-rows.js';
import { buildAgents } from './build-agents.js';
import { parseColumnMapping } from './dataset/column-mapping.js';
import type { Conversation } from './dataset/conversation.js';
import {
  dataBytes,
  dataFiles,
  type ReadConversationsOptions,
  readConversations,
} from './dataset/load-conversations.js';
import { loadSuite, type Suite } from './dataset/load-suite.js';
import { readSplit, type SplitPart } from './dataset/split.js';
import { createSplitAssigner, type SplitAssigner } from './dataset/split-assigner.js';
import type { EvalConfig, EvalOptions } from './eval-config.js';
import { EvalError, toFileError } from './eval-error.js';
import { createFitJudge, createUserSimulator, type FreeRunSettings } from './free-run/index.js';
import type { ItemResult } from './item-result.js';
import { langfuseConversations, langfuseSourcePrefix } from './langfuse-conversations.js';
import { langfuseForRun, startLangfuseExperiment } from './langfuse-experiment.js';
import {
  limitHeapGrowth,
  scoreWorkerLimits,
  summaryHeapGrowth,
  turnsHeapGrowth,
} from './limit-heap-growth.js';
import { llmJudgeScorer } from './llm-judge-scorer.js';
import { cleanupNormalisation } from './metrics/targeted-cleanup.js';
import { createTextScorePool, defaultScoreThreads } from './metrics/text-score-pool.js';
import { inlineTextScoring, type TextScoring } from './metrics/text-scoring.js';
import { nuggetScorer } from './nugget-scorer.js';
import {
  includeMeasuredStrategy,
  type MeasuredProfile,
  measuredStrategyName,
  prepareMeasuredProfile,
} from './profile/prepare-measured-profile.js';
import { refuseProfiledConversations } from './profile/refuse-profiled.js';
import { trainSide } from './profile/train-side.js';
import { pushToLangfuse } from './push-to-langfuse.js';
import { referenceScorer } from './reference-scorer.js';
import type { ReplayTurn } from './replay-turn.js';
import { replayTurns } from './replay-turn.js';
import {
  acquireRunLock,
  compactItems,
  LineBatcher,
  makeRunFolder,
  type RunLock,
  toRunFolderError,
} from './run/index.js';
import type { FinishedUnit, NamedStrategy } from './run-evaluation.js';
import { runEvaluation, unitKey } from './run-evaluation.js';
import type { RunModels } from './run-models.js';
import type { ReplaySummary, RunSummary, SplitInfo } from './run-summary.js';
import type { Scorer } from './scorer.js';
import {
  builtInStrategies,
  defaultStrategyNames,
  measuredShortlist,
  type StrategyFactoryContext,
} from './strategy-registry.js';
import { parseGateRules } from './summary/gate.js';
import { turnConcurrency } from './turn-concurrency.js';
import { runIdOf, writeRunOutputs } from './write-run-outputs.js';

/** Where a run reads from and writes to, and how it reports. */
export interface EvaluateEnvironment {
  /** Folder that relative paths are resolved against. Default: the process's working directory. */
  cwd?: string;
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Human-readable progress and warnings (stderr in the CLI). */
  log?: (line: string) => void;
  /** Called after each finished item. */
  onItem?: (item: ItemResult, done: number) => void;
  /** Called once the number of work items is known (for a progress bar). */
  onPlan?: (plan: { conversations: number; turns: number; items: number }) => void;
}

/** What {@link evaluate} produced. */
export interface EvaluateResult {
  summary: RunSummary;
  out: string;
  /**
   * 0 pass, 1 gate failed, 4 the gates passed but Langfuse did not acknowledge everything pushed
   * (kept in the run folder for `baton push`), 130 interrupted.
   */
  exitCode: 0 | 1 | 4 | 130;
}

/**
 * Runs an evaluation end to end, as `baton eval` does: loads the suite and the recorded
 * conversations, builds the agents and strategies, replays every turn teacher-forced, scores it,
 * and writes `items.jsonl`, `summary.json`, `report.md`, `junit.xml` and `report.html` to the run
 * folder (plus traces, and Langfuse dataset runs when configured).
 *
 * @example
 * ```ts
 * const { summary, exitCode } = await evaluate({ strategies: ['solo', 'verify-recover'] });
 * ```
 */
export async function evaluate(
  options: EvalOptions,
  config: Pick<EvalConfig, 'customStrategies' | 'scorers'> = {},
  environment: EvaluateEnvironment = {},
): Promise<EvaluateResult> {
  const held: HeldRunFolder = {};
  try {
    return await evaluateInFolder(options, config, environment, held);
  } catch (error) {
    // A file-system problem with --out is the user's to fix: one line and exit 2, never exit 3.
    throw held.out === undefined ? error : toRunFolderError(error, held.out);
  } finally {
    await held.textScoring?.close();
    await held.lock?.release();
  }
}

/** The run folder {@link evaluate} holds, once it is known, so it is released however the run ends. */
interface HeldRunFolder {
  out?: string;
  lock?: RunLock;
  /** The run's text scoring, closed (its workers ended) however the run ends. */
  textScoring?: TextScoring;
}

async function evaluateInFolder(
  options: EvalOptions,
  config: Pick<EvalConfig, 'customStrategies' | 'scorers'>,
  environment: EvaluateEnvironment,
  held: HeldRunFolder,
): Promise<EvaluateResult> {
  const started = Date.now();
  const env = environment.env ?? process.env;
  const cwd = environment.cwd ?? process.cwd();
  const log = environment.log ?? (() => undefined);
  const at = (path: string) => resolve(cwd, path);

  const suiteFile = options.suite ? at(options.suite) : findSuite(cwd);
  const suite = await loadSuite(suiteFile);
  // `langfuse:<name>` reads a Langfuse dataset: all of it (a split file names conversations of the
  // suite's files, not of a dataset), with the suite's agents, knowledge and training data.
  const langfuseDataset = options.dataset?.startsWith(langfuseSourcePrefix)
    ? options.dataset.slice(langfuseSourcePrefix.length)
    : undefined;
  if (langfuseDataset?.trim() === '') {
    throw new EvalError(
      'usage',
      `--dataset ${langfuseSourcePrefix} needs a dataset name, e.g. langfuse:support-v1`,
    );
  }
  const source =
    langfuseDataset !== undefined
      ? `${langfuseSourcePrefix}${langfuseDataset}`
      : options.dataset
        ? at(options.dataset)
        : suite.conversations;
  // The split holds for whatever is read: ids the split file lists go where it says, any other id
  // is placed by a seeded hash. The trained routers learn from the train side of the very data
  // being evaluated and never see an evaluated conversation.
  const splitFile = suite.split ? await readSplit(suite.split) : undefined;
  const assigner = createSplitAssigner(splitFile, {
    ...(splitFile ? { seed: String(splitFile.seed) } : {}),
  });
  const part: SplitPart | undefined = options.split === 'all' ? undefined : options.split;
  const mapping = options.map ? parseColumnMapping(options.map) : suite.mapping;
  // A mapping names CSV columns; given for data with no CSV file it would change nothing, so a user
  // who thinks it did is told rather than shown numbers from the file's own columns.
  if (options.map)
    await refuseMapWithoutCsv(
      langfuseDataset === undefined ? source : undefined,
      options.train ? at(options.train) : undefined,
    );
  const readOptions = { onInvalid: options.onInvalid, ...(mapping ? { mapping } : {}) };
  const readTraining = () =>
    langfuseDataset !== undefined
      ? langfuseConversations({ ...readOptions, name: langfuseDataset, env, onInvalid: 'skip' })
      : readConversations(source, { ...readOptions, onInvalid: 'skip' });
  const training = await collectTraining({
    suite,
    part,
    assigner,
    ...(options.train ? { trainSource: at(options.train) } : {}),
    readOptions,
    read: readTraining,
  });
  const trainingExamples = training.examples;

  if (options.record && options.replay)
    throw new EvalError('usage', 'Pass either --record or --replay, not both.');
  // Whether a model is called live rather than replayed (or not at all); with a deployed A2A
  // delegate, whether any turn waits on a host. They set the defaults of the turns in flight and of
  // the heap's growth.
  const namesModel = [options.model, options.judge, options.userModel, options.embeddingModel].some(
    (name) => name !== undefined,
  );
  const callsLiveModel = !options.replay && namesModel;
  const concurrency = turnConcurrency({
    ...(options.concurrency !== undefined ? { chosen: options.concurrency } : {}),
    callsLiveHost: callsLiveModel || suite.agents.some((agent) => agent.kind === 'a2a'),
  });
  if (options.userModel && !options.freeRun)
    throw new EvalError('usage', '--user-model plays the customer of a free run: add --free-run.');
  // A cassette holds the calls of the models the run names; without one it would be ignored.
  if ((options.record ?? options.replay) !== undefined && !namesModel)
    throw new EvalError(
      'usage',
      `--${options.record ? 'record' : 'replay'} holds the calls of the models a run names (--model, --judge, --user-model, --embedding-model); this run names none.`,
    );
  // A setup fault (a cassette miss, a rejected key) stops the whole run with exit 2 instead of
  // failing every turn quietly.
  const setupFailure = new AbortController();
  let setupError: Error | undefined;
  const onSetupError = (error: Error) => {
    setupError ??= error;
    setupFailure.abort(error);
  };
  // The model clients load only for a run that names a model or a cassette: a run that needs none
  // never loads `run-models.ts`, and with it the providers and the `openai` SDK (~185 modules: about
  // a tenth of a second and 7 MB of the process's start).
  const needsModels = namesModel || options.replay !== undefined || options.record !== undefined;
  const { model, judge, userModel, embeddingModel, inUnit }: RunModels = needsModels
    ? (await import('./run-models.js')).openRunModels(options, { env, at, concurrency, onSetupError })
    : {};
  const freeRun: FreeRunSettings | undefined = options.freeRun
    ? {
        rule: { minRecall: options.fitRecall },
        ...(judge ? { judge: createFitJudge({ model: judge }) } : {}),
        ...(userModel ? { userSimulator: createUserSimulator({ model: userModel }) } : {}),
        maxSimulatedTurns: options.maxSimulatedTurns,
      }
    : undefined;
  const replay: ReplaySummary = freeRun
    ? {
        mode: 'free-run',
        fit: freeRun.judge
          ? `judge ${freeRun.judge.model} (structured verdict per answer)`
          : `rule: nugget recall ≥ ${options.fitRecall} and no question the recorded reply did not ask`,
        userModel: freeRun.userSimulator?.model ?? null,
        maxSimulatedTurns: options.maxSimulatedTurns,
      }
    : { mode: 'teacher-forced' };
  const runSignal = environment.signal
    ? AbortSignal.any([environment.signal, setupFailure.signal])
    : setupFailure.signal;
  const openConversations = (read: ReadConversationsOptions) =>
    langfuseDataset !== undefined
      ? langfuseConversations({ ...read, name: langfuseDataset, env, signal: runSignal })
      : readConversations(source, read);
  // The turns' objects (the agents with their knowledge indexes and memos, the strategies, the
  // tracing) are locals of this inner function and die with it. An async function keeps every
  // local alive until it returns, so declared in evaluateInFolder itself they would last through the
  // summary: a heap snapshot at its start on 10,000 generated conversations found 36 MB of 78 MB live
  // held only that way.
  const turnPhase = await (async () => {
    const agentMode = options.agents ?? (model ? 'llm' : 'retrieval');
    const agents = await buildAgents(suite, { mode: agentMode, ...(model ? { model } : {}) });

    const context: StrategyFactoryContext = {
      ...(model ? { model } : {}),
      ...(embeddingModel ? { embeddingModel } : {}),
      trainingExamples,
      articles: agents.articles,
      agentMode,
    };
    const requested = options.strategies ?? [
      ...defaultStrategyNames({
        hasModel: model !== undefined,
        hasEmbeddingModel: embeddingModel !== undefined,
      }),
      ...Object.keys(config.customStrategies ?? {}),
      recordedRow.name,
    ];
    for (const name of Object.keys(config.customStrategies ?? {})) {
      if (rowNames.has(name))
        throw new EvalError('usage', `"${name}" is a built-in row name; rename the strategy.`);
    }
    // The measured router routes by a profile measured on conversations that are never evaluated:
    // the train side (a profiling pass, below) or --profile.
    const profileSource = trainSide({
      part,
      assigner,
      ...(options.train ? { trainSource: at(options.train) } : {}),
      readOptions: { ...readOptions, onInvalid: 'skip' },
      read: readTraining,
    });
    const measuredIncluded =
      config.customStrategies?.[measuredStrategyName] === undefined &&
      includeMeasuredStrategy({
        requested,
        explicit: options.strategies !== undefined,
        ...(options.profile ? { profileFile: at(options.profile) } : {}),
        ...(profileSource ? { train: profileSource } : {}),
        log,
      });
    const names = requested.filter(
      (name) =>
        !rowNames.has(name) &&
        (name !== measuredStrategyName || measuredIncluded || config.customStrategies?.[name] !== undefined),
    );
    // Every other strategy is built (and its name checked) first: a usage error never waits for the
    // profiling pass. The measured router is built once its profile exists.
    const built = resolveStrategies(
      names.filter((name) => !(measuredIncluded && name === measuredStrategyName)),
      context,
      config.customStrategies ?? {},
    );
    // The floor probes run in every run; the recorded bot by default or when named.
    const rows: AnswerRow[] = [
      ...(requested.includes(recordedRow.name) ? [recordedRow] : []),
      ...floorProbes.filter((probe) => !names.includes(probe.name)),
    ];
    const baseline = options.baseline ?? (names.includes('solo') ? 'solo' : (names[0] ?? recordedRow.name));
    if (!names.includes(baseline) && !(baseline === recordedRow.name && rows.includes(recordedRow))) {
      throw new EvalError(
        'usage',
        `--baseline ${baseline} is not among the strategies (${names.join(', ')}).`,
      );
    }
    const rubric = options.judgeRubric
      ? await readFile(at(options.judgeRubric), 'utf8').catch((error: unknown) => {
          throw toFileError(error, options.judgeRubric!);
        })
      : undefined;
    // Before the scoring workers start: their heaps follow the same V8 setting.
    const heapGrowth = turnsHeapGrowth({
      ...(options.heapGrowth !== undefined ? { chosen: options.heapGrowth } : {}),
      callsLiveModel,
      ...(langfuseDataset === undefined ? { datasetBytes: await dataBytes(source) } : {}),
    });
    if (heapGrowth !== undefined) limitHeapGrowth(heapGrowth);
    const scoreThreads = options.scoreThreads ?? defaultScoreThreads();
    const workerLimits = scoreWorkerLimits(heapGrowth);
    const textScoring =
      scoreThreads > 0
        ? createTextScorePool({
            threads: scoreThreads,
            ...(workerLimits ? { resourceLimits: workerLimits } : {}),
          })
        : inlineTextScoring();
    held.textScoring = textScoring;
    const scorer: Scorer = judge
      ? llmJudgeScorer({ model: judge, ...(rubric ? { rubric } : {}) })
      : options.qualityMetric === 'nuggets'
        ? nuggetScorer({ textScoring })
        : referenceScorer({ metric: options.qualityMetric });
    // The pluggable scorers, by name: gates may name them, and the reports say what each measures.
    const customScorers = customScorerInfo(config.scorers ?? []);
    // Gate options are checked before anything is replayed, not after.
    const gateRules = parseGateRules(
      { failUnder: options.failUnder, max: options.max, maxRegression: options.maxRegression },
      { customMetrics: Object.keys(customScorers) },
    );
    if (
      gateRules.some((rule) => rule.kind === 'max-regression') &&
      names.every((name) => name === baseline)
    ) {
      throw new EvalError(
        'usage',
        `--max-regression compares strategies with the baseline, and this run has only the baseline (${baseline}): add a strategy, or use --fail-under / --max.`,
      );
    }
    // A new default folder never holds a run to continue: --resume without --out would silently
    // replay everything in a fresh folder.
    if (options.resume && options.out === undefined)
      throw new EvalError('usage', '--resume continues the run in --out: name its folder with -o/--out.');
    const out = at(options.out ?? join('.baton', 'runs', new Date().toISOString().replace(/[:.]/g, '-')));
    // The run folder exists and is this run's alone before anything is written to it: a second run
    // on it stops here, naming the holder's pid.
    held.out = out;
    await makeRunFolder(out);
    held.lock = await acquireRunLock(out, { log });
    const measured: MeasuredProfile | undefined = measuredIncluded
      ? await prepareMeasuredProfile({
          ...(options.profile ? { profileFile: at(options.profile) } : {}),
          ...(profileSource ? { train: profileSource } : {}),
          agents,
          shortlist: measuredShortlist(context),
          scorer,
          textScoring,
          thresholds: {
            passThreshold: options.passThreshold,
            needsCleanupThreshold: options.cleanupThreshold,
          },
          concurrency,
          out,
          resume: options.resume,
          seed: options.seed,
          resamples: options.resamples,
          signal: runSignal,
          log,
          ...(inUnit ? { inUnit } : {}),
        })
      : undefined;
    if (measured) {
      context.profile = measured.profile;
      context.intentExamples = measured.intentExamples;
    }
    const strategies = names.map((name) =>
      measured && name === measuredStrategyName
        ? resolveStrategies([name], context, config.customStrategies ?? {})[0]!
        : built.find((entry) => entry.name === name)!,
    );
    // Strategies compared pairwise with a rival besides the baseline (route-measured vs route-trained).
    const pairs = names.flatMap((name) => {
      const rival = config.customStrategies?.[name] ? undefined : builtInStrategies[name]?.compareWith;
      return rival !== undefined && names.includes(rival) && name !== baseline && rival !== baseline
        ? [{ candidate: name, baseline: rival }]
        : [];
    });
    const runEntries = [
      ...strategies.map((entry) => ({
        name: entry.name,
        description: entry.strategy.description,
        role: 'strategy' as const,
      })),
      ...rows.map((row) => ({ name: row.name, description: row.description, role: row.role })),
    ];
    const itemsFile = join(out, 'items.jsonl');
    const unitsFile = join(out, 'units.jsonl');
    let skipUnits = new Set<string>();
    const shard = options.shard ? parseShard(options.shard) : undefined;
    const runFile = join(out, 'run.json');
    const run = {
      version: 1,
      createdAt: new Date(started).toISOString(),
      suite: suite.file,
      source,
      // Options hold paths and names, never secrets (keys come from the environment).
      options,
      strategies: runEntries.map((entry) => entry.name),
      strategyDescriptions: Object.fromEntries(runEntries.map((entry) => [entry.name, entry.description])),
      strategyRoles: Object.fromEntries(runEntries.map((entry) => [entry.name, entry.role])),
      baseline,
      scorer: scorer.description,
      ...(judge || Object.keys(customScorers).length > 0
        ? {
            summaryScorer: {
              ...(judge
                ? { judgeModel: `${judge.provider}:${judge.modelId}`, rubric: rubric ?? 'default' }
                : {}),
              ...(Object.keys(customScorers).length > 0 ? { custom: customScorers } : {}),
            },
          }
        : {}),
      agentMode,
      replay,
      ...(pairs.length > 0 ? { pairs } : {}),
      ...(measured ? { profile: { source: measured.source, file: measured.file } } : {}),
    };
    if (existsSync(itemsFile)) {
      if (!options.resume) {
        throw new EvalError(
          'usage',
          `${out} already holds a run: pass --resume to continue it, or choose another --out.`,
        );
      }
      const previous = existsSync(runFile) ? await readPreviousRunFile(runFile) : undefined;
      const differences = previous ? resumeDifferences(previous, run) : ['run.json is missing'];
      if (differences.length > 0) {
        throw new EvalError(
          'usage',
          `--resume: ${out} was run with other settings (${differences.join(', ')}); use another --out.`,
        );
      }
      run.createdAt = previous?.createdAt ?? run.createdAt;
      // An interrupted write can leave half a line; appending after it would corrupt the file.
      for (const file of [itemsFile, unitsFile]) {
        const cut = await cutTornTail(file);
        if (cut > 0) log(`${file}: removed ${cut} bytes of an unfinished line.`);
      }
      skipUnits = await readDoneUnits(unitsFile);
      // Exactly one line per item from here on: lines of units that never finished go (their units
      // are replayed whole), and so do earlier copies of an item.
      const compacted = await compactItems(itemsFile, { doneUnits: skipUnits, unitKeyOf: unitKey });
      const dropped = compacted.unfinished + compacted.superseded + compacted.unreadable;
      if (dropped > 0)
        log(
          `${itemsFile}: dropped ${dropped} line${dropped === 1 ? '' : 's'} (${compacted.unfinished} of unfinished units, ${compacted.superseded} superseded, ${compacted.unreadable} unreadable).`,
        );
      log(`Resuming ${out}: ${skipUnits.size} strategy × conversation units already done.`);
    } else if (options.resume) {
      log(`--resume: ${out} holds no run yet; starting a new one.`);
    }
    await mkdir(out, { recursive: true });
    // Marked incomplete until the summary is written: a run that dies (kill -9, a crash, a CI
    // timeout, a data error) must not pass for a finished one in `baton report`, `merge` or `profile`.
    await writeFile(runFile, `${JSON.stringify({ ...run, interrupted: true }, null, 2)}\n`);

    // Whether to push, and the run folder's pending file for what Langfuse does not acknowledge.
    const langfuse = langfuseForRun({ flag: options.langfuse, env, out, log });
    const langfuseOn = langfuse !== undefined;
    const suiteOfRun = {
      name: suite.name,
      dataset: source,
      split: part ?? null,
    };
    // The dataset exists before the replay, so every trace can name its experiment run and item.
    const experiment = langfuse
      ? await startLangfuseExperiment({
          suite: suiteOfRun,
          runId: runIdOf(out),
          // Rows without a team (probes, the recorded bot) have no traces and are not pushed.
          strategies: strategies.map((entry) => ({
            name: entry.name,
            description: entry.strategy.description,
          })),
          runMetadata: { scorer: scorer.description, model: options.model ?? null, baseline },
          env,
          log,
          pending: langfuse.pending,
        })
      : undefined;
    const traceIds = new Map<string, string>();
    let tracing: Tracing | undefined;
    if (options.trace || langfuseOn) {
      tracing = setupTracing({
        env,
        jsonl: options.trace ? { path: join(out, 'traces.jsonl') } : false,
        consoleSummary: false,
        langfuse: langfuse ? { ...langfuse.options, pending: langfuse.pending } : false,
        logger: { warn: (message: string) => log(`warning: ${message}`) },
        onTurnEnd: (trace: { turnId: string; traceId: string }) => {
          traceIds.set(trace.turnId, trace.traceId);
        },
        ...(experiment ? { experimentOf: experiment.experimentOf } : {}),
      });
    }
    const listener = tracing?.listener;
    let tracingReport: TracingShutdownReport | undefined;

    // A conversation the measured router's profile was measured on stops the run, like one the
    // trained routers learned from.
    const refuseProfiled = (conversations: AsyncIterable<Conversation>) =>
      measured
        ? refuseProfiledConversations(conversations, {
            conversations: new Set(measured.profile.source.conversations),
            from: measured.file,
          })
        : conversations;
    const selection = {
      ...(part ? { assigner, part } : {}),
      trainingIds: training.conversationIds,
      ...(shard ? { shard } : {}),
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
      ...(options.filter !== undefined ? { filter: new RegExp(options.filter) } : {}),
    };
    // A free run's length is not known in advance (divergence, simulated turns): no total then.
    if (environment.onPlan && !freeRun) {
      // A streaming pre-pass (ids and counts only, memory stays flat) so progress can show a total.
      let conversations = 0;
      let turns = 0;
      let items = 0;
      const quiet = { ...readOptions, onInvalid: 'skip' as const };
      for await (const conversation of refuseProfiled(
        selectConversations(openConversations(quiet), selection),
      )) {
        const count = replayTurns(conversation).length;
        conversations += 1;
        turns += count;
        for (let repeat = 0; repeat < options.repeat; repeat += 1) {
          for (const { name } of runEntries)
            if (!skipUnits.has(unitKey(name, conversation.id, repeat))) items += count;
        }
      }
      environment.onPlan({ conversations, turns, items });
    }
    const stream = openConversations(readOptions);
    const selected = refuseProfiled(selectConversations(stream, selection));
    let done = 0;
    let result: Awaited<ReturnType<typeof runEvaluation>>;
    // One open file for the run's finished units (a unit per conversation × strategy: opening and
    // closing the file for each cost more than the unit's own turn in an LLM run of short chats),
    // written in batches like the items. A failed write fails the run.
    const units = new LineBatcher(unitsFile);
    try {
      result = await runEvaluation({
        conversations: selected,
        agents,
        strategies,
        rows,
        scorer,
        scorers: config.scorers ?? [],
        textScoring,
        ...(freeRun ? { freeRun } : {}),
        thresholds: { passThreshold: options.passThreshold, needsCleanupThreshold: options.cleanupThreshold },
        concurrency,
        repeat: options.repeat,
        out,
        skipUnits,
        ...(inUnit ? { inUnit } : {}),
        signal: runSignal,
        ...(options.turnTimeout !== undefined ? { turnTimeoutMs: options.turnTimeout } : {}),
        ...(listener ? { onEvent: experiment ? experiment.listen(listener) : listener } : {}),
        // Asked once per item, right after its turn: taken out, so the map holds in-flight turns only.
        traceIdOf: (turnId) => {
          const traceId = traceIds.get(turnId);
          traceIds.delete(turnId);
          return traceId;
        },
        onItem: (item) => {
          done += 1;
          environment.onItem?.(item, done);
        },
        // Called once the unit's items are written (see runEvaluation); a mark lost in a crash
        // only makes --resume replay its unit.
        onUnitDone: (unit) => units.append(JSON.stringify(unit)),
        ...(experiment
          ? {
              onConversation: (_conversation: Conversation, turns: readonly ReplayTurn[]) =>
                experiment.addTurns(turns),
            }
          : {}),
      });
    } finally {
      // Waits for the span export as long as Langfuse acknowledges it (see BATON_LANGFUSE_STALL_TIMEOUT).
      await units.close();
      if (tracing) tracingReport = await tracing.shutdown();
      // Every text score is in: the workers' heaps go before the summary reads the items back.
      await textScoring.close();
      held.textScoring = undefined;
    }
    return {
      out,
      run,
      runFile,
      itemsFile,
      runEntries,
      strategyCount: strategies.length,
      baseline,
      pairs,
      shard,
      heapGrowth,
      rubric,
      customScorers,
      scorerDescription: scorer.description,
      suiteOfRun,
      experiment,
      tracingReport,
      result,
      // What the summary says of the measured router's profile: its numbers, not the profile.
      profileInfo: measured
        ? {
            source: measured.source,
            file: measured.file,
            conversations: measured.profile.source.conversations.length,
            items: measured.profile.source.items,
          }
        : undefined,
      read: stream.summary,
    };
  })();
  const {
    out,
    run,
    runFile,
    itemsFile,
    runEntries,
    strategyCount,
    baseline,
    pairs,
    shard,
    heapGrowth,
    rubric,
    customScorers,
    scorerDescription,
    suiteOfRun,
    experiment,
    tracingReport,
    result,
    profileInfo,
    read,
  } = turnPhase;
  if (setupError) {
    throw new EvalError('invalid-input', `stopped: ${setupError.message.split('\n')[0]}`, {
      cause: setupError,
    });
  }
  if (result.conversations === 0 && !result.interrupted && shard) {
    // A shard of a small suite can be empty; the merge still counts its (absent) items.
    log(`warning: shard ${shard.index}/${shard.count} holds no conversation to evaluate.`);
  } else if (result.conversations === 0 && !result.interrupted) {
    const first = read.issues[0] ? `; the first: ${read.issues[0].message}` : '';
    const why =
      read.read === 0 && read.skipped > 0
        ? `all ${read.skipped} conversations read were invalid (--on-invalid skip${first})`
        : read.read === 0
          ? `no conversation was read${first}`
          : options.filter !== undefined
            ? `no id of the ${read.read} conversations read matches --filter ${options.filter}${part === undefined ? '' : ` on the ${part} side of the split`}`
            : part !== undefined
              ? `none of the ${read.read} conversations read is on the ${part} side of the split (try --split all)`
              : `the dataset has no user turn to replay (${read.read} conversations read)`;
    throw new EvalError('invalid-input', `nothing was evaluated: ${why}.`);
  }
  if (read.skipped > 0) {
    log(`Skipped ${read.skipped} invalid conversation${read.skipped === 1 ? '' : 's'} (--on-invalid skip):`);
    for (const issue of read.issues.slice(0, 10)) log(`  ${issue.message}`);
    const more = read.issues.length - 10 + read.omittedIssues;
    if (more > 0) log(`  … and ${more} more`);
  }
  if (result.interrupted)
    await writeFile(runFile, `${JSON.stringify({ ...run, interrupted: true }, null, 2)}\n`);

  if (freeRun && judge && strategyCount > 1) {
    // Each strategy answered its own history: there are no identical inputs to judge side by side.
    log('Free run: no pairwise judgements (the strategies answered different histories).');
  } else if (judge && strategyCount > 1 && !result.interrupted) {
    // Pairwise judgements against the baseline, in both orders, after every answer exists.
    const judged = await addPairwiseJudgements({
      out,
      judge,
      baseline,
      concurrency,
      ...(environment.signal ? { signal: environment.signal } : {}),
      ...(inUnit ? { inUnit } : {}),
    });
    log(`Judged ${judged} answers pairwise against ${baseline} (both orders).`);
    // Judgements append their items again (the latest line wins): back to one line per item.
    // Without them every item was written once (a resumed run was compacted before it went on), so
    // the two passes over the file are spared: on a large run they parse every item twice more.
    await compactItems(itemsFile, { unitKeyOf: unitKey });
  }
  // The turns are done: the summary's short-lived data need not let the heap grow as far as V8's
  // own factor would; a growth the turns ran under (chosen, or a live model's, or a large
  // dataset's) is kept.
  if (heapGrowth === undefined) limitHeapGrowth(summaryHeapGrowth);
  const { summary } = await writeRunOutputs({
    out,
    suite: {
      ...suiteOfRun,
      splitInfo: {
        ...splitInfoOf(part, assigner, training),
        ...(profileInfo ? { profile: profileInfo } : {}),
      },
    },
    strategies: runEntries,
    baseline,
    ...(pairs.length > 0 ? { pairs } : {}),
    gates: { failUnder: options.failUnder, max: options.max, maxRegression: options.maxRegression },
    seed: options.seed,
    resamples: options.resamples,
    repeat: options.repeat,
    scorer: {
      answerQuality: scorerDescription,
      ...(judge ? { judgeModel: `${judge.provider}:${judge.modelId}`, rubric: rubric ?? 'default' } : {}),
      humanCleanup: judge
        ? `${cleanupNormalisation}, against the judge's minimal post-edit of the answer`
        : `${cleanupNormalisation}, against a targeted reference built from the answer and the human reply`,
      passThreshold: options.passThreshold,
      needsCleanupThreshold: options.cleanupThreshold,
      ...(Object.keys(customScorers).length > 0 ? { custom: customScorers } : {}),
    },
    model: options.model ?? null,
    replay,
    startedAt: started,
    interrupted: result.interrupted,
    ...(shard ? { shard } : {}),
    cwd,
    env,
    log,
  });
  if (!result.interrupted) await writeFile(runFile, `${JSON.stringify(run, null, 2)}\n`);
  const pushed = experiment
    ? await pushToLangfuse({ summary, itemsFile, experiment, spans: tracingReport, out, log })
    : undefined;
  const exitCode = result.interrupted ? 130 : !summary.gate.passed ? 1 : pushed?.complete === false ? 4 : 0;
  return { summary, out, exitCode };
}

/** What each pluggable scorer measures and its direction, for `summary.scorer.custom`. */
function customScorerInfo(
  scorers: readonly Scorer[],
): Record<string, { description: string; higherIsBetter: boolean; answeredOnly?: true }> {
  return Object.fromEntries(
    scorers.map((scorer) => [
      scorer.name,
      {
        description: scorer.description,
        higherIsBetter: scorer.higherIsBetter ?? true,
        // Said wherever the score is shown: its mean leaves out the turns without an answer.
        ...(scorer.noAnswer === undefined ? { answeredOnly: true as const } : {}),
      },
    ]),
  );
}

function resolveStrategies(
  names: readonly string[],
  context: StrategyFactoryContext,
  custom: NonNullable<EvalConfig['customStrategies']>,
): NamedStrategy[] {
  const seen = new Set<string>();
  return names.map((name) => {
    if (seen.has(name)) throw new EvalError('usage', `Strategy "${name}" is listed twice.`);
    seen.add(name);
    const factory = custom[name];
    if (factory) return { name, strategy: factory(context) };
    const entry = builtInStrategies[name];
    if (!entry) {
      const known = [...Object.keys(builtInStrategies), ...Object.keys(custom)].join(', ');
      throw new EvalError('usage', `Unknown strategy "${name}". Known: ${known}.`);
    }
    if (entry.needsEmbeddingModel && !context.embeddingModel) {
      throw new EvalError(
        'usage',
        `Strategy "${name}" needs an embedding model: pass --embedding-model (e.g. --embedding-model openai:text-embedding-3-small).`,
      );
    }
    if (entry.needsModel && !context.model) {
      throw new EvalError(
        'usage',
        `Strategy "${name}" needs a model: pass --model (e.g. --model openai:gpt-4.1-mini).`,
      );
    }
    return { name, strategy: entry.create(context) };
  });
}

/** What the trained routers learn from, and which conversations that was. */
interface Training {
  examples: LabelledText[];
  /** Ids of the conversations learned from; an evaluated conversation among them stops the run. */
  conversationIds: ReadonlySet<string>;
  source: SplitInfo['training']['source'];
}

/**
 * Training data for the trained routers. Evaluating the test side, they learn from the labelled
 * user turns of the train side of the same data; evaluating the train side or everything, any
 * conversation would leak, so they learn from the capability cards' skill examples instead.
 */
async function collectTraining(options: {
  suite: Suite;
  part: SplitPart | undefined;
  assigner: SplitAssigner;
  /** `--train`: learn from every conversation of this file or folder instead. */
  trainSource?: string;
  readOptions: ReadConversationsOptions;
  read: () => AsyncIterable<Conversation>;
}): Promise<Training> {
  const examples: LabelledText[] = [];
  const conversationIds = new Set<string>();
  if (options.part === 'test' || options.trainSource) {
    const conversations = options.trainSource
      ? readConversations(options.trainSource, options.readOptions)
      : options.read();
    for await (const conversation of conversations) {
      if (!options.trainSource && options.assigner.partOf(conversation.id) !== 'train') continue;
      let labelled = false;
      for (const turn of conversation.turns) {
        if (turn.role === 'user' && turn.domain && turn.domain.length > 0) {
          examples.push({ text: turn.text, labels: turn.domain });
          labelled = true;
        }
      }
      if (labelled) conversationIds.add(conversation.id);
    }
    if (examples.length > 0)
      return { examples, conversationIds, source: options.trainSource ? 'train-file' : 'train-split' };
  }
  // No labelled training conversations: the capability cards' examples, labelled with the agent's
  // domains, so the trained router still runs (as a weak baseline) and sees no evaluated turn.
  for (const agent of options.suite.agents) {
    for (const skill of agent.card.skills) {
      for (const example of skill.examples)
        if (agent.card.domains.length > 0) examples.push({ text: example, labels: agent.card.domains });
    }
  }
  return { examples, conversationIds, source: examples.length > 0 ? 'capability-cards' : 'none' };
}

function splitInfoOf(part: SplitPart | undefined, assigner: SplitAssigner, training: Training): SplitInfo {
  const { byFile, byHash } = assigner.placed;
  const method: SplitInfo['method'] =
    part === undefined ? 'none' : byHash === 0 ? 'split-file' : byFile === 0 ? 'hash' : 'split-file+hash';
  return {
    method,
    ...(byHash > 0 ? { seed: assigner.seed, testShare: assigner.testShare } : {}),
    training: {
      source: training.source,
      conversations: training.conversationIds.size,
      examples: training.examples.length,
    },
  };
}

/**
 * Filters a conversation stream by split side, shard and limit, lazily. A conversation the
 * trained routers learned from stops the run (exit 2): an evaluation must never score a router on
 * its own training data.
 */
async function* selectConversations(
  conversations: AsyncIterable<Conversation>,
  options: {
    assigner?: SplitAssigner;
    part?: SplitPart;
    trainingIds: ReadonlySet<string>;
    shard?: { index: number; count: number };
    limit?: number;
    /** `--filter`: only conversations whose id matches. */
    filter?: RegExp;
  },
): AsyncGenerator<Conversation> {
  let yielded = 0;
  for await (const conversation of conversations) {
    if (options.limit !== undefined && yielded >= options.limit) return;
    if (options.filter && !options.filter.test(conversation.id)) continue;
    if (options.assigner && options.part && options.assigner.partOf(conversation.id) !== options.part)
      continue;
    if (options.shard && shardOf(conversation.id, options.shard.count) !== options.shard.index - 1) continue;
    if (options.trainingIds.has(conversation.id)) {
      throw new EvalError(
        'usage',
        `conversation ${conversation.id} is both evaluated and in the trained routers' training data; a router must not be scored on what it learned from (check the split file and the dataset's ids).`,
      );
    }
    yielded += 1;
    yield conversation;
  }
}

/** A stable shard for an id (FNV-1a), so every runner of a CI matrix agrees without coordination. */
export function shardOf(id: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < id.length; index += 1) {
    hash ^= id.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % count;
}

function parseShard(value: string): { index: number; count: number } {
  const [index, count] = value.split('/').map(Number) as [number, number];
  return { index, count };
}

async function readDoneUnits(file: string): Promise<Set<string>> {
  const done = new Set<string>();
  if (!existsSync(file)) return done;
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    if (!line.trim()) continue;
    try {
      const unit = JSON.parse(line) as FinishedUnit;
      done.add(unitKey(unit.strategy, unit.conversationId, unit.repeat));
    } catch {
      // A torn last line from an interrupted write: that unit simply runs again.
    }
  }
  return done;
}

function findSuite(cwd: string): string {
  let folder = cwd;
  for (;;) {
    const candidate = join(folder, 'datasets', 'support', 'suite.json');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(folder);
    if (parent === folder) {
      throw new EvalError(
        'usage',
        'No suite given and no datasets/support/suite.json found here or above: pass --suite.',
      );
    }
    folder = parent;
  }
}

/** The settings a resumed run must share with the run it continues. */
function resumeDifferences(
  previous: {
    suite?: unknown;
    source?: unknown;
    strategies?: unknown;
    scorer?: unknown;
    options?: Partial<EvalOptions>;
  },
  current: {
    suite: string;
    source: string;
    strategies: string[];
    scorer: string;
    options: Partial<EvalOptions>;
  },
): string[] {
  const differences: string[] = [];
  if (previous.suite !== current.suite) differences.push('suite');
  if (previous.source !== current.source) differences.push('dataset');
  if (JSON.stringify(previous.strategies) !== JSON.stringify(current.strategies))
    differences.push('strategies');
  if (previous.scorer !== current.scorer) differences.push('scorer');
  for (const key of [
    'split',
    'shard',
    'map',
    'onInvalid',
    'train',
    'profile',
    'judge',
    'judgeRubric',
    'embeddingModel',
    'qualityMetric',
    'repeat',
    'limit',
    'filter',
    'model',
    'agents',
    'passThreshold',
    'cleanupThreshold',
    'freeRun',
    'userModel',
    'fitRecall',
    'maxSimulatedTurns',
  ] as const) {
    if (JSON.stringify(previous.options?.[key]) !== JSON.stringify(current.options[key]))
      differences.push(key);
  }
  return differences;
}

/** The run.json of the run a `--resume` continues. */
async function readPreviousRunFile(
  file: string,
): Promise<Parameters<typeof resumeDifferences>[0] & { createdAt?: string }> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Parameters<typeof resumeDifferences>[0] & {
      createdAt?: string;
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new EvalError(
      'invalid-input',
      `--resume: ${file} is not valid JSON (${reason}); use another --out.`,
      {
        cause: error,
      },
    );
  }
}

/** Truncates a file after its last line break; returns the bytes removed. */
async function cutTornTail(file: string): Promise<number> {
  if (!existsSync(file)) return 0;
  const content = await readFile(file);
  const end = content.lastIndexOf(0x0a) + 1;
  if (end === content.length) return 0;
  await truncate(file, end);
  return content.length - end;
}

/**
 * `--map` for a run whose data and training files hold no CSV file (JSONL carries its own field
 * names, a Langfuse dataset its own items): a usage error instead of a mapping silently unused.
 */
async function refuseMapWithoutCsv(dataset: string | undefined, train: string | undefined): Promise<void> {
  for (const source of [dataset, train]) {
    if (source === undefined) continue;
    if ((await dataFiles(source)).some((file) => file.toLowerCase().endsWith('.csv'))) return;
  }
  const named = [dataset, train].filter((source) => source !== undefined).join(' and ');
  throw new EvalError(
    'usage',
    `--map names CSV columns, but ${named || 'a Langfuse dataset'} holds no .csv file (JSONL records and Langfuse items carry their own field names).`,
  );
}
