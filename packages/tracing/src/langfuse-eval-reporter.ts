import { setMaxListeners } from 'node:events';
import { LangfuseClient } from '@langfuse/client';
import { LangfuseAPIError, LangfuseAPITimeoutError } from '@langfuse/core';
import { z } from 'zod';
import { type LangfuseEnv, type LangfuseOptions, resolveLangfuseOptions } from './langfuse-config.js';
import { stableId } from './stable-id.js';
import { stderrLogger, type TracingLogger, WarnOnce } from './tracing-logger.js';
import { withDeadline } from './with-deadline.js';

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
} & (
  | { dataType: 'NUMERIC'; value: number }
  | { dataType: 'BOOLEAN'; value: boolean }
  | { dataType: 'CATEGORICAL'; value: string }
);

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
   * Per operation: accepted, failed (an error or a rejected input), skipped (paused after a
   * failure). Dataset run links not sent because the server no longer has that endpoint are in
   * none of them (see `runItemsRemoved`).
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
  /** Whether flush gave up waiting at its deadline. */
  timedOut: boolean;
}

/** Options of {@link LangfuseEvalReporter}. */
export interface LangfuseEvalReporterOptions {
  /** A configured client (its base URL is shown in warnings). */
  client: LangfuseClient;
  /** Shown in warnings. */
  baseUrl: string;
  logger?: TracingLogger;
  /** Per-request timeout. Default 5,000 ms. */
  timeoutMs?: number;
  /** Retries of a request answered 408, 429 or 5xx (the client's own backoff). Default 1. */
  maxRetries?: number;
  /** Requests in flight at once. Default 8. */
  concurrency?: number;
  /** After Langfuse is unreachable, calls are skipped for this long. Default 60,000 ms. */
  cooldownMs?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
}

/** Thrown instead of sending a link once the endpoint is known to be gone. */
const notSent = new Error('dataset run links are not sent to this server');

const runItemResponseSchema = z.object({ datasetRunId: z.string() });
const datasetResponseSchema = z.object({ id: z.string().min(1), name: z.string() });

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

