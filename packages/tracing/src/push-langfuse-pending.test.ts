import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { retryFallbackFanOut } from '../test/delegation-scenarios.js';
import { createLangfuseEvalReporter, langfuseDatasetItemId } from './langfuse-eval-reporter.js';
import { LangfusePendingLog, type LangfusePendingRecord, readLangfusePending } from './langfuse-pending.js';
import { pushLangfusePending } from './push-langfuse-pending.js';
import { setupTracing } from './setup-tracing.js';
import { type FakeLangfuseServer, startFakeLangfuseServer } from './testing/fake-langfuse-server.js';
import type { TurnTrace } from './tracing-listener.js';

const keys = { publicKey: 'pk-lf-pending', secretKey: 'sk-lf-pending' };

let directory: string;
let warnings: string[];
const logger = { warn: (message: string) => warnings.push(message) };

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'baton-pending-'));
  warnings = [];
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

async function records(path: string): Promise<LangfusePendingRecord[]> {
  const all: LangfusePendingRecord[] = [];
  for await (const record of readLangfusePending(path)) all.push(record);
  return all;
}

describe('pushLangfusePending', () => {
  let server: FakeLangfuseServer;
  beforeEach(async () => {
    server = await startFakeLangfuseServer({ keys });
  });
  afterEach(async () => {
    await server.close();
  });

  const env = () => ({
    LANGFUSE_PUBLIC_KEY: keys.publicKey,
    LANGFUSE_SECRET_KEY: keys.secretKey,
    LANGFUSE_BASE_URL: server.baseUrl,
    BATON_LANGFUSE_STALL_TIMEOUT: '1',
  });

  it('keeps what a dead Langfuse did not take, then sends all of it once it is back', async () => {
    await server.kill();
    const path = join(directory, 'langfuse-pending.jsonl');
    const pending = new LangfusePendingLog({ path, logger });
    const turns: TurnTrace[] = [];
    const tracing = setupTracing({
      env: env(),
      langfuse: { ...keys, baseUrl: server.baseUrl, pending },
      jsonl: false,
      consoleSummary: false,
      logger,
      onTurnEnd: (turn) => turns.push(turn),
    });
    for (const event of retryFallbackFanOut()) tracing.listener?.(event);
    const report = await tracing.shutdown();
    const reporter = createLangfuseEvalReporter({ env: env(), logger, pending })!;
    expect(await reporter.upsertDataset({ name: 'support-v1' })).toBeUndefined();
    await reporter.upsertItems('support-v1', [{ id: 'conv-7#2', input: 'I was charged twice.' }]);
    const traceId = turns[0]!.traceId;
    const runName = 'lexical:r1';
    await reporter.linkRunItem({ datasetName: 'support-v1', itemId: 'conv-7#2', runName, traceId });
    await reporter.score({ traceId, name: 'quality', dataType: 'NUMERIC', value: 0.5 });
    await reporter.scoreRun(
      { datasetName: 'support-v1', runName },
      { name: 'quality-mean', dataType: 'NUMERIC', value: 0.5 },
    );
    const summary = await reporter.flush();

    expect(report.spansKept).toBe(16);
    expect(summary.pending).toEqual({ path, records: 5 });
    expect((await records(path)).map((record) => record.kind).sort()).toEqual([
      'dataset',
      'item',
      'run-item',
      'run-score',
      'score',
      ...Array(16).fill('span'),
    ]);

    await server.restart();
    const pushed = await pushLangfusePending({ path, env: env(), logger });

    expect(pushed).toEqual({
      kinds: {
        dataset: { read: 1, acknowledged: 1, notNeeded: 0, pending: 0 },
        item: { read: 1, acknowledged: 1, notNeeded: 0, pending: 0 },
        'run-item': { read: 1, acknowledged: 1, notNeeded: 0, pending: 0 },
        'run-score': { read: 1, acknowledged: 1, notNeeded: 0, pending: 0 },
        score: { read: 1, acknowledged: 1, notNeeded: 0, pending: 0 },
        span: { read: 16, acknowledged: 16, notNeeded: 0, pending: 0 },
      },
      remaining: 0,
      invalidLines: 0,
    });
    expect(existsSync(path)).toBe(false);
    // The spans arrive whole: the same tree, as exported. (The OTLP exporter may still be retrying
    // the export it started before the stall; Langfuse upserts spans by id, so one that arrives
    // twice is still one observation.)
    const spans = server.spans();
    expect(new Set(spans.map((span) => span.spanId)).size).toBe(16);
    expect(spans.find((span) => span.name === 'turn lexical')).toMatchObject({
      traceId,
      parentSpanId: undefined,
    });
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([traceId]));
    expect(
      server
        .scores()
        .map((score) => [score.name, score.datasetRunId ?? score.traceId])
        .sort(),
    ).toEqual([
      ['quality', traceId],
      ['quality-mean', 'run-lexical:r1'],
    ]);
    expect(server.runItems()).toHaveLength(1);
    expect(server.invalidRequests()).toEqual([]);
  });

  it('does not link twice a run item that arrived although its answer was lost', async () => {
    const path = join(directory, 'langfuse-pending.jsonl');
    const reporter = createLangfuseEvalReporter({ env: env(), logger })!;
    await reporter.upsertDataset({ name: 'support-v1' });
    await reporter.upsertItems('support-v1', [
      { id: 'a', input: 'x' },
      { id: 'b', input: 'y' },
    ]);
    const link = {
      datasetName: 'support-v1',
      runName: 'solo:r1',
      traceId: '0af7651916cd43dd8448eb211c80319c',
    };
    await reporter.linkRunItem({ ...link, itemId: 'a' });
    // As a run whose request for "a" reached Langfuse but whose answer did not come back.
    new LangfusePendingLog({ path }).append([
      { kind: 'run-item', link: { ...link, itemId: 'a' } },
      { kind: 'run-item', link: { ...link, itemId: 'b' } },
    ]);

    const pushed = await pushLangfusePending({ path, env: env(), logger });

    expect(pushed?.kinds['run-item']).toEqual({ read: 2, acknowledged: 2, notNeeded: 0, pending: 0 });
    expect(
      server
        .runItems()
        .map((item) => item.datasetItemId)
        .sort(),
    ).toEqual(['a', 'b'].map((id) => langfuseDatasetItemId('support-v1', id)).sort());
    expect([...server.arrivals().runItems.values()]).toEqual([1, 1]);
  });

  it('keeps what Langfuse still refuses, and says the push is not done', async () => {
    const path = join(directory, 'langfuse-pending.jsonl');
    // A link to an item that exists nowhere: Langfuse answers 404 for it every time.
    new LangfusePendingLog({ path }).append([
      { kind: 'run-item', link: { datasetName: 'gone', itemId: 'x', runName: 'r', traceId: 't' } },
      { kind: 'score', score: { id: 's1', traceId: 't', name: 'quality', dataType: 'NUMERIC', value: 1 } },
    ]);

    const pushed = await pushLangfusePending({ path, env: env(), logger });

    expect(pushed).toMatchObject({
      kinds: {
        'run-item': { read: 1, acknowledged: 0, pending: 1 },
        score: { read: 1, acknowledged: 1, pending: 0 },
      },
      remaining: 1,
    });
    expect((await records(path)).map((record) => record.kind)).toEqual(['run-item']);
    expect(warnings.join('\n')).toMatch(/Langfuse rejected a runItem request \(HTTP 404/);
  });

  it('is undefined without Langfuse keys, and does nothing without a pending file', async () => {
    expect(await pushLangfusePending({ path: join(directory, 'p.jsonl'), env: {}, logger })).toBeUndefined();
    expect(await pushLangfusePending({ path: join(directory, 'p.jsonl'), env: env(), logger })).toMatchObject(
      {
        remaining: 0,
        kinds: { score: { read: 0 } },
      },
    );
    expect(server.requests).toEqual([]);
  });
});
