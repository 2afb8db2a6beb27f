import { appendFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { ExportResultCode } from '@opentelemetry/core';
import type { Clock } from './clock.js';
import { type DeliveryOutcome, DeliveryQueue } from './delivery-queue.js';
import { type LangfuseEnv, type LangfuseOptions, resolveLangfuseOptions } from './langfuse-config.js';
import {
  createLangfuseEvalReporter,
  type LangfuseEvalReporterOptions,
  langfuseDatasetItemId,
  runLinkKey,
} from './langfuse-eval-reporter.js';
import {
  type LangfusePendingKind,
  LangfusePendingLog,
  type LangfusePendingRecord,
  langfusePendingKinds,
  readLangfusePending,
} from './langfuse-pending.js';
import { createLangfuseOtlpExporter } from './langfuse-span-processor.js';
import { fromPendingSpan, type PendingSpan } from './pending-span.js';
import { redactingLogger } from './redact.js';
import { stderrLogger, type TracingLogger } from './tracing-logger.js';

/** Options of {@link pushLangfusePending}. */
export interface PushLangfusePendingOptions {
  /** The pending file, e.g. `<run folder>/langfuse-pending.jsonl`. */
  path: string;
  /** Explicit connection; default: `LANGFUSE_*` from `env`. */
  langfuse?: LangfuseOptions;
  /** Default: `process.env`. */
  env?: LangfuseEnv;
  logger?: TracingLogger;
  clock?: Clock;
  /** Tuning of the reporter that sends items, links and scores (tests). */
  reporter?: Pick<
    LangfuseEvalReporterOptions,
    'concurrency' | 'scoreConcurrency' | 'cooldownMs' | 'maxRetries'
  >;
}

/** Per kind, what a push did with the records it read. */
export interface PushedKind {
  /** Records read from the file. */
  read: number;
  /** Acknowledged by Langfuse now, or found already there (a run link whose answer was lost before). */
  acknowledged: number;
  /** Not needed any more (dataset run links on a server without that endpoint). */
  notNeeded: number;
  /** Still not delivered: kept in the file. */
  pending: number;
}

/** What {@link pushLangfusePending} did. */
export interface PushLangfusePendingResult {
  kinds: Record<LangfusePendingKind, PushedKind>;
  /** Records still in the file (0: the file is gone). */
  remaining: number;
  /**
   * Lines that were not pending records (a malformed record, a torn last line): not sent, reported
   * through the logger and kept verbatim in {@link invalidPath}, never dropped with the file.
   */
  invalidLines: number;
  /** Where the invalid lines are kept (`<path>.invalid`), when there were any. */
  invalidPath?: string;
}

/** Spans per OTLP request when pushing (the same as the live export). */
const spanBatchSize = 1_000;

/**
 * Sends what a run kept in its pending file (see `LangfusePendingLog`) to Langfuse, in dependency
 * order — datasets, dataset items, run links, run-level scores, scores, spans — with the same
 * batching, backpressure and stall handling as the run itself, then rewrites the file with only
 * what is still not delivered (or removes it). Idempotent: items, scores and spans carry stable
 * ids that Langfuse upserts, and run links (which Langfuse gives a new id each time) are checked
 * against the run's existing links first, so pushing twice — or a link whose answer was lost —
 * never counts anything twice. Resolves `undefined` when Langfuse is not configured; never
 * throws for Langfuse's sake.
 *
 * @example
 * ```ts
 * const result = await pushLangfusePending({ path: '.baton/runs/2026-…/langfuse-pending.jsonl' });
 * if (result && result.remaining > 0) console.error('still pending:', result.kinds);
 * ```
 */
export async function pushLangfusePending(
  options: PushLangfusePendingOptions,
): Promise<PushLangfusePendingResult | undefined> {
  const env = options.env ?? process.env;
  const baseLogger = options.logger ?? stderrLogger;
  const resolved = resolveLangfuseOptions({ explicit: options.langfuse, env, logger: baseLogger });
  if (!resolved) return undefined;
  const logger = redactingLogger(baseLogger, [resolved.publicKey, resolved.secretKey]);
  const kinds = Object.fromEntries(
    langfusePendingKinds.map((kind) => [kind, { read: 0, acknowledged: 0, notNeeded: 0, pending: 0 }]),
  ) as Record<LangfusePendingKind, PushedKind>;
  const result: PushLangfusePendingResult = { kinds, remaining: 0, invalidLines: 0 };
  if (!existsSync(options.path)) return result;

  // A crashed earlier push may have left its half-written successor: start it over.
  const nextPath = `${options.path}.next`;
  rmSync(nextPath, { force: true });
  const pending = new LangfusePendingLog({ path: nextPath, logger });
  const reporter = createLangfuseEvalReporter({
    langfuse: resolved,
    env,
    logger,
    pending,
    ...(options.clock ? { clock: options.clock } : {}),
    ...options.reporter,
  });
  if (!reporter) return undefined;
  const acknowledged = (kind: LangfusePendingKind) => (delivered: boolean) => {
    if (delivered) kinds[kind].acknowledged += 1;
  };

  const records = async function* <TKind extends LangfusePendingKind>(
    kind: TKind,
  ): AsyncGenerator<Extract<LangfusePendingRecord, { kind: TKind }>> {
    for await (const record of readLangfusePending(options.path, {
      onInvalid: (line, reason, text) => {
        // Reported once, on the first pass over the file.
        if (kind !== langfusePendingKinds[0]) return;
        result.invalidLines += 1;
        // The pending file is rewritten or removed below: what cannot be sent is kept aside, whole.
        const invalidPath = `${options.path}.invalid`;
        let kept = true;
        try {
          appendFileSync(invalidPath, `${text}\n`);
          result.invalidPath = invalidPath;
        } catch {
          kept = false;
        }
        logger.warn(
          `${options.path}:${line} is not a pending Langfuse record (${reason}); it is not sent${
            kept ? ` and kept in ${invalidPath}` : ''
          }.`,
        );
      },
    })) {
      if (record.kind === kind) {
        kinds[kind].read += 1;
        yield record as Extract<LangfusePendingRecord, { kind: TKind }>;
      }
    }
  };

  for await (const record of records('dataset')) {
    acknowledged('dataset')((await reporter.upsertDataset(record.dataset)) !== undefined);
  }

  const work: Promise<unknown>[] = [];
  for await (const record of records('item')) {
    await reporter.ready();
    work.push(
      reporter
        .upsertItems(record.datasetName, [record.item])
        .then(({ written }) => acknowledged('item')(written > 0)),
    );
  }
  await Promise.all(work.splice(0));
  await reporter.drain();

  // Links already in the run (sent before, answer lost) are not sent again.
  const existing = new Map<string, Promise<Set<string>>>();
  const runLinks = (datasetName: string, runName: string) => {
    const key = `${datasetName}\u0000${runName}`;
    let links = existing.get(key);
    if (!links) {
      links = reporter.findDatasetRun(datasetName, runName).then((run) => run?.links ?? new Set<string>());
      existing.set(key, links);
    }
    return links;
  };
  for await (const { link } of records('run-item')) {
    const there = await runLinks(link.datasetName, link.runName);
    if (there.has(runLinkKey(langfuseDatasetItemId(link.datasetName, link.itemId), link.traceId))) {
      kinds['run-item'].acknowledged += 1;
      continue;
    }
    await reporter.ready();
    work.push(reporter.linkRunItem(link).then((answer) => acknowledged('run-item')(answer !== undefined)));
  }
  await Promise.all(work.splice(0));
  await reporter.drain();

  const runIds = new Map<string, Promise<string | undefined>>();
  for await (const record of records('run-score')) {
    const key = `${record.datasetName}\u0000${record.runName}`;
    let runId = runIds.get(key);
    if (!runId) {
      runId = Promise.resolve(
        reporter.datasetRunId(record.datasetName, record.runName) ??
          reporter.findDatasetRun(record.datasetName, record.runName).then((run) => run?.datasetRunId),
      );
      runIds.set(key, runId);
    }
    await runId;
    await reporter.ready();
    work.push(
      reporter
        .scoreRun({ datasetName: record.datasetName, runName: record.runName }, record.score, {
          keepIfUnknown: true,
        })
        .then(acknowledged('run-score')),
    );
  }
  for await (const record of records('score')) {
    await reporter.ready();
    work.push(reporter.score(record.score).then(acknowledged('score')));
  }

  const exporter = createLangfuseOtlpExporter(resolved);
  const spans = new DeliveryQueue<PendingSpan>({
    maxBatchSize: spanBatchSize,
    lingerMs: 50,
    concurrency: 4,
    stallTimeoutMs: resolved.stallTimeoutMs,
    ...(options.clock ? { clock: options.clock } : {}),
    send: (batch) => exportSpans(exporter, batch),
    onUndelivered: (units) => pending.append(units.map((span) => ({ kind: 'span', span }))),
    onGiveUp: (stall) =>
      logger.warn(
        `Langfuse acknowledged no spans for ${Math.round(stall.stalledForMs / 1000)} s (${stall.reason ?? 'no answer'}); ${stall.setAside} spans stay in ${options.path}.`,
      ),
  });
  for await (const record of records('span')) {
    await spans.ready();
    work.push(
      spans.add(record.span).then((outcome) => acknowledged('span')(outcome.result === 'acknowledged')),
    );
  }
  await Promise.all(work);
  await Promise.all([reporter.flush(), spans.drain()]);
  await exporter.shutdown().catch(() => undefined);

  const kept = pending.counts();
  for (const kind of langfusePendingKinds) {
    kinds[kind].pending = kept[kind];
    kinds[kind].notNeeded = Math.max(0, kinds[kind].read - kinds[kind].acknowledged - kept[kind]);
  }
  result.remaining = pending.size;
  if (pending.size === 0) {
    rmSync(options.path, { force: true });
    rmSync(nextPath, { force: true });
  } else {
    renameSync(nextPath, options.path);
  }
  return result;
}

/** One OTLP export of kept spans: acknowledged, refused (4xx) or to be tried again. */
function exportSpans(
  exporter: ReturnType<typeof createLangfuseOtlpExporter>,
  batch: readonly PendingSpan[],
): Promise<DeliveryOutcome> {
  return new Promise((resolve) => {
    exporter.export(batch.map(fromPendingSpan), (result) => {
      if (result.code === ExportResultCode.SUCCESS) return resolve({ status: 'acknowledged' });
      const status = (result.error as { code?: unknown } | undefined)?.code;
      const reason = `${typeof status === 'number' ? `HTTP ${status} ` : ''}${result.error?.message ?? 'export failed'}`;
      if (status === 401 || status === 403) return resolve({ status: 'give-up', reason });
      const refused =
        typeof status === 'number' && status >= 400 && status < 500 && status !== 408 && status !== 429;
      resolve(refused ? { status: 'rejected', reason } : { status: 'retry', reason });
    });
  });
}
