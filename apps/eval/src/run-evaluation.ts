import { setMaxListeners } from 'node:events';
import { join } from 'node:path';
import {
  BatonError,
  createTeam,
  type DelegationEvent,
  emptyUsage,
  type Roster,
  type Strategy,
  solo,
  type Team,
  type TurnResult,
} from '@baton/core';
import type { Clock } from '@baton/providers';
import type { AnswerRow } from './answer-rows.js';
import type { SuiteAgents } from './build-agents.js';
import type { Conversation } from './dataset/conversation.js';
import { type FreeRunSettings, runFreeConversation } from './free-run/index.js';
import type { ItemResult, ScoreValue } from './item-result.js';
import { inlineTextScoring, type TextScores, type TextScoring } from './metrics/text-scoring.js';
import { type ReplayTurn, replayTurns } from './replay-turn.js';
import { LineBatcher, makeRunFolder, turnDeadline } from './run/index.js';
import { type RowRole, type ScoringThresholds, scoreItem } from './score-item.js';
import type { Scorer } from './scorer.js';

/** A strategy of a run, under the name it reports as. */
export interface NamedStrategy {
  name: string;
  strategy: Strategy;
}

/** Options of {@link runEvaluation}. */
export interface RunEvaluationOptions {
  /** The conversations to replay (already filtered by split, shard and limit). */
  conversations: AsyncIterable<Conversation>;
  agents: SuiteAgents;
  strategies: readonly NamedStrategy[];
  /** Rows that answer without a team: the floor probes and the recorded bot. */
  rows?: readonly AnswerRow[];
  /** Answer quality. */
  scorer: Scorer;
  /** Extra, pluggable scorers. */
  scorers?: readonly Scorer[];
  /**
   * Where the text-only scores (cleanup, token F1, recorded HTER) are computed: a worker pool
   * (`createTextScorePool`) keeps them off the event loop. Default: on this thread, memoised per
   * run. The caller closes it.
   */
  textScoring?: TextScoring;
  thresholds: ScoringThresholds;
  /** Work units (conversation × strategy × repeat) in flight at once. */
  concurrency: number;
  repeat: number;
  /** Folder of `items.jsonl`. */
  out: string;
  /** Units already complete (from an interrupted run): `strategy\u0000conversationId\u0000repeat`. */
  skipUnits?: ReadonlySet<string>;
  /**
   * Runs a unit's work under its name (`strategy/conversationId/repeat`), so that a cassette can
   * tell the model calls of units in flight at once apart (see `openRunModels`). Default: runs it.
   */
  inUnit?: InUnit;
  signal?: AbortSignal;
  /**
   * Receives every delegation event (tracing), with the turn being replayed and the strategy and
   * repeat it is replayed for (a tracing listener can ignore the second argument).
   */
  onEvent?: (event: DelegationEvent, source: ReplaySource) => void;
  /** Trace id of a turn, when tracing knows it. */
  traceIdOf?: (turnId: string) => string | undefined;
  /** Called once per finished item. */
  onItem?: (item: ItemResult) => void;
  /**
   * Called when every turn of a strategy × conversation × repeat unit is in `items.jsonl` (for
   * --resume), a few milliseconds after the unit ends (items are written in batches); the unit's
   * slot does not wait for it. A returned promise is awaited before the run ends, and a rejection
   * fails the run.
   */
  onUnitDone?: (unit: FinishedUnit) => void | Promise<void>;
  /** Called once per replayed conversation, before its turns run (to build a Langfuse dataset). */
  onConversation?: (conversation: Conversation, turns: readonly ReplayTurn[]) => void | Promise<void>;
  /**
   * The longest a strategy may take for one turn (`--turn-timeout`), in ms; past it the turn ends
   * with a `timeout` error on its item. Default: no limit beyond the model calls' own timeouts.
   */
  turnTimeoutMs?: number;
  /** Runs the turn timeout (default: the system clock); inject one in tests. */
  clock?: Clock;
  /**
   * Free running (`--free-run`): each strategy's own answers become the history, recorded user
   * turns are used while they fit, then a user simulator or nothing (see `runFreeConversation`).
   * Default: teacher forcing.
   */
  freeRun?: FreeRunSettings;
}

