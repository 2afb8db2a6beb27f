/**
 * `BENCH_ONLY=langfuse npm run bench -w @baton/tracing` (or, in packages/tracing,
 * `npx tsx --conditions=@baton/source bench/langfuse-export.ts`): what sending the default suite's
 * run to Langfuse costs — the time and the bytes of the span export, and the time of the push of
 * dataset items, run links and scores — against a local server that answers at once or 100 ms late.
 *
 * The spans are the default suite's own: the `traces.jsonl` of `baton eval` on `datasets/support`
 * (test split, every default strategy, pushing to the local server so that the spans carry their
 * experiment attributes as they do for Langfuse), which the script runs first unless BENCH_TRACES
 * names a trace file. They go through the real Langfuse pipeline — Langfuse's span processor, the
 * resilient batch exporter, the OTLP/HTTP exporter — once as before #13 (uncompressed, 512 spans a
 * request, 2 in flight) and once as now (gzip, 1,000 a request, 4 in flight). Items, links and
 * scores go through the eval reporter in the default suite's numbers (BENCH_ITEMS, BENCH_STRATEGIES).
 *
 * The receiving server runs in a child process (the other core of a 2-core machine), reads and
 * counts every body and answers `{}` (or the ingestion API's 207) after BENCH_DELAY_MS (0 and 100).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Attributes, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { type JsonlSpanRecord, readJsonlSpans } from '../src/jsonl-span-record.js';
import { createLangfuseEvalReporter } from '../src/langfuse-eval-reporter.js';
import { createLangfuseSpanProcessor } from '../src/langfuse-span-processor.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const delays = (process.env.BENCH_DELAY_MS ?? '0,100').split(',').map(Number);
const items = Number(process.env.BENCH_ITEMS ?? 344);
const strategies = Number(process.env.BENCH_STRATEGIES ?? 7);
const keys = { publicKey: 'pk-lf-bench', secretKey: 'sk-lf-bench' };
const quiet = { warn: (message: string) => process.stderr.write(`  warning: ${message}\n`) };

/** The receiving server, in a child process: counts bodies, answers after `delay` ms. */
const sinkSource = `
const { createServer } = require('node:http');
let delay = 0; const stats = { requests: 0, wireBytes: 0, bodyBytes: 0, spans: 0, events: 0 };
const { gunzipSync } = require('node:zlib');
const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const wire = Buffer.concat(chunks);
    const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(wire) : wire;
    stats.requests += 1; stats.wireBytes += wire.length; stats.bodyBytes += body.length;
    let answer = {}; let status = 200;
    if (request.url.startsWith('/api/public/otel')) {
      const text = body.toString();
      stats.spans += (text.match(/"spanId"/g) || []).length;
    } else if (request.url.startsWith('/api/public/ingestion')) {
      const batch = JSON.parse(body.toString()).batch;
      stats.events += batch.length; status = 207;
      answer = { successes: batch.map((event) => ({ id: event.id, status: 201 })), errors: [] };
    } else if (request.url.startsWith('/api/public/dataset-run-items')) {
      answer = { id: 'r', datasetRunId: 'run', datasetRunName: 'run', datasetItemId: 'i', traceId: 't', observationId: null, createdAt: '', updatedAt: '' };
    } else if (request.url.startsWith('/api/public/v2/datasets')) {
      answer = { id: 'dataset', name: 'd' };
    }
    setTimeout(() => { response.writeHead(status, { 'content-type': 'application/json' }); response.end(JSON.stringify(answer)); }, delay);
  });
});
process.on('message', (message) => {
  if (message.delay !== undefined) { delay = message.delay; for (const key in stats) stats[key] = 0; process.send({ ok: true }); }
  if (message.stats) process.send({ stats });
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
`;

interface SinkStats {
  requests: number;
  wireBytes: number;
  bodyBytes: number;
  spans: number;
  events: number;
}

