import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { retryFallbackFanOut } from '../test/delegation-scenarios.js';
import {
  createLangfuseEvalReporter,
  datasetRunName,
  type LangfuseEvalReporter,
  langfuseDatasetItemId,
} from './langfuse-eval-reporter.js';
import { setupTracing } from './setup-tracing.js';
import { type FakeLangfuseServer, startFakeLangfuseServer } from './testing/fake-langfuse-server.js';
import type { TurnTrace } from './tracing-listener.js';

const keys = { publicKey: 'pk-lf-test', secretKey: 'sk-lf-test' };
const expectedAuthorization = `Basic ${Buffer.from('pk-lf-test:sk-lf-test').toString('base64')}`;

let warnings: string[];
const logger = { warn: (message: string) => warnings.push(message) };

beforeEach(() => {
  warnings = [];
});

function reporterFor(
  baseUrl: string,
  options: { timeoutMs?: number } = {},
  tuning: { scoreBatchSize?: number; scoreLingerMs?: number } = {},
): LangfuseEvalReporter {
  const reporter = createLangfuseEvalReporter({
    env: {},
    langfuse: { ...keys, baseUrl, ...options },
    logger,
    ...tuning,
  });
  if (!reporter) throw new Error('expected a reporter');
  return reporter;
}

describe('LangfuseEvalReporter', () => {
  describe('against a reachable Langfuse', () => {
    let server: FakeLangfuseServer;
    beforeEach(async () => {
      server = await startFakeLangfuseServer();
    });
    afterEach(async () => {
      await server.close();
    });

    it("creates or updates a dataset and gives back Langfuse's id for it", async () => {
      const reporter = reporterFor(server.baseUrl);
      expect(
        await reporter.upsertDataset({
          name: 'support-v1',
          description: 'Support turns',
          metadata: { turns: 2 },
        }),
      ).toEqual({ id: 'dataset-support-v1', name: 'support-v1' });

      const [request] = server.requestsTo('/api/public/v2/datasets');
      expect(request?.method).toBe('POST');
      expect(request?.headers.authorization).toBe(expectedAuthorization);
      expect(request?.body).toEqual({
        name: 'support-v1',
        description: 'Support turns',
        metadata: { turns: 2 },
      });
    });

    it('upserts one item per user turn under stable ids, so pushing twice does not duplicate', async () => {
      const reporter = reporterFor(server.baseUrl);
      await reporter.upsertDataset({ name: 'support-v1' });
      const items = [
        {
          id: 'conv-7#0',
          input: 'Where is my order?',
          expectedOutput: 'It shipped Monday.',
          metadata: { domain: 'orders' },
        },
        { id: 'conv-7#2', input: 'I was charged twice.' },
      ];
      expect(await reporter.upsertItems('support-v1', items)).toEqual({ written: 2, failed: 0 });
      await reporter.upsertItems('support-v1', items);

      const bodies = server.requestsTo('/api/public/dataset-items').map((request) => request.body);
      expect(bodies[0]).toEqual({
        datasetName: 'support-v1',
        id: langfuseDatasetItemId('support-v1', 'conv-7#0'),
        input: 'Where is my order?',
        expectedOutput: 'It shipped Monday.',
        metadata: { domain: 'orders', batonItemId: 'conv-7#0' },
      });
      const ids = bodies.map((body) => (body as { id: string }).id);
      expect(ids.slice(0, 2)).toEqual(ids.slice(2));
      expect(new Set(ids).size).toBe(2);
      expect(langfuseDatasetItemId('support-v2', 'conv-7#0')).not.toBe(ids[0]);
      expect(server.datasetItems('support-v1')).toHaveLength(2);
    });

    it('links each item to its trace in one run per strategy and remembers the run id', async () => {
      const reporter = reporterFor(server.baseUrl);
      await reporter.upsertDataset({ name: 'support-v1' });
      await reporter.upsertItems('support-v1', [{ id: 'conv-7#2', input: 'I was charged twice.' }]);
      const runName = datasetRunName('lexical', 'r42');
      const link = await reporter.linkRunItem({
        datasetName: 'support-v1',
        itemId: 'conv-7#2',
        runName,
        runDescription: 'lexical router on support-v1',
        runMetadata: { suite: 'support', model: 'none', scorer: 'token-f1' },
        traceId: '0af7651916cd43dd8448eb211c80319c',
        observationId: 'b7ad6b7169203331',
      });

      expect(runName).toBe('lexical:r42');
      expect(link).toEqual({ datasetRunId: 'run-lexical:r42' });
      expect(reporter.datasetRunId('support-v1', runName)).toBe('run-lexical:r42');
      expect(server.requestsTo('/api/public/dataset-run-items')[0]?.body).toEqual({
        runName: 'lexical:r42',
        runDescription: 'lexical router on support-v1',
        metadata: { suite: 'support', model: 'none', scorer: 'token-f1' },
        datasetItemId: langfuseDatasetItemId('support-v1', 'conv-7#2'),
        traceId: '0af7651916cd43dd8448eb211c80319c',
        observationId: 'b7ad6b7169203331',
      });
    });

    it('sends numeric, boolean and categorical scores with stable ids, batched through the ingestion API', async () => {
      // A batch of five goes when the fifth arrives; a partial one would wait a minute.
      const reporter = reporterFor(server.baseUrl, {}, { scoreBatchSize: 5, scoreLingerMs: 60_000 });
      const traceId = '0af7651916cd43dd8448eb211c80319c';
      reporter.score({ traceId, name: 'quality', dataType: 'NUMERIC', value: 0.75, comment: 'token F1' });
      reporter.score({ traceId, name: 'fallback', dataType: 'BOOLEAN', value: true });
      reporter.score({
        traceId,
        name: 'routed-to',
        dataType: 'CATEGORICAL',
        value: 'billing',
        metadata: { gold: 'billing' },
      });
      reporter.score({
        datasetRunId: 'run-lexical:r42',
        name: 'quality-mean',
        dataType: 'NUMERIC',
        value: 0.7,
      });
      reporter.score({ traceId, name: 'quality', dataType: 'NUMERIC', value: 0.8 });
      const summary = await reporter.flush();

      // One request: Langfuse's batched ingestion, score-create events as its SDK sends them.
      const [request, ...more] = server.requestsTo('/api/public/ingestion');
      expect(more).toEqual([]);
      const events = (
        request!.body as { batch: { id: string; type: string; body: Record<string, unknown> }[] }
      ).batch;
      expect(events.map((event) => event.type)).toEqual(Array(5).fill('score-create'));
      expect(new Set(events.map((event) => event.id)).size).toBe(5);
      const bodies = events.map((event) => event.body);
      expect(bodies.map(({ id: _, ...body }) => body)).toEqual([
        { traceId, name: 'quality', dataType: 'NUMERIC', value: 0.75, comment: 'token F1' },
        { traceId, name: 'fallback', dataType: 'BOOLEAN', value: 1 },
        {
          traceId,
          name: 'routed-to',
          dataType: 'CATEGORICAL',
          value: 'billing',
          metadata: { gold: 'billing' },
        },
        { datasetRunId: 'run-lexical:r42', name: 'quality-mean', dataType: 'NUMERIC', value: 0.7 },
        { traceId, name: 'quality', dataType: 'NUMERIC', value: 0.8 },
      ]);
      // The same target and name give the same id, so a re-push updates the score.
      expect(bodies[4]?.id).toBe(bodies[0]?.id);
      expect(server.scores()).toHaveLength(4);
      expect(server.invalidRequests()).toEqual([]);
      expect(summary).toEqual({
        operations: {
          dataset: { ok: 0, failed: 0, skipped: 0 },
          item: { ok: 0, failed: 0, skipped: 0 },
          runItem: { ok: 0, failed: 0, skipped: 0 },
          score: { ok: 5, failed: 0, skipped: 0 },
        },
        runItemsRemoved: false,
        incomplete: false,
        timedOut: false,
      });
      expect(warnings).toEqual([]);
    });

    it('refuses a malformed score without sending it, and says so', async () => {
      const reporter = reporterFor(server.baseUrl);
      expect(await reporter.score({ name: 'quality', dataType: 'NUMERIC', value: 0.5 })).toBe(false);
      expect(
        await reporter.score({ traceId: 't', name: 'quality', dataType: 'NUMERIC', value: Number.NaN }),
      ).toBe(false);

      expect(server.requests).toEqual([]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(
        /^Score "quality" is invalid and was not sent: .*traceId, sessionId or datasetRunId/s,
      );
      expect((await reporter.flush()).operations.score.failed).toBe(2);
    });

    it('links run items to the traces the tracing listener reported, end to end', async () => {
      const turns: TurnTrace[] = [];
      const tracing = setupTracing({
        env: {},
        langfuse: { ...keys, baseUrl: server.baseUrl },
        jsonl: false,
        consoleSummary: false,
        logger,
        onTurnEnd: (turn) => turns.push(turn),
      });
      for (const event of retryFallbackFanOut()) tracing.listener?.(event);
      const reporter = reporterFor(server.baseUrl);
      await reporter.upsertDataset({ name: 'support-v1' });
      await reporter.upsertItems('support-v1', [{ id: 'conv-7#2', input: 'I was charged twice.' }]);
      const [turn] = turns;
      await reporter.linkRunItem({
        datasetName: 'support-v1',
        itemId: `${turn?.conversationId}#${turn?.turnIndex}`,
        runName: datasetRunName(turn!.strategy, 'r1'),
        traceId: turn!.traceId,
        observationId: turn!.spanId,
      });
      reporter.score({ traceId: turn!.traceId, name: 'quality', dataType: 'NUMERIC', value: 1 });
      await Promise.all([tracing.shutdown(), reporter.flush()]);

      const exportedTurn = server.spans().find((span) => span.name === 'turn lexical');
      const runItem = server.requestsTo('/api/public/dataset-run-items')[0]!.body as Record<string, unknown>;
      expect(runItem.traceId).toBe(exportedTurn?.traceId);
      expect(runItem.observationId).toBe(exportedTurn?.spanId);
      expect(runItem.datasetItemId).toBe(langfuseDatasetItemId('support-v1', 'conv-7#2'));
      expect(server.scores()).toEqual([expect.objectContaining({ traceId: turn?.traceId, name: 'quality' })]);
      expect(server.invalidRequests()).toEqual([]);
    });
  });

  describe('against an unreachable Langfuse', () => {
    it('never throws, warns once, sets work aside during the cooldown and reports what is missing', async () => {
      const server = await startFakeLangfuseServer();
      await server.close();
      const reporter = reporterFor(server.baseUrl);

      expect(await reporter.upsertDataset({ name: 'support-v1' })).toBeUndefined();
      expect(await reporter.upsertItems('support-v1', [{ id: 'a', input: 'x' }])).toEqual({
        written: 0,
        failed: 1,
      });
      expect(
        await reporter.linkRunItem({ datasetName: 'support-v1', itemId: 'a', runName: 'r', traceId: 't' }),
      ).toBe(undefined);
      reporter.score({ traceId: 't', name: 'quality', dataType: 'NUMERIC', value: 1 });
      const summary = await reporter.flush();

      expect(summary.operations).toEqual({
        dataset: { ok: 0, failed: 1, skipped: 0 },
        item: { ok: 0, failed: 0, skipped: 1 },
        runItem: { ok: 0, failed: 0, skipped: 1 },
        score: { ok: 0, failed: 0, skipped: 1 },
      });
      expect(summary.incomplete).toBe(true);
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toMatch(
        /^Langfuse at http:\/\/127\.0\.0\.1:\d+ is unreachable or refusing requests \(/,
      );
      expect(warnings[1]).toBe(
        'Langfuse did not acknowledge everything (datasets 1, items 1, runItems 1, scores 1 missing). Local results are complete.',
      );
    });

    // The next two talk to a real socket, so they cannot run on fake timers: the server answers
    // only after the test is over, so which limit ended a request shows in the outcome, never in
    // elapsed time.
    const never = 60_000;

    it('gives up on a slow Langfuse after the request timeout', async () => {
      const server = await startFakeLangfuseServer({ delayMs: never });
      try {
        const reporter = reporterFor(server.baseUrl, { timeoutMs: 200 });
        expect(await reporter.upsertDataset({ name: 'support-v1' })).toBeUndefined();

        expect(reporter.summary()).toMatchObject({
          operations: { dataset: { ok: 0, failed: 1, skipped: 0 } },
          firstError: 'no answer within 200 ms',
        });
      } finally {
        await server.close();
      }
    });

    it('sets aside what is still running when flush reaches an explicit deadline', async () => {
      const server = await startFakeLangfuseServer({ delayMs: never });
      try {
        const reporter = reporterFor(server.baseUrl, { timeoutMs: never });
        reporter.score({ traceId: 't', name: 'quality', dataType: 'NUMERIC', value: 1 });
        const summary = await reporter.flush({ timeoutMs: 200 });

        // Neither the server nor the request's timeout can have ended the score: only the deadline,
        // which aborted the request and set the score aside (not delivered, not counted as sent).
        expect(summary).toMatchObject({
          timedOut: true,
          operations: { score: { ok: 0, failed: 0, skipped: 1 } },
          firstError: 'flush gave up waiting after 200 ms',
        });
        expect(warnings.at(-1)).toMatch(/scores 1 missing\); the reporter gave up waiting/);
        expect(server.scores()).toEqual([]);
      } finally {
        await server.close();
      }
    });

    it('treats a dataset answer without an id as not taken', async () => {
      const server = await startFakeLangfuseServer({ status: 200 });
      try {
        const reporter = reporterFor(server.baseUrl);
        expect(await reporter.upsertDataset({ name: 'support-v1' })).toBeUndefined();

        expect(reporter.summary().operations.dataset).toEqual({ ok: 1, failed: 1, skipped: 0 });
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(/^Langfuse answered a dataset without an id: /);
      } finally {
        await server.close();
      }
    });

    it('stops linking run items, saying so once, when the server has no dataset-run-items (v4)', async () => {
      const server = await startFakeLangfuseServer({ runItemsStatus: 410 });
      try {
        const reporter = reporterFor(server.baseUrl);
        const links = await Promise.all(
          ['a', 'b', 'c'].map((itemId) =>
            reporter.linkRunItem({ datasetName: 'support-v1', itemId, runName: 'r', traceId: 't' }),
          ),
        );
        await reporter.linkRunItem({ datasetName: 'support-v1', itemId: 'd', runName: 'r', traceId: 't' });
        reporter.score({ traceId: 't', name: 'quality', dataType: 'NUMERIC', value: 1 });
        const summary = await reporter.flush();

        expect(links).toEqual([undefined, undefined, undefined]);
        // The requests already in flight when the first answer came; none after it.
        expect(server.requestsTo('/api/public/dataset-run-items').length).toBeLessThanOrEqual(3);
        expect(summary).toMatchObject({
          operations: { runItem: { ok: 0, failed: 0, skipped: 0 }, score: { ok: 1, failed: 0, skipped: 0 } },
          runItemsRemoved: true,
          incomplete: false,
        });
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(
          /^Langfuse at http:\/\/127\.0\.0\.1:\d+ answered HTTP 410 to a dataset run link: the server has no dataset-run-items endpoint \(Langfuse v4\), so runs appear only as experiments built from the traces' experiment attributes\. No further links are sent\.$/,
        );
      } finally {
        await server.close();
      }
    });

    it("tells a removed endpoint (a bare 404) from Langfuse's 404 for a missing dataset item", async () => {
      const gone = await startFakeLangfuseServer({ runItemsStatus: 404 });
      const server = await startFakeLangfuseServer();
      try {
        const goneReporter = reporterFor(gone.baseUrl);
        await goneReporter.linkRunItem({ datasetName: 'd', itemId: 'a', runName: 'r', traceId: 't' });
        expect(goneReporter.summary().runItemsRemoved).toBe(true);

        const reporter = reporterFor(server.baseUrl);
        const link = { datasetName: 'support-v1', itemId: 'conv-7#2', runName: 'r', traceId: 't' };
        expect(await reporter.linkRunItem(link)).toBeUndefined();
        await reporter.upsertDataset({ name: 'support-v1' });
        await reporter.upsertItems('support-v1', [{ id: 'conv-7#2', input: 'I was charged twice.' }]);
        expect(await reporter.linkRunItem(link)).toEqual({ datasetRunId: 'run-r' });
        expect(reporter.summary()).toMatchObject({
          operations: { runItem: { ok: 1, failed: 1, skipped: 0 } },
          runItemsRemoved: false,
        });
        expect(warnings.at(-1)).toBe(
          'Langfuse rejected a runItem request (HTTP 404 {"message":"Dataset item not found","error":"LangfuseNotFoundError"}); further rejections are counted, not logged.',
        );
      } finally {
        await Promise.all([gone.close(), server.close()]);
      }
    });

    it('carries on after a rejected request, which is not an outage', async () => {
      const server = await startFakeLangfuseServer({ status: 400 });
      try {
        const reporter = reporterFor(server.baseUrl);
        await reporter.upsertDataset({ name: 'a' });
        await reporter.upsertDataset({ name: 'b' });

        expect(server.requestsTo('/api/public/v2/datasets')).toHaveLength(2);
        expect(reporter.summary().operations.dataset).toEqual({ ok: 0, failed: 2, skipped: 0 });
        expect(warnings).toEqual([
          'Langfuse rejected a dataset request (HTTP 400 {"message":"fake failure"}); further rejections are counted, not logged.',
        ]);
      } finally {
        await server.close();
      }
    });
  });

  it('is not created when Langfuse is not configured', () => {
    expect(createLangfuseEvalReporter({ env: {}, logger })).toBeUndefined();
  });
});