/** A strategy × conversation × repeat unit whose turns are all written, as `units.jsonl` records it. */
export interface FinishedUnit {
  strategy: string;
  conversationId: string;
  repeat: number;
}

/** Which replay emitted an event: the strategy (under its run name), the repeat and the turn. */
export interface ReplaySource {
  strategy: string;
  repeat: number;
  turn: ReplayTurn;
}

/** What {@link runEvaluation} did. */
export interface RunEvaluationResult {
  conversations: number;
  interrupted: boolean;
}

/** The key of a unit of work, used to resume. */
export function unitKey(strategy: string, conversationId: string, repeat: number): string {
  return `${strategy}\u0000${conversationId}\u0000${repeat}`;
}

/**
 * Replays recorded conversations through every strategy, teacher-forced: each user turn is answered
 * with the *recorded* history before it, so all strategies see identical inputs. Turns of one
 * conversation run in order (a handoff keeps state between them); conversations, strategies and
 * repeats run concurrently up to `concurrency`. Every turn yields an item — a result or an error
 * record — appended to `items.jsonl` as soon as it is scored (written in batches a few milliseconds
 * apart), and a unit is marked done only once its items are written, so an interrupted run loses
 * nothing it marked finished. Cancelling `signal` stops scheduling and lets in-flight turns end as
 * cancelled.
 */
/**
 * Runs work under a name that the model calls it makes carry (a cassette's tag): what
 * `openRunModels` returns as `inUnit` when a cassette is used.
 */
export type InUnit = <T>(name: string, work: () => Promise<T>) => Promise<T>;

export async function runEvaluation(options: RunEvaluationOptions): Promise<RunEvaluationResult> {
  // Level by level: Node's mkdir({ recursive: true }) spins without end under /proc.
  await makeRunFolder(options.out);
  const writer = new LineBatcher(join(options.out, 'items.jsonl'));
  const roster = createTeam({
    front: options.agents.front,
    delegates: options.agents.delegates,
    allow: options.agents.allow,
    strategy: solo(),
  }).roster;
  const teams: Responder[] = [
    ...options.strategies.map(({ name, strategy }) => ({
      name,
      team: createTeam({
        front: options.agents.front,
        delegates: options.agents.delegates,
        allow: options.agents.allow,
        strategy,
        ...(options.agents.replyLanguages ? { replyLanguages: options.agents.replyLanguages } : {}),
      }),
    })),
    ...(options.rows ?? []).map((row) => ({ name: row.name, row, roster })),
  ];
  const running = new Set<Promise<void>>();
  // Wakes the scheduling loop when a unit ends (one waiter: the loop below), instead of a
  // Promise.race over every running unit per start, which costs O(concurrency) and leaves a
  // reaction on each long-running unit every time.
  let unitEnded: (() => void) | undefined;
  let conversations = 0;
  let firstFailure: unknown;
  // A finished unit is recorded (onUnitDone) once its items are in the file, which does not hold
  // its slot: the items go out in batches every few milliseconds, and a turn that waited for that
  // would keep the next one from starting. A mark lost in a crash only makes --resume replay its unit.
  const marks = new Set<Promise<void>>();
  const unitDone = (unit: FinishedUnit): void => {
    const onUnitDone = options.onUnitDone;
    if (onUnitDone === undefined) return;
    const mark: Promise<void> = writer
      .flushed()
      .then(() => onUnitDone(unit))
      .catch((error: unknown) => {
        firstFailure ??= error;
      })
      .finally(() => marks.delete(mark));
    marks.add(mark);
  };
  const signal = options.signal ?? new AbortController().signal;
  // Every in-flight attempt listens to the run's signal; dozens at once are expected, not a leak.
  setMaxListeners(0, signal);
  try {
    for await (const conversation of options.conversations) {
      if (signal.aborted || firstFailure) break;
      const turns = replayTurns(conversation);
      if (turns.length === 0) continue;
      conversations += 1;
      await options.onConversation?.(conversation, turns);
      for (let repeat = 0; repeat < options.repeat; repeat += 1) {
        for (const responder of teams) {
          if (options.skipUnits?.has(unitKey(responder.name, conversation.id, repeat))) continue;
          // A row answers only the turns it covers (the recorded bot: the turns with a recorded reply).
          const covers = 'row' in responder ? responder.row.covers : undefined;
          const unitTurns = covers ? turns.filter((turn) => covers(turn)) : turns;
          const work = () =>
            options.freeRun
              ? runFreeUnit(
                  { responder, conversation, turns: unitTurns, repeat, options, signal, writer, unitDone },
                  options.freeRun,
                )
              : runUnit({
                  responder,
                  conversationId: conversation.id,
                  turns: unitTurns,
                  repeat,
                  options,
                  signal,
                  writer,
                  unitDone,
                });
          const unit = (
            options.inUnit ? options.inUnit(`${responder.name}/${conversation.id}/${repeat}`, work) : work()
          ).catch((error: unknown) => {
            firstFailure ??= error;
          });
          const tracked = unit.finally(() => {
            running.delete(tracked);
            unitEnded?.();
          });
          running.add(tracked);
          while (running.size >= options.concurrency) {
            await new Promise<void>((resolve) => {
              unitEnded = resolve;
            });
          }
        }
      }
    }
  } finally {
    await Promise.all(running);
    try {
      await writer.close();
    } finally {
      // Settles once the items are written (or their write failed): no mark outlives the run.
      await Promise.all(marks);
    }
  }
  if (firstFailure && !isAbort(firstFailure)) throw firstFailure;
  // Items are not kept in memory: items.jsonl is the record (see onItem for a live feed).
  return { conversations, interrupted: signal.aborted };
}