function ask<T>(child: ChildProcess, message: object, key: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (answer: Record<string, unknown>) => {
      if (key in answer) {
        child.off('message', listener);
        resolve(answer[key] as T);
      }
    };
    child.on('message', listener);
    if (Object.keys(message).length > 0) child.send(message);
  });
}

async function defaultSuiteSpans(baseUrl: string): Promise<JsonlSpanRecord[]> {
  let path = process.env.BENCH_TRACES;
  let scratch: string | undefined;
  if (!path) {
    scratch = mkdtempSync(join(tmpdir(), 'baton-langfuse-bench-'));
    process.stderr.write(
      'Replaying the default suite (baton eval, pushing to the local server) for its spans…\n',
    );
    execFileSync(
      process.execPath,
      [
        join(root, 'apps/eval/bin/baton.js'),
        'eval',
        '--cwd',
        root,
        '--no-progress',
        '--resamples',
        '200',
        '--out',
        join(scratch, 'run'),
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: {
          ...process.env,
          LANGFUSE_PUBLIC_KEY: keys.publicKey,
          LANGFUSE_SECRET_KEY: keys.secretKey,
          LANGFUSE_BASE_URL: baseUrl,
        },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    path = join(scratch, 'run', 'traces.jsonl');
  }
  if (!existsSync(path)) throw new Error(`no trace file at ${path}`);
  const spans: JsonlSpanRecord[] = [];
  for await (const span of readJsonlSpans(path)) spans.push(span);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  return spans;
}

const kinds: Record<JsonlSpanRecord['kind'], SpanKind> = {
  internal: SpanKind.INTERNAL,
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};
const statuses = { unset: SpanStatusCode.UNSET, ok: SpanStatusCode.OK, error: SpanStatusCode.ERROR };
const hr = (iso: string): [number, number] => {
  const ms = Date.parse(iso);
  return [Math.floor(ms / 1000), (ms % 1000) * 1e6];
};

function toReadable(records: readonly JsonlSpanRecord[]): ReadableSpan[] {
  const resource = defaultResource().merge(resourceFromAttributes({ 'service.name': 'baton' }));
  return records.map((record) => ({
    name: record.name,
    kind: kinds[record.kind],
    spanContext: () => ({ traceId: record.traceId, spanId: record.spanId, traceFlags: 1 }),
    ...(record.parentSpanId
      ? { parentSpanContext: { traceId: record.traceId, spanId: record.parentSpanId, traceFlags: 1 } }
      : {}),
    startTime: hr(record.start),
    endTime: hr(record.end),
    status: {
      code: statuses[record.status.code],
      ...(record.status.message ? { message: record.status.message } : {}),
    },
    attributes: record.attributes as Attributes,
    links: [],
    events: record.events.map((event) => ({
      name: event.name,
      time: hr(event.time),
      attributes: event.attributes as Attributes,
    })),
    duration: [Math.floor(record.durationMs / 1000), Math.round((record.durationMs % 1000) * 1e6)],
    ended: true,
    resource,
    instrumentationScope: { name: record.scope },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  }));
}

async function exportSpans(
  spans: readonly ReadableSpan[],
  baseUrl: string,
  setup: 'before' | 'now',
): Promise<{ ms: number; sent: number; dropped: number }> {
  const before = setup === 'before';
  const { processor, exporter } = createLangfuseSpanProcessor({
    ...keys,
    baseUrl,
    timeoutMs: 30_000,
    logger: quiet,
    maxQueueSize: 200_000,
    ...(before
      ? {
          maxBatchSize: 512,
          maxConcurrentExports: 2,
          exporter: new OTLPTraceExporter({
            url: `${baseUrl}/api/public/otel/v1/traces`,
            headers: {
              Authorization: `Basic ${Buffer.from(`${keys.publicKey}:${keys.secretKey}`).toString('base64')}`,
            },
            timeoutMillis: 30_000,
          }),
        }
      : {}),
  });
  const started = performance.now();
  for (const span of spans) processor.onEnd(span);
  await processor.shutdown();
  const { sent, dropped } = exporter.stats();
  return { ms: performance.now() - started, sent, dropped };
}

async function pushResults(baseUrl: string): Promise<{ ms: number; acknowledged: number; total: number }> {
  const reporter = createLangfuseEvalReporter({
    env: {},
    langfuse: { ...keys, baseUrl, timeoutMs: 30_000 },
    logger: quiet,
  });
  if (!reporter) throw new Error('no reporter');
  const started = performance.now();
  await reporter.upsertDataset({ name: 'bench' });
  await reporter.upsertItems(
    'bench',
    Array.from({ length: items }, (_, index) => ({
      id: `conversation-${index}#1`,
      input: {
        message: 'How do I reset my password?'.repeat(4),
        conversationId: `conversation-${index}`,
        turnIndex: 1,
      },
      expectedOutput: {
        reference: 'Open Settings, then Security.'.repeat(6),
        gold: { domains: ['account'] },
      },
      metadata: { conversationId: `conversation-${index}` },
    })),
  );
  let total = items;
  for (let strategy = 0; strategy < strategies; strategy++) {
    for (let index = 0; index < items; index++) {
      const traceId = `${strategy.toString(16).padStart(16, '0')}${index.toString(16).padStart(16, '0')}`;
      await reporter.ready();
      void reporter.linkRunItem({
        datasetName: 'bench',
        itemId: `conversation-${index}#1`,
        runName: `s${strategy}:bench`,
        traceId,
      });
      total += 1;
      for (const name of [
        'answerQuality',
        'humanCleanup',
        'escalated',
        'fallback',
        'routingCorrect',
        'pass',
        'outcome',
      ]) {
        void reporter.score(
          name === 'outcome'
            ? { traceId, name, dataType: 'CATEGORICAL', value: 'answered' }
            : name === 'answerQuality' || name === 'humanCleanup'
              ? { traceId, name, dataType: 'NUMERIC', value: 0.5, comment: 'nugget recall: 1 of 2 nuggets' }
              : { traceId, name, dataType: 'BOOLEAN', value: false },
        );
        total += 1;
      }
    }
  }
  const summary = await reporter.flush();
  const acknowledged = Object.values(summary.operations).reduce((sum, count) => sum + count.ok, 0) - 1;
  return { ms: performance.now() - started, acknowledged, total };
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const sink = spawn(process.execPath, ['-e', sinkSource], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const port = await ask<number>(sink, {}, 'port');
const baseUrl = `http://127.0.0.1:${port}`;
const records = await defaultSuiteSpans(baseUrl);
const spans = toReadable(records);
const rows: string[] = [];
for (const delay of delays) {
  for (const setup of ['before', 'now'] as const) {
    await ask(sink, { delay }, 'ok');
    const result = await exportSpans(spans, baseUrl, setup);
    const stats = await ask<SinkStats>(sink, { stats: true }, 'stats');
    rows.push(
      `| spans, ${setup === 'before' ? 'before #13 (no gzip, 512 a request, 2 in flight)' : 'now (gzip, 1,000 a request, 4 in flight)'} | ${delay} ms | ${seconds(result.ms)} | ${stats.requests} | ${mb(stats.wireBytes)} | ${mb(stats.bodyBytes)} | ${result.sent}/${spans.length} |`,
    );
  }
  await ask(sink, { delay }, 'ok');
  const pushed = await pushResults(baseUrl);
  const stats = await ask<SinkStats>(sink, { stats: true }, 'stats');
  rows.push(
    `| items, run links, scores (${items} items × ${strategies} strategies) | ${delay} ms | ${seconds(pushed.ms)} | ${stats.requests} | ${mb(stats.wireBytes)} | ${mb(stats.bodyBytes)} | ${pushed.acknowledged}/${pushed.total} |`,
  );
}
sink.kill();
process.stdout.write(
  [
    `Default suite: ${records.length} spans. Node ${process.version}.`,
    '',
    '| what | server delay | time | requests | bytes on the wire | bytes uncompressed | acknowledged |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n'),
);