/**
 * Pushes evaluation runs to Langfuse for the harness: datasets built from recorded conversations
 * (one item per user turn, idempotent by stable ids), one dataset run per strategy with each item
 * linked to its trace, and scores (numeric, boolean, categorical) on traces, observations and runs
 * — so Langfuse's run comparison shows strategies side by side.
 *
 * No call ever throws or stalls the run: requests are bounded (timeout, retries, concurrency); the
 * first failure warns once and pauses further calls for a cooldown; {@link flush} reports what did
 * not arrive.
 *
 * @example
 * ```ts
 * const reporter = createLangfuseEvalReporter();
 * if (reporter) {
 *   await reporter.upsertDataset({ name: 'support-v1' });
 *   await reporter.upsertItems('support-v1', turns.map((t) => ({ id: t.id, input: t.message, expectedOutput: t.reference })));
 *   const runName = datasetRunName('lexical', runId);
 *   const link = await reporter.linkRunItem({ datasetName: 'support-v1', itemId: t.id, runName, traceId });
 *   reporter.score({ traceId, name: 'quality', dataType: 'NUMERIC', value: 0.8 });
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
  private readonly concurrency: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly waiting: (() => void)[] = [];
  private active = 0;
  private pausedUntil = 0;
  private abort = listenable(new AbortController());
  private readonly runIds = new Map<string, string>();
  private runItemsRemoved = false;
  private readonly counts: EvalReportSummary['operations'] = {
    dataset: { ok: 0, failed: 0, skipped: 0 },
    item: { ok: 0, failed: 0, skipped: 0 },
    runItem: { ok: 0, failed: 0, skipped: 0 },
    score: { ok: 0, failed: 0, skipped: 0 },
  };
  private firstError: string | undefined;

  constructor(options: LangfuseEvalReporterOptions) {
    this.client = options.client;
    this.baseUrl = options.baseUrl;
    this.logger = options.logger ?? stderrLogger;
    this.warnings = new WarnOnce(this.logger);
    this.timeoutSeconds = (options.timeoutMs ?? 5_000) / 1000;
    this.maxRetries = options.maxRetries ?? 1;
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    this.cooldownMs = options.cooldownMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Creates the dataset, or updates its description and metadata. Resolves the dataset's Langfuse
   * id and name (the id is what experiment spans carry), or `undefined` if Langfuse did not take it.
   */
  async upsertDataset(dataset: {
    name: string;
    description?: string;
    metadata?: Record<string, unknown>;
  }): Promise<UpsertedDataset | undefined> {
    const response = await this.call('dataset', (requestOptions) =>
      this.client.api.datasets.create(
        { name: dataset.name, description: dataset.description, metadata: dataset.metadata },
        requestOptions,
      ),
    );
    if (response === undefined) return undefined;
    const parsed = datasetResponseSchema.safeParse(response);
    if (!parsed.success) {
      this.reject('dataset', `Langfuse answered a dataset without an id: ${z.prettifyError(parsed.error)}`);
      return undefined;
    }
    return { id: parsed.data.id, name: parsed.data.name };
  }

  /**
   * Creates or updates dataset items (one per user turn). Ids are stable, so running it again
   * updates rather than duplicates.
   */
  async upsertItems(
    datasetName: string,
    items: readonly DatasetItemInput[],
  ): Promise<{ written: number; failed: number }> {
    const results = await Promise.all(
      items.map((item) =>
        this.call('item', (requestOptions) =>
          this.client.api.datasetItems.create(
            {
              datasetName,
              id: langfuseDatasetItemId(datasetName, item.id),
              input: item.input,
              expectedOutput: item.expectedOutput,
              metadata: { ...item.metadata, batonItemId: item.id },
              sourceTraceId: item.sourceTraceId,
            },
            requestOptions,
          ),
        ),
      ),
    );
    const written = results.filter((result) => result !== undefined).length;
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
    const response = await this.call(
      'runItem',
      (requestOptions) => {
        // Links queued behind the one that found the endpoint gone are not sent either.
        if (this.runItemsRemoved) throw notSent;
        return this.client.api.datasetRunItems.create(
          {
            runName: link.runName,
            runDescription: link.runDescription,
            metadata: link.runMetadata,
            datasetItemId: langfuseDatasetItemId(link.datasetName, link.itemId),
            traceId: link.traceId,
            observationId: link.observationId,
          },
          requestOptions,
        );
      },
      (error) => this.noteRemovedRunItems(error),
    );
    if (response === undefined) return undefined;
    const parsed = runItemResponseSchema.safeParse(response);
    if (!parsed.success) {
      this.reject(
        'runItem',
        `Langfuse answered a run item without a datasetRunId: ${z.prettifyError(parsed.error)}`,
      );
      return undefined;
    }
    this.runIds.set(`${link.datasetName}\u0000${link.runName}`, parsed.data.datasetRunId);
    return parsed.data;
  }

  /**
   * Whether the server answered a dataset run link as if the endpoint did not exist (a Langfuse v4
   * server): recorded, said once, and every later link is not sent. A 404 that names the missing
   * dataset item, observation or trace is an ordinary rejection of that one link.
   */
  private noteRemovedRunItems(error: unknown): boolean {
    if (error === notSent) return true;
    if (!(error instanceof LangfuseAPIError) || !endpointRemoved(error.statusCode, error.body)) return false;
    if (!this.runItemsRemoved) {
      this.runItemsRemoved = true;
      this.warnings.warn(
        'run-items-removed',
        `Langfuse at ${this.baseUrl} answered HTTP ${error.statusCode} to a dataset run link: the server has no dataset-run-items endpoint (Langfuse v4), so runs appear only as experiments built from the traces' experiment attributes. No further links are sent.`,
      );
    }
    return true;
  }

  /** The id of a run that {@link linkRunItem} has seen, for run-level scores. */
  datasetRunId(datasetName: string, runName: string): string | undefined {
    return this.runIds.get(`${datasetName}\u0000${runName}`);
  }

  /**
   * Attaches a score. Fire and forget: the request runs in the background and {@link flush}
   * waits for it; the promise (which never rejects) says whether Langfuse accepted it.
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
    return this.call('score', (requestOptions) =>
      this.client.api.scores.create(
        { ...rest, id, dataType, value: typeof value === 'boolean' ? Number(value) : value },
        requestOptions,
      ),
    ).then((result) => result !== undefined);
  }

  /** Counts so far. */
  summary(timedOut = false): EvalReportSummary {
    const operations = structuredClone(this.counts);
    const incomplete = Object.values(operations).some((count) => count.failed + count.skipped > 0);
    const summary: EvalReportSummary = {
      operations,
      runItemsRemoved: this.runItemsRemoved,
      incomplete,
      timedOut,
    };
    if (this.firstError !== undefined) summary.firstError = this.firstError;
    return summary;
  }

  /**
   * Waits for every request in flight (at most `timeoutMs`, default 10,000; requests still
   * running then are aborted), warns with a one-line account if anything did not arrive, and
   * returns the summary.
   */
  async flush(options: { timeoutMs?: number } = {}): Promise<EvalReportSummary> {
    const drained = withDeadline(this.drain(), options.timeoutMs ?? 10_000);
    const finished = await drained;
    if (!finished) {
      this.abort.abort();
      this.abort = listenable(new AbortController());
    }
    const summary = this.summary(!finished);
    if (summary.incomplete || !finished) {
      const parts = (Object.keys(summary.operations) as EvalReportOperation[])
        .map((operation) => {
          const { failed, skipped } = summary.operations[operation];
          return failed + skipped > 0 ? `${operation}s ${failed + skipped}` : undefined;
        })
        .filter((part) => part !== undefined);
      this.logger.warn(
        `Langfuse did not receive everything${parts.length > 0 ? ` (${parts.join(', ')} missing)` : ''}${
          finished ? '' : '; flush gave up waiting'
        }. Local results are complete.`,
      );
    }
    return summary;
  }

  private async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /**
   * Runs one request within the reporter's bounds. `handled` may claim an error (returning true),
   * which then counts as neither success nor failure.
   */
  private call<T>(
    operation: EvalReportOperation,
    request: (requestOptions: {
      timeoutInSeconds: number;
      maxRetries: number;
      abortSignal: AbortSignal;
    }) => Promise<T>,
    handled?: (error: unknown) => boolean,
  ): Promise<T | undefined> {
    const run = async (): Promise<T | undefined> => {
      await this.slot();
      try {
        if (this.now() < this.pausedUntil) {
          this.counts[operation].skipped += 1;
          return undefined;
        }
        const result = await request({
          timeoutInSeconds: this.timeoutSeconds,
          maxRetries: this.maxRetries,
          abortSignal: this.abort.signal,
        });
        this.counts[operation].ok += 1;
        return result;
      } catch (error) {
        if (!handled?.(error)) this.fail(operation, error);
        return undefined;
      } finally {
        this.release();
      }
    };
    const promise = run();
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
    return promise;
  }

  private slot(): Promise<void> {
    if (this.active < this.concurrency) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }

  private fail(operation: EvalReportOperation, error: unknown): void {
    this.counts[operation].failed += 1;
    const { reason, outage } = classify(error, this.timeoutSeconds);
    this.firstError ??= reason;
    if (outage) {
      this.pausedUntil = this.now() + this.cooldownMs;
      this.warnings.warn(
        'unreachable',
        `Langfuse at ${this.baseUrl} is unreachable or refusing requests (${reason}); evaluation results stay local. Calls pause for ${Math.round(
          this.cooldownMs / 1000,
        )} s after each such failure; further failures are counted, not logged.`,
      );
    } else {
      this.warnings.warn(
        'rejected',
        `Langfuse rejected a ${operation} request (${reason}); further rejections are counted, not logged.`,
      );
    }
  }

  private reject(operation: EvalReportOperation, message: string): void {
    this.counts[operation].failed += 1;
    this.firstError ??= message;
    this.warnings.warn(`invalid-${operation}`, message);
  }
}