/** Who answers a unit: a team running a strategy, or a row answering on its own. */
type Responder = { name: string; team: Team } | { name: string; row: AnswerRow; roster: Roster };

async function runUnit(context: {
  responder: Responder;
  conversationId: string;
  turns: readonly ReplayTurn[];
  repeat: number;
  options: RunEvaluationOptions;
  signal: AbortSignal;
  writer: LineBatcher;
  unitDone: (unit: FinishedUnit) => void;
}): Promise<void> {
  const { responder, turns, repeat, options, signal } = context;
  // Per-conversation strategy state (a handoff remembers its specialist here).
  const state: Record<string, unknown> = {};
  for (const turn of turns) {
    if (signal.aborted) return;
    const item = await answerTurn({ responder, turn, repeat, options, signal, state });
    if (item === undefined) return;
    await context.writer.append(JSON.stringify(item));
    options.onItem?.(item);
  }
  context.unitDone({ strategy: responder.name, conversationId: context.conversationId, repeat });
}

/** A unit of a free run: the strategy's own answers become the history (see `runFreeConversation`). */
async function runFreeUnit(
  context: {
    responder: Responder;
    conversation: Conversation;
    turns: readonly ReplayTurn[];
    repeat: number;
    options: RunEvaluationOptions;
    signal: AbortSignal;
    writer: LineBatcher;
    unitDone: (unit: FinishedUnit) => void;
  },
  settings: FreeRunSettings,
): Promise<void> {
  const { responder, conversation, turns, repeat, options, signal } = context;
  const state: Record<string, unknown> = {};
  const finished = await runFreeConversation({
    conversation,
    turns,
    settings,
    // The recorded bot has drafts for recorded turns only; probes and strategies answer anything.
    answersSimulatedTurns: !('row' in responder) || responder.row.role === 'probe',
    answer: (turn) => answerTurn({ responder, turn, repeat, options, signal, state }),
    write: async (item) => {
      await context.writer.append(JSON.stringify(item));
      options.onItem?.(item);
    },
    signal,
  });
  if (finished) context.unitDone({ strategy: responder.name, conversationId: conversation.id, repeat });
}

