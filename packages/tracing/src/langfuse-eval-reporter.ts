import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { LangfuseClient } from '@langfuse/client';
import { LangfuseAPIError, LangfuseAPITimeoutError } from '@langfuse/core';
import { z } from 'zod';
import { type Clock, systemClock } from './clock.js';
import { type DeliveryOutcome, DeliveryQueue, type DeliveryStall } from './delivery-queue.js';
import { type LangfuseEnv, type LangfuseOptions, resolveLangfuseOptions } from './langfuse-config.js';
import type { LangfusePendingEntry, LangfusePendingLog } from './langfuse-pending.js';
import { redactingLogger } from './redact.js';
import { stableId } from './stable-id.js';
import { stderrLogger, type TracingLogger, WarnOnce } from './tracing-logger.js';

/** One dataset item: one recorded user turn, with a stable id of the harness's choosing. */
export interface DatasetItemInput {
  /** Stable across runs, e.g. `conversationId#turnIndex`; mapped to a Langfuse id per dataset. */
  id: string;
  input: unknown;
  /** The reference answer, gold labels… whatever the scorers compare against. */
  expectedOutput?: unknown;
  metadata?: Record<string, unknown>;
  /** A trace the item was taken from, if any. */
  sourceTraceId?: string;
}

/** Links one dataset item to the trace that answered it in one run. */
export interface RunItemLink {
  datasetName: string;
  /** The item's own id (as given to {@link LangfuseEvalReporter.upsertItems}). */
  itemId: string;
  /** One run per strategy, e.g. from {@link datasetRunName}. */
  runName: string;
  /** Sent with every link; Langfuse keeps the latest on the run. */
  runDescription?: string;
  /** Suite, model, scorer…: sent with every link; Langfuse keeps the latest on the run. */
  runMetadata?: Record<string, unknown>;
  traceId: string;
  /** The turn span's id, to link the run item to that observation. */
  observationId?: string;
}

/** The value of a score, by data type. */
export type ScoreValueInput =
  | { dataType: 'NUMERIC'; value: number }
  | { dataType: 'BOOLEAN'; value: boolean }
  | { dataType: 'CATEGORICAL'; value: string };

/** A score on a trace, an observation, a session or a whole dataset run. */
export type ScoreInput = {
  name: string;
  comment?: string;
  metadata?: Record<string, unknown>;
  /** Langfuse upserts scores by id; by default a stable id from the target and name, so re-pushing does not duplicate. */
  id?: string;
  traceId?: string;
  observationId?: string;
  sessionId?: string;
  datasetRunId?: string;
} & ScoreValueInput;

/** A score on a whole dataset run, named by dataset and run rather than by Langfuse's run id. */
export type RunScoreInput = {
  name: string;
  comment?: string;
  metadata?: Record<string, unknown>;
  id?: string;
} & ScoreValueInput;

/** The API calls the reporter makes, as counted in {@link EvalReportSummary}. */
export type EvalReportOperation = 'dataset' | 'item' | 'runItem' | 'score';

/** A dataset as Langfuse stored it. */
export interface UpsertedDataset {
  /** Langfuse's id of the dataset: what experiment spans name as their dataset. */
  id: string;
  name: string;
}

/** What reached Langfuse and what did not. */
export interface EvalReportSummary {
  /**
   * Per operation: `ok` acknowledged by Langfuse (nothing else counts as delivered), `failed`
   * refused (a 4xx, or an input that could not be sent), `skipped` not delivered because Langfuse
   * stopped acknowledging (kept in the pending file when there is one). Dataset run links not sent
   * because the server no longer has that endpoint are in none of them (see `runItemsRemoved`).
   */
  operations: Record<EvalReportOperation, { ok: number; failed: number; skipped: number }>;
  /**
   * Whether the server answered a dataset run link with 404, 405 or 410: a Langfuse v4 server,
   * which builds experiment runs from span attributes only, so no further links were sent.
   */
  runItemsRemoved: boolean;
  /** Whether anything failed or was skipped. */
  incomplete: boolean;
  firstError?: string;
  /** Whether the reporter gave up waiting (a stall, or the flush's own deadline). */
  timedOut: boolean;
  /** How long Langfuse had acknowledged nothing when the reporter last gave up. */
  stalledForMs?: number;
  /** The pending file, and how many records this reporter wrote to it. */
  pending?: { path: string; records: number };
}