/** Whether an error means Langfuse is down or locked (pause) or that one request was refused (carry on). */
function classify(error: unknown, timeoutSeconds: number): { reason: string; outage: boolean } {
  const timedOut = `no answer within ${timeoutSeconds * 1000} ms`;
  if (error instanceof LangfuseAPITimeoutError) return { reason: timedOut, outage: true };
  if (error instanceof LangfuseAPIError) {
    const status = error.statusCode;
    // The client's own timeout surfaces as an error without a status whose message is the abort reason.
    if (status === undefined)
      return { reason: error.message === '"timeout"' ? timedOut : error.message, outage: true };
    const detail =
      typeof error.body === 'object' && error.body !== null
        ? JSON.stringify(error.body)
        : String(error.body ?? '');
    const reason = `HTTP ${status}${detail ? ` ${detail.slice(0, 200)}` : ''}`;
    return {
      reason,
      outage: status === 401 || status === 403 || status === 408 || status === 429 || status >= 500,
    };
  }
  return { reason: error instanceof Error ? error.message : String(error), outage: true };
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
  extends Omit<LangfuseEvalReporterOptions, 'client' | 'baseUrl' | 'timeoutMs'> {
  /** Explicit connection; default: `LANGFUSE_*` from `env`. */
  langfuse?: LangfuseOptions;
  /** Default: `process.env`. */
  env?: LangfuseEnv;
}

/**
 * A {@link LangfuseEvalReporter} configured from explicit options or from `LANGFUSE_PUBLIC_KEY`,
 * `LANGFUSE_SECRET_KEY` and `LANGFUSE_BASE_URL`; `undefined` when Langfuse is not configured.
 *
 * @throws TracingError `invalid-options` when explicit options are malformed
 */
export function createLangfuseEvalReporter(
  options: CreateLangfuseEvalReporterOptions = {},
): LangfuseEvalReporter | undefined {
  const logger = options.logger ?? stderrLogger;
  const resolved = resolveLangfuseOptions({
    explicit: options.langfuse,
    env: options.env ?? process.env,
    logger,
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
    logger,
    client,
    baseUrl: resolved.baseUrl,
    timeoutMs: resolved.timeoutMs,
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