/**
 * Answers one turn with a team or a row and scores it; undefined when the run was cancelled
 * meanwhile (the turn is left out and re-run on --resume).
 */
async function answerTurn(context: {
  responder: Responder;
  turn: ReplayTurn;
  repeat: number;
  options: RunEvaluationOptions;
  signal: AbortSignal;
  state: Record<string, unknown>;
}): Promise<ItemResult | undefined> {
  const { responder, turn, repeat, options, signal, state } = context;
  const { name } = responder;
  if ('row' in responder) {
    return scoreTurn({
      name,
      turn,
      repeat,
      result: rowResult(responder.row, turn),
      error: undefined,
      options,
      signal,
      roster: responder.roster,
      delegates: false,
      role: responder.row.role,
    });
  }
  const onEvent = options.onEvent;
  const source: ReplaySource = { strategy: name, repeat, turn };
  let result: TurnResult | undefined;
  let error: { code: string; message: string } | undefined;
  const { team } = responder;
  const deadline = turnDeadline(signal, options.turnTimeoutMs, options.clock);
  try {
    // Gold labels never reach a strategy: no recorded language, domain or intent is passed; the
    // team detects the customer's language itself.
    result = await deadline.race(
      team.respond(
        {
          message: turn.input,
          history: turn.history,
          conversationId: turn.conversationId,
          turnIndex: turn.turnIndex,
          sessionId: turn.conversationId,
          fields: turn.metadata,
        },
        {
          signal: deadline.signal,
          state,
          ...(onEvent ? { onEvent: (event) => onEvent(event, source) } : {}),
        },
      ),
    );
  } catch (caught) {
    // A cancelled turn is not an error of the strategy: it is left out and re-run on --resume.
    if (isAbort(caught) && signal.aborted) return undefined;
    error = BatonError.isInstance(caught)
      ? { code: caught.code, message: caught.message }
      : { code: 'harness-error', message: caught instanceof Error ? caught.message : String(caught) };
  } finally {
    deadline.dispose();
  }
  const item = await scoreTurn({
    name,
    turn,
    repeat,
    result,
    error,
    options,
    signal,
    roster: team.roster,
    delegates: team.strategy.delegates !== false,
  });
  if (signal.aborted && item.outcome === 'failed' && item.error?.code === 'aborted') return undefined;
  return item;
}