/** Options of {@link LangfuseEvalReporter}. */
export interface LangfuseEvalReporterOptions {
  /** A configured client (its base URL is shown in warnings). */
  client: LangfuseClient;
  /** Shown in warnings (without credentials). */
  baseUrl: string;
  logger?: TracingLogger;
  /** Per-request timeout. Default 5,000 ms. */
  timeoutMs?: number;
  /** Retries of a request answered 408, 429 or 5xx (the client's own backoff), before the queue's. Default 1. */
  maxRetries?: number;
  /** Dataset-item and run-link requests in flight at once, each. Default 16. */
  concurrency?: number;
  /** Score batches in flight at once. Default 4. */
  scoreConcurrency?: number;
  /** Scores per ingestion request. Default 100, as Langfuse's SDK sends them. */
  scoreBatchSize?: number;
  /** How long a partial batch of scores waits for more before it is sent. Default 100 ms. */
  scoreLingerMs?: number;
  /** Units queued per kind before producers wait ({@link LangfuseEvalReporter.ready}). Default 2,000. */
  maxQueued?: number;
  /** Give up after this long without an acknowledgement while there is work. Default 30,000 ms. */
  stallTimeoutMs?: number;
  /** After giving up, new work is set aside for this long before one more try. Default 60,000 ms. */
  cooldownMs?: number;
  /** Where undelivered work is kept for a later push (`pushLangfusePending`). */
  pending?: LangfusePendingLog;
  clock?: Clock;
}

/** Langfuse documents 3.5 MB per ingestion request; leave room for the envelope. */
const maxIngestionBytes = 3_000_000;

const runItemResponseSchema = z.object({ datasetRunId: z.string() });
const datasetResponseSchema = z.object({ id: z.string().min(1), name: z.string() });
const datasetRunResponseSchema = z.object({
  id: z.string().min(1),
  datasetRunItems: z
    .array(z.object({ datasetItemId: z.string(), traceId: z.string().nullable() }))
    .default([]),
});
const ingestionResponseSchema = z.object({
  successes: z.array(z.object({ id: z.string(), status: z.number() })),
  errors: z.array(
    z.object({
      id: z.string(),
      status: z.number(),
      message: z.string().optional(),
      error: z.unknown().optional(),
    }),
  ),
});