async function scoreTurn(context: {
  name: string;
  turn: ReplayTurn;
  repeat: number;
  result: TurnResult | undefined;
  error: { code: string; message: string } | undefined;
  options: RunEvaluationOptions;
  signal: AbortSignal;
  roster: Roster;
  delegates: boolean;
  role?: RowRole;
}): Promise<ItemResult> {
  const { name, turn, repeat, result, options, signal } = context;
  const outcome = result ? result.outcome : 'error';
  const answer = result?.answer ?? null;
  const details: Record<string, unknown> = {};
  const custom: Record<string, ScoreValue> = {};
  let quality: ScoreValue = null;
  let postEdit: string | null | undefined;
  let text: TextScores | undefined;
  if (answer !== null && outcome === 'answered' && turn.reference !== null) {
    // Started first, so that a worker computes the edit rates while this thread runs the scorers.
    const textScores = textScoringOf(options).score({
      answer,
      reference: turn.reference,
      nuggets: turn.nuggets,
      ...(context.role === 'recorded' && turn.recordedDraft !== undefined
        ? { recordedDraft: turn.recordedDraft }
        : {}),
    });
    // Awaited below; until then a rejection must not count as unhandled.
    textScores.catch(() => {});
    const scored = await runScorer(options.scorer, { turn, strategy: name, answer, signal });
    quality = scored.value;
    // A judge that writes the cleanup target and gave none: no cleanup, not the offline target's.
    postEdit = scored.postEdit ?? (options.scorer.writesPostEdit ? null : undefined);
    if (scored.details) details[options.scorer.name] = scored.details;
    for (const scorer of options.scorers ?? []) {
      const extra = await runScorer(scorer, { turn, strategy: name, answer, signal });
      custom[scorer.name] = extra.value;
      if (extra.details) details[scorer.name] = extra.details;
    }
    text = await textScores;
  } else if (turn.reference !== null) {
    // Not answered: in the denominator of every score that says what no answer is worth.
    for (const scorer of options.scorers ?? []) {
      if (scorer.noAnswer !== undefined) custom[scorer.name] = scorer.noAnswer;
    }
  }
  const scored = scoreItem({
    turn,
    outcome,
    answer,
    delegations: result?.delegations ?? [],
    quality,
    ...(postEdit !== undefined ? { postEdit } : {}),
    roster: context.roster,
    thresholds: options.thresholds,
    strategyDelegates: context.delegates,
    ...(text ? { text } : {}),
    ...(context.role ? { role: context.role } : {}),
  });
  const scores = { ...custom, ...scored.scores };
  if (scored.cleanupTarget) details.humanCleanup = scored.cleanupTarget;
  const error = result?.error ?? context.error;
  const traceId = result ? options.traceIdOf?.(result.turnId) : undefined;
  return {
    itemId: turn.itemId,
    conversationId: turn.conversationId,
    turnIndex: turn.turnIndex,
    repeat,
    strategy: name,
    input: turn.input,
    reference: turn.reference,
    nuggets: turn.nuggets,
    nuggetSource: turn.nuggetSource,
    ...(turn.recordedDraft !== undefined ? { recordedDraft: turn.recordedDraft } : {}),
    gold: turn.gold,
    outcome,
    answer,
    respondedBy: result?.respondedBy ?? [],
    ...(error ? { error } : {}),
    delegations: result?.delegations ?? [],
    usage: result?.usage ?? emptyUsage,
    costUsd: result?.costUsd ?? 0,
    latencyMs: result?.latencyMs ?? 0,
    scores,
    ...(Object.keys(details).length > 0 ? { scoreDetails: details } : {}),
    ...(traceId ? { traceId } : {}),
  };
}

/** A row's answer as a turn result: answered, or escalated when the row has no answer. */
function rowResult(row: AnswerRow, turn: ReplayTurn): TurnResult {
  const answer = row.answer(turn);
  return {
    turnId: `${row.name}:${turn.itemId}`,
    strategy: row.name,
    answer,
    outcome: answer === null ? 'escalated' : 'answered',
    respondedBy: [answer === null ? 'human' : row.name],
    delegations: [],
    usage: emptyUsage,
    costUsd: 0,
    latencyMs: 0,
  };
}

/**
 * The run's text scoring: the caller's, else one computed on this thread per run (keyed by the run's
 * options object, so it goes with the run), whose memo lets strategies that give a turn the same
 * answer share its scores.
 */
const inlineScorings = new WeakMap<RunEvaluationOptions, TextScoring>();

function textScoringOf(options: RunEvaluationOptions): TextScoring {
  if (options.textScoring) return options.textScoring;
  let scoring = inlineScorings.get(options);
  if (!scoring) {
    scoring = inlineTextScoring();
    inlineScorings.set(options, scoring);
  }
  return scoring;
}

async function runScorer(scorer: Scorer, input: Parameters<Scorer['score']>[0]) {
  try {
    return await scorer.score(input);
  } catch (error) {
    if (isAbort(error) && input.signal.aborted) throw error;
    // A scorer failure must not lose the item: the score is missing, and the item says why.
    return { value: null, details: { error: error instanceof Error ? error.message : String(error) } };
  }
}

function isAbort(error: unknown): boolean {
  return BatonError.isInstance(error) && error.code === 'aborted';
}