const scoreSchema = z
  .object({
    name: z.string().min(1),
    id: z.string().min(1).optional(),
    traceId: z.string().min(1).optional(),
    observationId: z.string().min(1).optional(),
    sessionId: z.string().min(1).optional(),
    datasetRunId: z.string().min(1).optional(),
    comment: z.string().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .and(
    z.discriminatedUnion('dataType', [
      z.object({ dataType: z.literal('NUMERIC'), value: z.number().finite() }),
      z.object({ dataType: z.literal('BOOLEAN'), value: z.boolean() }),
      z.object({ dataType: z.literal('CATEGORICAL'), value: z.string().min(1) }),
    ]),
  )
  .refine((score) => score.traceId ?? score.sessionId ?? score.datasetRunId, {
    message: 'a score needs a traceId, sessionId or datasetRunId',
  });

/**
 * The Langfuse id of a dataset item: derived from the dataset name and the item's own id, because
 * Langfuse item ids are unique per project, not per dataset.
 */
export function langfuseDatasetItemId(datasetName: string, itemId: string): string {
  return stableId('baton.dataset-item', datasetName, itemId);
}

/** The dataset run name for one strategy in one evaluation run: `<strategy>:<runId>`. */
export function datasetRunName(strategy: string, runId: string): string {
  return `${strategy}:${runId}`;
}

interface ItemUnit {
  datasetName: string;
  item: DatasetItemInput;
}

interface ScoreUnit {
  /** The score as given, with its id: what the pending file keeps. */
  input: ScoreInput & { id: string };
  /** The ingestion envelope's id, kept across retries so the server can tell a repeat. */
  eventId: string;
  /** The `score-create` body. */
  body: Record<string, unknown>;
  bytes: number;
}

type RequestOptions = { timeoutInSeconds: number; maxRetries: number; abortSignal: AbortSignal };

/**
 * Pushes evaluation runs to Langfuse for the harness: datasets built from recorded conversations
 * (one item per user turn, idempotent by stable ids), one dataset run per strategy with each item
 * linked to its trace, and scores (numeric, boolean, categorical) on traces, observations and runs
 * — so Langfuse's run comparison shows strategies side by side.
 *
 * Scores go through Langfuse's batched ingestion (`POST /api/public/ingestion`, `score-create`
 * events, 100 a request as the SDK's score manager sends them); dataset items and run links have
 * no batch endpoint and go one a request, several in flight. Every kind has a bounded queue
 * ({@link ready} for backpressure) and waits for delivery as long as Langfuse acknowledges
 * something, giving up only after `stallTimeoutMs` without an acknowledgement. Counts are what
 * Langfuse acknowledged; what it did not is kept in the `pending` file for a later push. No call
 * ever throws.
 *
 * @example
 * ```ts
 * const reporter = createLangfuseEvalReporter({ pending: new LangfusePendingLog({ path }) });
 * if (reporter) {
 *   await reporter.upsertDataset({ name: 'support-v1' });
 *   await reporter.upsertItems('support-v1', turns.map((t) => ({ id: t.id, input: t.message, expectedOutput: t.reference })));
 *   const runName = datasetRunName('lexical', runId);
 *   const link = await reporter.linkRunItem({ datasetName: 'support-v1', itemId: t.id, runName, traceId });
 *   await reporter.ready();
 *   void reporter.score({ traceId, name: 'quality', dataType: 'NUMERIC', value: 0.8 });
 *   console.error(await reporter.flush());
 * }
 * ```
 */
export class LangfuseEvalReporter {
  private readonly client: LangfuseClient;
  private readonly baseUrl: string;
  private readonly logger: TracingLogger;
  private readonly warnings: WarnOnce;
  private readonly timeoutSeconds: number;
  private readonly maxRetries: number;
  private readonly clock: Clock;
  private readonly pendingLog: LangfusePendingLog | undefined;
  private readonly items: DeliveryQueue<ItemUnit>;
  private readonly links: DeliveryQueue<RunItemLink>;
  private readonly scores: DeliveryQueue<ScoreUnit>;
  private readonly calls = new Set<Promise<unknown>>();
  private abort = listenable(new AbortController());
  private readonly runIds = new Map<string, string>();
  /** Runs with a link that was not delivered: their run-level scores wait for a push. */
  private readonly runsWithUndeliveredLinks = new Set<string>();
  private readonly datasetsKept = new Set<string>();
  private runItemsRemoved = false;
  private readonly direct = { ok: 0, failed: 0, skipped: 0 };
  private readonly invalid: Record<EvalReportOperation, number> = {
    dataset: 0,
    item: 0,
    runItem: 0,
    score: 0,
  };
  private pendingRecords = 0;
  /** Run-level scores kept for a push because their run's id is not known yet. */
  private runScoresKept = 0;
  private firstError: string | undefined;
  private timedOut = false;
  private stalledForMs: number | undefined;

  constructor(options: LangfuseEvalReporterOptions) {
    this.client = options.client;
    this.baseUrl = options.baseUrl;
    this.logger = options.logger ?? stderrLogger;
    this.warnings = new WarnOnce(this.logger);
    this.timeoutSeconds = (options.timeoutMs ?? 5_000) / 1000;
    this.maxRetries = options.maxRetries ?? 1;
    this.clock = options.clock ?? systemClock;
    this.pendingLog = options.pending;
    const shared = {
      stallTimeoutMs: options.stallTimeoutMs ?? 30_000,
      probeAfterMs: options.cooldownMs ?? 60_000,
      maxQueued: options.maxQueued ?? 2_000,
      clock: this.clock,
      onGiveUp: (stall: DeliveryStall) => this.noteGiveUp(stall),
    };
    const concurrency = options.concurrency ?? 16;
    this.items = new DeliveryQueue<ItemUnit>({
      ...shared,
      concurrency,
      send: ([unit], signal) => this.sendItem(unit!, signal),
      onUndelivered: (units, result, reason) => {
        this.noteUndelivered('item', result, reason);
        this.keep(units.map((unit) => ({ kind: 'item', datasetName: unit.datasetName, item: unit.item })));
      },
    });
    this.links = new DeliveryQueue<RunItemLink>({
      ...shared,
      concurrency,
      send: ([link], signal) => this.sendLink(link!, signal),
      onUndelivered: (links, result, reason) => {
        this.noteUndelivered('runItem', result, reason);
        for (const link of links) this.runsWithUndeliveredLinks.add(runKey(link.datasetName, link.runName));
        this.keep(links.map((link) => ({ kind: 'run-item', link })));
      },
    });
    this.scores = new DeliveryQueue<ScoreUnit>({
      ...shared,
      concurrency: options.scoreConcurrency ?? 4,
      maxBatchSize: options.scoreBatchSize ?? 100,
      // As the SDK's score manager, which waits up to a second for ten: scores come in bursts.
      lingerMs: options.scoreLingerMs ?? 100,
      maxBatchBytes: maxIngestionBytes,
      sizeOf: (unit) => unit.bytes,
      send: (batch, signal) => this.sendScores(batch, signal),
      onUndelivered: (units, result, reason) => {
        this.noteUndelivered('score', result, reason);
        this.keep(units.map((unit) => ({ kind: 'score', score: unit.input })));
      },
    });
  }

  /**
   * Creates the dataset, or updates its description and metadata. Resolves the dataset's Langfuse
   * id and name (the id is what experiment spans carry), or `undefined` if Langfuse did not take it
   * — then it is kept in the pending file, and when Langfuse is unreachable the other kinds are set
   * aside at once for the cooldown rather than each waiting out a stall.
   */
  async upsertDataset(dataset: {
    name: string;
    description?: string;
    metadata?: Record<string, unknown>;
  }): Promise<UpsertedDataset | undefined> {
    const body = {
      name: dataset.name,
      ...(dataset.description !== undefined ? { description: dataset.description } : {}),
      ...(dataset.metadata !== undefined ? { metadata: dataset.metadata } : {}),
    };
    const response = await this.call((requestOptions) =>
      this.client.api.datasets.create(body, requestOptions),
    );
    if (response === undefined) {
      this.keepDataset(body);
      return undefined;
    }
    const parsed = datasetResponseSchema.safeParse(response);
    if (!parsed.success) {
      this.reject('dataset', `Langfuse answered a dataset without an id: ${z.prettifyError(parsed.error)}`);
      this.keepDataset(body);
      return undefined;
    }
    return { id: parsed.data.id, name: parsed.data.name };
  }

  /**
   * Creates or updates dataset items (one per user turn). Ids are stable, so running it again
   * updates rather than duplicates. Resolves once every item is acknowledged, refused or set aside.
   */
  async upsertItems(
    datasetName: string,
    items: readonly DatasetItemInput[],
  ): Promise<{ written: number; failed: number }> {
    const results: Promise<boolean>[] = [];
    for (const item of items) {
      await this.items.ready();
      results.push(
        this.items.add({ datasetName, item }).then((outcome) => outcome.result === 'acknowledged'),
      );
    }
    const written = (await Promise.all(results)).filter(Boolean).length;
    return { written, failed: items.length - written };
  }

  /**
   * Links a dataset item to the trace that answered it in a run (created on first use): the legacy
   * (Langfuse v3) dataset run, which v4 servers no longer have — they build experiment runs from
   * span attributes (see `experimentOf` of the tracing listener). Resolves the run's id, for
   * run-level scores, or `undefined` if Langfuse did not take it. Once the server answers 404, 405
   * or 410 for the endpoint itself, the reporter says so once and sends no further links.
   */
  async linkRunItem(link: RunItemLink): Promise<{ datasetRunId: string } | undefined> {
    if (this.runItemsRemoved) return undefined;
    await this.links.ready();
    const outcome = await this.links.add(link);
    if (outcome.result !== 'acknowledged') return undefined;
    const datasetRunId = (outcome.response as { datasetRunId: string }).datasetRunId;
    return { datasetRunId };
  }

  /** The id of a run that {@link linkRunItem} has seen, for run-level scores. */
  datasetRunId(datasetName: string, runName: string): string | undefined {
    return this.runIds.get(runKey(datasetName, runName));
  }

  /**
   * A dataset run as Langfuse has it (`GET /api/public/datasets/{name}/runs/{run}`): its id, and
   * the links it already holds as `datasetItemId \0 traceId` — what a push checks so that a link
   * whose answer was lost is not sent twice (Langfuse gives every run item a new id). `undefined`
   * when there is no such run or Langfuse does not answer.
   */
  async findDatasetRun(
    datasetName: string,
    runName: string,
  ): Promise<{ datasetRunId: string; links: Set<string> } | undefined> {
    try {
      const run = datasetRunResponseSchema.safeParse(
        await this.client.api.datasets.getRun(datasetName, runName, {
          timeoutInSeconds: this.timeoutSeconds,
          maxRetries: this.maxRetries,
          abortSignal: this.abort.signal,
        }),
      );
      if (!run.success) return undefined;
      this.runIds.set(runKey(datasetName, runName), run.data.id);
      return {
        datasetRunId: run.data.id,
        links: new Set(run.data.datasetRunItems.map((item) => runLinkKey(item.datasetItemId, item.traceId))),
      };
    } catch {
      return undefined;
    }
  }

  /**
   * Attaches a score. Fire and forget: it is queued (await {@link ready} first to keep the queue
   * bounded) and sent in a batch; the promise, which never rejects, says whether Langfuse
   * acknowledged it.
   */
  score(score: ScoreInput): Promise<boolean> {
    const parsed = scoreSchema.safeParse(score);
    if (!parsed.success) {
      this.reject(
        'score',
        `Score "${score.name}" is invalid and was not sent: ${z.prettifyError(parsed.error)}`,
      );
      return Promise.resolve(false);
    }
    const { value, dataType, ...rest } = parsed.data;
    const target = rest.observationId ?? rest.traceId ?? rest.sessionId ?? rest.datasetRunId ?? '';
    const id = rest.id ?? stableId('baton.score', target, rest.name);
    const body = { ...rest, id, dataType, value: typeof value === 'boolean' ? Number(value) : value };
    const unit: ScoreUnit = {
      input: { ...score, id },
      eventId: randomUUID(),
      body,
      bytes: Buffer.byteLength(JSON.stringify(body)) + 120,
    };
    return this.scores.add(unit).then((outcome) => outcome.result === 'acknowledged');
  }

  /**
   * A score on a whole dataset run, by dataset and run name: sent with the run's Langfuse id once a
   * link has given it; kept in the pending file when the run's links are there too (a push sends
   * the links first); otherwise (no link ever taken, e.g. on a Langfuse v4 server) not sent.
   * Resolves whether Langfuse acknowledged it.
   */
  async scoreRun(
    run: { datasetName: string; runName: string },
    score: RunScoreInput,
    options: { keepIfUnknown?: boolean } = {},
  ): Promise<boolean> {
    const datasetRunId = this.datasetRunId(run.datasetName, run.runName);
    if (datasetRunId !== undefined) return this.score({ ...score, datasetRunId } as ScoreInput);
    if (!options.keepIfUnknown && !this.runsWithUndeliveredLinks.has(runKey(run.datasetName, run.runName)))
      return false;
    const id = score.id ?? stableId('baton.run-score', run.datasetName, run.runName, score.name);
    this.runScoresKept += 1;
    this.keep([
      { kind: 'run-score', datasetName: run.datasetName, runName: run.runName, score: { ...score, id } },
    ]);
    return false;
  }

  /** Resolves once every kind can take more work without exceeding its queue (backpressure). */
  async ready(): Promise<void> {
    await Promise.all([this.items.ready(), this.links.ready(), this.scores.ready()]);
  }

  /** Counts so far. */
  summary(): EvalReportSummary {
    const of = (queue: DeliveryQueue<unknown>, operation: EvalReportOperation) => {
      const counts = queue.counts();
      return {
        ok: counts.acknowledged,
        failed: counts.rejected + this.invalid[operation],
        skipped: counts.setAside + (operation === 'score' ? this.runScoresKept : 0),
      };
    };
    const operations: EvalReportSummary['operations'] = {
      dataset: {
        ok: this.direct.ok,
        failed: this.direct.failed + this.invalid.dataset,
        skipped: this.direct.skipped,
      },
      item: of(this.items as DeliveryQueue<unknown>, 'item'),
      runItem: of(this.links as DeliveryQueue<unknown>, 'runItem'),
      score: of(this.scores as DeliveryQueue<unknown>, 'score'),
    };
    const incomplete = Object.values(operations).some((count) => count.failed + count.skipped > 0);
    const summary: EvalReportSummary = {
      operations,
      runItemsRemoved: this.runItemsRemoved,
      incomplete,
      timedOut: this.timedOut,
    };
    if (this.firstError !== undefined) summary.firstError = this.firstError;
    if (this.stalledForMs !== undefined) summary.stalledForMs = this.stalledForMs;
    if (this.pendingLog) summary.pending = { path: this.pendingLog.path, records: this.pendingRecords };
    return summary;
  }

  /** Waits until everything handed over has ended (as {@link flush}, without its deadline or warning). */
  async drain(): Promise<void> {
    while (this.calls.size > 0) await Promise.all([...this.calls]);
    await Promise.all([this.items.drain(), this.links.drain(), this.scores.drain()]);
  }

  /**
   * Waits until everything handed over has been acknowledged, refused or set aside — as long as
   * Langfuse keeps acknowledging; the stall watch (`stallTimeoutMs`) ends the wait on one that does
   * not. `timeoutMs` adds a hard deadline, after which what is still waiting is set aside. Warns
   * with a one-line account if anything did not arrive, and returns the summary.
   */
  async flush(options: { timeoutMs?: number } = {}): Promise<EvalReportSummary> {
    let cancelDeadline: (() => void) | undefined;
    if (options.timeoutMs !== undefined) {
      const timeoutMs = options.timeoutMs;
      cancelDeadline = this.clock.setTimer(() => {
        this.timedOut = true;
        this.firstError ??= `flush gave up waiting after ${timeoutMs} ms`;
        this.abort.abort(new Error(`flush gave up waiting after ${timeoutMs} ms`));
        this.abort = listenable(new AbortController());
        for (const queue of [this.items, this.links, this.scores] as DeliveryQueue<unknown>[]) {
          queue.abandon(`flush gave up waiting after ${timeoutMs} ms`);
        }
      }, timeoutMs);
    }
    try {
      await this.drain();
    } finally {
      cancelDeadline?.();
    }
    const summary = this.summary();
    if (summary.incomplete) {
      const parts = (Object.keys(summary.operations) as EvalReportOperation[])
        .map((operation) => {
          const { failed, skipped } = summary.operations[operation];
          return failed + skipped > 0 ? `${operation}s ${failed + skipped}` : undefined;
        })
        .filter((part) => part !== undefined);
      const kept = this.pendingLog ? ` Kept for a later push in ${this.pendingLog.path}.` : '';
      this.logger.warn(
        `Langfuse did not acknowledge everything${parts.length > 0 ? ` (${parts.join(', ')} missing)` : ''}${
          summary.timedOut ? '; the reporter gave up waiting' : ''
        }.${kept} Local results are complete.`,
      );
    }
    return summary;
  }

  private noteGiveUp(stall: DeliveryStall): void {
    this.timedOut = true;
    if (stall.stalledForMs > 0) this.stalledForMs = Math.max(this.stalledForMs ?? 0, stall.stalledForMs);
    if (stall.reason !== undefined) this.firstError ??= stall.reason;
    const waited =
      stall.stalledForMs > 0
        ? `acknowledged nothing for ${formatSeconds(stall.stalledForMs)}${stall.reason ? ` (last error: ${stall.reason})` : ''}`
        : `cannot be used (${stall.reason ?? 'refused'})`;
    const kept = this.pendingLog
      ? `they are kept in ${this.pendingLog.path} for a later push`
      : 'they are not delivered';
    this.warnings.warn(
      'gave-up',
      `Langfuse at ${this.baseUrl} ${waited}, so the reporter stopped waiting: what is still waiting and what comes in the next minute is set aside; ${kept}. Evaluation results stay complete locally.`,
    );
  }

  private noteUndelivered(
    operation: EvalReportOperation,
    result: 'rejected' | 'set-aside',
    reason: string,
  ): void {
    if (result !== 'rejected') return;
    this.firstError ??= reason;
    this.warnings.warn(
      'rejected',
      `Langfuse rejected a ${operation} request (${reason}); further rejections are counted, not logged.`,
    );
  }

  private keep(entries: LangfusePendingEntry[]): void {
    if (!this.pendingLog || entries.length === 0) return;
    this.pendingLog.append(entries);
    this.pendingRecords += entries.length;
  }

  private keepDataset(dataset: {
    name: string;
    description?: string;
    metadata?: Record<string, unknown>;
  }): void {
    if (this.datasetsKept.has(dataset.name)) return;
    this.datasetsKept.add(dataset.name);
    this.keep([{ kind: 'dataset', dataset }]);
  }

  private async sendItem(unit: ItemUnit, signal: AbortSignal): Promise<DeliveryOutcome> {
    const { datasetName, item } = unit;
    try {
      const response = await this.client.api.datasetItems.create(
        {
          datasetName,
          id: langfuseDatasetItemId(datasetName, item.id),
          input: item.input,
          expectedOutput: item.expectedOutput,
          metadata: { ...item.metadata, batonItemId: item.id },
          sourceTraceId: item.sourceTraceId,
        },
        this.requestOptions(signal),
      );
      return { status: 'acknowledged', response };
    } catch (error) {
      return this.outcomeOf(error);
    }
  }

  private async sendLink(link: RunItemLink, signal: AbortSignal): Promise<DeliveryOutcome> {
    // Links queued behind the one that found the endpoint gone are not sent either.
    if (this.runItemsRemoved)
      return { status: 'not-needed', reason: 'the server has no dataset-run-items endpoint' };
    let response: unknown;
    try {
      response = await this.client.api.datasetRunItems.create(
        {
          runName: link.runName,
          runDescription: link.runDescription,
          metadata: link.runMetadata,
          datasetItemId: langfuseDatasetItemId(link.datasetName, link.itemId),
          traceId: link.traceId,
          observationId: link.observationId,
        },
        this.requestOptions(signal),
      );
    } catch (error) {
      if (error instanceof LangfuseAPIError && endpointRemoved(error.statusCode, error.body)) {
        this.noteRemovedRunItems(error.statusCode);
        return { status: 'not-needed', reason: 'the server has no dataset-run-items endpoint' };
      }
      return this.outcomeOf(error);
    }
    const parsed = runItemResponseSchema.safeParse(response);
    if (!parsed.success) {
      return {
        status: 'rejected',
        reason: `Langfuse answered a run item without a datasetRunId: ${z.prettifyError(parsed.error)}`,
      };
    }
    this.runIds.set(runKey(link.datasetName, link.runName), parsed.data.datasetRunId);
    return { status: 'acknowledged', response: parsed.data };
  }

  private async sendScores(batch: readonly ScoreUnit[], signal: AbortSignal): Promise<DeliveryOutcome[]> {
    const timestamp = new Date(this.clock.now()).toISOString();
    let response: unknown;
    try {
      response = await this.client.api.ingestion.batch(
        {
          batch: batch.map((unit) => ({
            id: unit.eventId,
            type: 'score-create' as const,
            timestamp,
            body: unit.body as never,
          })),
        },
        this.requestOptions(signal),
      );
    } catch (error) {
      const outcome = this.outcomeOf(error);
      return batch.map(() => outcome);
    }
    const parsed = ingestionResponseSchema.safeParse(response);
    if (!parsed.success) {
      const outcome: DeliveryOutcome = {
        status: 'retry',
        reason: `Langfuse answered an ingestion request with something else than its results: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`,
      };
      return batch.map(() => outcome);
    }
    const results = new Map<string, DeliveryOutcome>();
    for (const success of parsed.data.successes) results.set(success.id, { status: 'acknowledged' });
    for (const error of parsed.data.errors) {
      const reason = `HTTP ${error.status}${error.message ? ` ${error.message}` : ''}${
        error.error !== undefined ? ` ${JSON.stringify(error.error).slice(0, 200)}` : ''
      }`;
      results.set(
        error.id,
        transient(error.status) ? { status: 'retry', reason } : { status: 'rejected', reason },
      );
    }
    // An event the server did not mention is tried again: only an acknowledgement counts.
    return batch.map(
      (unit) =>
        results.get(unit.eventId) ?? { status: 'retry', reason: 'the server did not report on this score' },
    );
  }

  private requestOptions(signal: AbortSignal): RequestOptions {
    return {
      timeoutInSeconds: this.timeoutSeconds,
      maxRetries: this.maxRetries,
      abortSignal: AbortSignal.any([signal, this.abort.signal]),
    };
  }

  /** What a failed request means for its units. */
  private outcomeOf(error: unknown): DeliveryOutcome {
    const { reason, kind } = classify(error, this.timeoutSeconds);
    if (kind === 'refused') return { status: 'give-up', reason };
    if (kind === 'transient') return { status: 'retry', reason };
    return { status: 'rejected', reason };
  }

  /**
   * Whether the server answered a dataset run link as if the endpoint did not exist (a Langfuse v4
   * server): recorded, said once, and every later link is not sent. A 404 that names the missing
   * dataset item, observation or trace is an ordinary rejection of that one link.
   */
  private noteRemovedRunItems(status: number | undefined): void {
    if (this.runItemsRemoved) return;
    this.runItemsRemoved = true;
    this.warnings.warn(
      'run-items-removed',
      `Langfuse at ${this.baseUrl} answered HTTP ${status} to a dataset run link: the server has no dataset-run-items endpoint (Langfuse v4), so runs appear only as experiments built from the traces' experiment attributes. No further links are sent.`,
    );
  }

  /**
   * One direct request (the dataset: the run needs its answer before anything else), bounded by
   * the request timeout and the client's retries. An outage sets the queues aside for the cooldown.
   */
  private call<T>(request: (requestOptions: RequestOptions) => Promise<T>): Promise<T | undefined> {
    const run = async (): Promise<T | undefined> => {
      const queues = [this.items, this.links, this.scores] as DeliveryQueue<unknown>[];
      if (queues.some((queue) => queue.givenUp)) {
        this.direct.skipped += 1;
        return undefined;
      }
      try {
        const result = await request({
          timeoutInSeconds: this.timeoutSeconds,
          maxRetries: this.maxRetries,
          abortSignal: this.abort.signal,
        });
        this.direct.ok += 1;
        return result;
      } catch (error) {
        this.direct.failed += 1;
        const { reason, kind } = classify(error, this.timeoutSeconds);
        this.firstError ??= reason;
        if (kind === 'rejected') {
          this.warnings.warn(
            'rejected',
            `Langfuse rejected a dataset request (${reason}); further rejections are counted, not logged.`,
          );
        } else {
          this.warnings.warn(
            'unreachable',
            `Langfuse at ${this.baseUrl} is unreachable or refusing requests (${reason}); what the run sends in the next minute is set aside${
              this.pendingLog ? ` in ${this.pendingLog.path} for a later push` : ''
            }. Evaluation results stay complete locally.`,
          );
          for (const queue of queues) queue.abandon(reason);
        }
        return undefined;
      }
    };
    const promise = run();
    this.calls.add(promise);
    void promise.finally(() => this.calls.delete(promise));
    return promise;
  }

  private reject(operation: EvalReportOperation, message: string): void {
    this.invalid[operation] += 1;
    this.firstError ??= message;
    this.warnings.warn(`invalid-${operation}`, message);
  }
}

function runKey(datasetName: string, runName: string): string {
  return `${datasetName}\u0000${runName}`;
}

/** How {@link LangfuseEvalReporter.findDatasetRun} names a link: the Langfuse item id and the trace. */
export function runLinkKey(langfuseItemId: string, traceId: string | null): string {
  return `${langfuseItemId}\u0000${traceId ?? ''}`;
}

function transient(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${seconds >= 10 ? Math.round(seconds) : Math.round(seconds * 10) / 10} s`;
}

/**
 * What a failed request means: `refused` (keys refused: nothing will get through), `transient`
 * (down, slow, overloaded: try again later) or `rejected` (this request was refused; carry on).
 */
function classify(
  error: unknown,
  timeoutSeconds: number,
): { reason: string; kind: 'refused' | 'transient' | 'rejected' } {
  const timedOut = `no answer within ${timeoutSeconds * 1000} ms`;
  if (error instanceof LangfuseAPITimeoutError) return { reason: timedOut, kind: 'transient' };
  if (error instanceof LangfuseAPIError) {
    const status = error.statusCode;
    // The client's own timeout surfaces as an error without a status whose message is the abort reason.
    if (status === undefined)
      return { reason: error.message === '"timeout"' ? timedOut : error.message, kind: 'transient' };
    const detail =
      typeof error.body === 'object' && error.body !== null
        ? JSON.stringify(error.body)
        : String(error.body ?? '');
    const reason = `HTTP ${status}${detail ? ` ${detail.slice(0, 200)}` : ''}`;
    if (status === 401 || status === 403) return { reason, kind: 'refused' };
    return { reason, kind: transient(status) ? 'transient' : 'rejected' };
  }
  return { reason: error instanceof Error ? error.message : String(error), kind: 'transient' };
}

/**
 * Whether an answer says the endpoint itself is gone (405, 410, or a 404 that is not Langfuse's own
 * "dataset item / observation / trace not found" for one link).
 */
function endpointRemoved(status: number | undefined, body: unknown): boolean {
  if (status === 405 || status === 410) return true;
  if (status !== 404) return false;
  const message =
    typeof body === 'object' && body !== null && 'message' in body
      ? String(body.message)
      : String(body ?? '');
  return !/(dataset item|observation|trace) not found/i.test(message);
}

/** Options of {@link createLangfuseEvalReporter}. */
export interface CreateLangfuseEvalReporterOptions
  extends Omit<LangfuseEvalReporterOptions, 'client' | 'baseUrl' | 'timeoutMs' | 'stallTimeoutMs'> {
  /** Explicit connection; default: `LANGFUSE_*` from `env`. */
  langfuse?: LangfuseOptions;
  /** Default: `process.env`. */
  env?: LangfuseEnv;
}

/**
 * A {@link LangfuseEvalReporter} configured from explicit options or from `LANGFUSE_PUBLIC_KEY`,
 * `LANGFUSE_SECRET_KEY` and `LANGFUSE_BASE_URL` (or `LANGFUSE_BASEURL`, `LANGFUSE_HOST`);
 * `undefined` when Langfuse is not configured. Its warnings never carry a key or a URL's password.
 *
 * @throws TracingError `invalid-options` when explicit options are malformed
 */
export function createLangfuseEvalReporter(
  options: CreateLangfuseEvalReporterOptions = {},
): LangfuseEvalReporter | undefined {
  const baseLogger = options.logger ?? stderrLogger;
  const resolved = resolveLangfuseOptions({
    explicit: options.langfuse,
    env: options.env ?? process.env,
    logger: baseLogger,
  });
  if (!resolved) return undefined;
  const client = new LangfuseClient({
    publicKey: resolved.publicKey,
    secretKey: resolved.secretKey,
    baseUrl: resolved.baseUrl,
    timeout: resolved.timeoutMs / 1000,
  });
  return new LangfuseEvalReporter({
    ...options,
    logger: redactingLogger(baseLogger, [resolved.publicKey, resolved.secretKey]),
    client,
    baseUrl: resolved.baseUrl,
    timeoutMs: resolved.timeoutMs,
    stallTimeoutMs: resolved.stallTimeoutMs,
  });
}

/**
 * Every request in flight listens to the reporter's one abort signal (the client combines it with
 * its own timeout); a few dozen at once is the design, not a leak, so Node must not warn about it.
 */
function listenable(controller: AbortController): AbortController {
  setMaxListeners(0, controller.signal);
  return controller;
}
