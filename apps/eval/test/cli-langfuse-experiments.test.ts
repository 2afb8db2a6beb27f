import { join } from 'node:path';
import { BatonAttributes as B, datasetRunName, langfuseDatasetItemId, readJsonlSpans } from '@baton/tracing';
import { type FakeLangfuseServer, type ReceivedSpan, startFakeLangfuseServer } from '@baton/tracing/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { langfuseExperimentId } from '../src/langfuse-experiment.js';
import { readRunFolder } from './read-run-folder.js';
import { type BatonOutcome, fastFlags, makeTempFolder, runBaton } from './run-baton.js';

const keys = { publicKey: 'pk-lf-e2e', secretKey: 'sk-lf-e2e' };
const datasetName = 'baton/e2e/test';
const strategies = ['solo', 'verify-recover'];

/**
 * The attribute names as Langfuse's docs spell them (this app does not depend on the Langfuse SDK,
 * and the wire names are what the server reads): the five of "Why are my experiment runs not
 * visible after upgrading to Langfuse v4?", which every observation of an item trace must carry.
 */
const L = {
  EXPERIMENT_ID: 'langfuse.experiment.id',
  EXPERIMENT_NAME: 'langfuse.experiment.name',
  EXPERIMENT_DATASET_ID: 'langfuse.experiment.dataset.id',
  EXPERIMENT_ITEM_ID: 'langfuse.experiment.item.id',
  EXPERIMENT_ITEM_ROOT_OBSERVATION_ID: 'langfuse.experiment.item.root_observation_id',
  EXPERIMENT_DESCRIPTION: 'langfuse.experiment.description',
  EXPERIMENT_METADATA: 'langfuse.experiment.metadata',
  EXPERIMENT_ITEM_EXPECTED_OUTPUT: 'langfuse.experiment.item.expected_output',
  ENVIRONMENT: 'langfuse.environment',
} as const;
const required = [
  L.EXPERIMENT_ID,
  L.EXPERIMENT_NAME,
  L.EXPERIMENT_DATASET_ID,
  L.EXPERIMENT_ITEM_ID,
  L.EXPERIMENT_ITEM_ROOT_OBSERVATION_ID,
] as const;

/** The spans of each trace, with the trace's turn span: the experiment item's root observation. */
function traces(spans: readonly ReceivedSpan[]): { root: ReceivedSpan; spans: ReceivedSpan[] }[] {
  const byTrace = new Map<string, ReceivedSpan[]>();
  for (const span of spans) byTrace.set(span.traceId, [...(byTrace.get(span.traceId) ?? []), span]);
  return [...byTrace.values()].map((trace) => {
    const root = trace.find((span) => span.attributes[B.UNIT] === 'turn' && span.parentSpanId === undefined);
    if (!root) throw new Error(`trace ${trace[0]?.traceId} has no turn span at its root`);
    return { root, spans: trace };
  });
}

/** The items of the run's strategies: the floor probes answer without traces and are not pushed. */
async function strategyItems(root: string, folder: string) {
  const { items } = await readRunFolder(join(root, folder));
  return items.filter((item) => strategies.includes(item.strategy));
}

function envFor(server: FakeLangfuseServer): Record<string, string> {
  return {
    LANGFUSE_PUBLIC_KEY: keys.publicKey,
    LANGFUSE_SECRET_KEY: keys.secretKey,
    LANGFUSE_BASE_URL: server.baseUrl,
  };
}

/** The dataset as the fake Langfuse stored it, read back through its API. */
async function storedDataset(server: FakeLangfuseServer): Promise<{ id: string; name: string }> {
  const response = await fetch(
    `${server.baseUrl}/api/public/v2/datasets/${encodeURIComponent(datasetName)}`,
    {
      headers: {
        authorization: `Basic ${Buffer.from(`${keys.publicKey}:${keys.secretKey}`).toString('base64')}`,
      },
    },
  );
  return (await response.json()) as { id: string; name: string };
}

describe('baton eval with Langfuse: every strategy is a Langfuse v4 experiment run (fake Langfuse)', () => {
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;

  beforeAll(async () => {
    temp = await makeTempFolder();
  });

  afterAll(async () => {
    await temp.remove();
  });

  describe('against a server that still takes dataset run links (v3 and early v4)', () => {
    let server: FakeLangfuseServer;
    let run: BatonOutcome;
    let spans: ReceivedSpan[];

    beforeAll(async () => {
      server = await startFakeLangfuseServer({ keys });
      run = await runBaton(['eval', ...fastFlags, '--strategies', strategies.join(','), '--out', 'exp-run'], {
        cwd: temp.path,
        env: envFor(server),
      });
      spans = server.spans();
    }, 60_000);

    afterAll(async () => {
      await server.close();
    });

    it('exits 0, creating the dataset and its items before any turn is linked', () => {
      expect(run.code, run.stderr).toBe(0);
      const paths = server.requests.map((request) => `${request.method} ${request.path}`);
      expect(paths[0]).toBe('POST /api/public/v2/datasets');
      expect(paths.lastIndexOf('POST /api/public/dataset-items')).toBeLessThan(
        paths.indexOf('POST /api/public/dataset-run-items'),
      );
      expect(run.stderr).toMatch(
        /Langfuse: dataset "baton\/e2e\/test", 2 experiment runs \(and legacy dataset runs\) \(/,
      );
    });

    it('puts the five experiment attributes on every span of every turn trace', () => {
      expect(spans.length).toBeGreaterThan(40);
      for (const { root, spans: trace } of traces(spans)) {
        for (const span of trace) {
          for (const key of required) {
            expect(span.attributes[key], `${span.name} ${key}`).toEqual(expect.stringMatching(/./));
          }
          expect(span.attributes[L.EXPERIMENT_ITEM_ROOT_OBSERVATION_ID], span.name).toBe(root.spanId);
          expect(span.attributes[L.EXPERIMENT_ITEM_ID], span.name).toBe(
            root.attributes[L.EXPERIMENT_ITEM_ID],
          );
          expect(span.attributes[L.EXPERIMENT_ID], span.name).toBe(root.attributes[L.EXPERIMENT_ID]);
          expect(span.attributes[L.ENVIRONMENT], span.name).toBe('sdk-experiment');
        }
        expect(root.attributes[L.EXPERIMENT_DESCRIPTION]).toEqual(expect.stringMatching(/./));
        expect(JSON.parse(String(root.attributes[L.EXPERIMENT_ITEM_EXPECTED_OUTPUT]))).toHaveProperty(
          'reference',
        );
      }
      // verify-recover delegates and verifies, so its traces hold more than the turn.
      expect([...new Set(spans.map((span) => span.attributes[B.UNIT]))]).toEqual(
        expect.arrayContaining(['turn', 'delegation', 'attempt', 'agent-run', 'verification']),
      );
    });

    it('gives each strategy one experiment, the same across its traces, named after the run', () => {
      const byStrategy = new Map<string, Set<string>>();
      for (const span of spans) {
        const name = String(span.attributes[L.EXPERIMENT_NAME]);
        const ids = byStrategy.get(name) ?? new Set<string>();
        ids.add(`${span.attributes[L.EXPERIMENT_ID]} ${span.attributes[L.EXPERIMENT_DATASET_ID]}`);
        byStrategy.set(name, ids);
      }
      expect([...byStrategy.keys()].sort()).toEqual(
        strategies.map((strategy) => datasetRunName(strategy, 'exp-run')).sort(),
      );
      const experimentIds = strategies.map((strategy) => {
        const ids = [...byStrategy.get(datasetRunName(strategy, 'exp-run'))!];
        expect(ids).toHaveLength(1);
        return ids[0]!.split(' ')[0];
      });
      expect(experimentIds).toEqual(strategies.map((strategy) => langfuseExperimentId('exp-run', strategy)));
      expect(new Set(experimentIds).size).toBe(2);
      const metadata = JSON.parse(String(spans[0]?.attributes[L.EXPERIMENT_METADATA]));
      expect(metadata).toEqual({
        scorer: expect.any(String),
        model: null,
        baseline: 'solo',
        runId: 'exp-run',
      });
    });

    it('names the dataset it created and the items it created, one trace per item and strategy', async () => {
      const dataset = await storedDataset(server);
      expect(new Set(spans.map((span) => span.attributes[L.EXPERIMENT_DATASET_ID]))).toEqual(
        new Set([dataset.id]),
      );

      const created = server.datasetItems(datasetName).map((item) => item.id);
      expect(created.length).toBeGreaterThan(7);
      const items = await strategyItems(temp.path, 'exp-run');
      expect(created.sort()).toEqual(
        [...new Set(items.map((item) => langfuseDatasetItemId(datasetName, item.itemId)))].sort(),
      );
      for (const strategy of strategies) {
        const roots = traces(spans)
          .map((trace) => trace.root)
          .filter((root) => root.attributes[L.EXPERIMENT_NAME] === datasetRunName(strategy, 'exp-run'));
        expect(roots.map((root) => root.attributes[L.EXPERIMENT_ITEM_ID]).sort()).toEqual(created.sort());
      }
    });

    it('keeps the legacy run links, per-trace scores and run-level scores', async () => {
      const items = await strategyItems(temp.path, 'exp-run');
      const links = server
        .requestsTo('/api/public/dataset-run-items')
        .map((request) => request.body as Record<string, unknown>);
      expect(links).toHaveLength(items.length);
      expect(new Set(links.map((link) => link.traceId))).toEqual(new Set(items.map((item) => item.traceId)));
      const scores = server.scores();
      expect(scores.filter((score) => score.traceId).length).toBeGreaterThan(items.length);
      expect(new Set(scores.map((score) => score.datasetRunId).filter(Boolean))).toEqual(
        new Set(strategies.map((strategy) => `run-${datasetRunName(strategy, 'exp-run')}`)),
      );
    });
  });

  describe('against a Langfuse v4 server without dataset-run-items', () => {
    let server: FakeLangfuseServer;
    let run: BatonOutcome;

    beforeAll(async () => {
      server = await startFakeLangfuseServer({ keys, runItemsStatus: 410 });
      run = await runBaton(['eval', ...fastFlags, '--strategies', strategies.join(','), '--out', 'v4-run'], {
        cwd: temp.path,
        env: envFor(server),
      });
    }, 60_000);

    afterAll(async () => {
      await server.close();
    });

    it('exits 0, says once that the server builds experiments from spans, and stops linking', async () => {
      expect(run.code, run.stderr).toBe(0);
      const notes = run.stderr.split('\n').filter((line) => line.includes('dataset-run-items endpoint'));
      expect(notes).toEqual([
        expect.stringMatching(
          /^warning: Langfuse at http:\/\/127\.0\.0\.1:\d+ answered HTTP 410 to a dataset run link: the server has no dataset-run-items endpoint \(Langfuse v4\), so runs appear only as experiments built from the traces' experiment attributes\. No further links are sent\.$/,
        ),
      ]);
      expect(run.stderr).not.toMatch(/incomplete/);
      expect(run.stderr).toMatch(/Langfuse: dataset "baton\/e2e\/test", 2 experiment runs \(/);
      // Only the links already under way when the first answer came (16 in flight at most).
      expect(server.requestsTo('/api/public/dataset-run-items').length).toBeLessThanOrEqual(16);
    });

    it('still sends every trace with its experiment attributes and every per-trace score', async () => {
      const items = await strategyItems(temp.path, 'v4-run');
      const spans = server.spans();
      for (const span of spans) {
        for (const key of required) {
          expect(span.attributes[key], `${span.name} ${key}`).toEqual(expect.stringMatching(/./));
        }
      }
      const scores = server.scores();
      const scoredTraces = new Set(scores.map((score) => score.traceId));
      expect(scoredTraces).toEqual(new Set(items.map((item) => item.traceId)));
      // No link gave a dataset run id, and v4 has no public call to score an experiment run.
      expect(scores.filter((score) => score.datasetRunId)).toEqual([]);
    });
  });

  describe('when Langfuse does not take the dataset', () => {
    it('runs without experiment attributes and says so once', async () => {
      const server = await startFakeLangfuseServer({ keys, status: 400 });
      try {
        const run = await runBaton(
          ['eval', ...fastFlags, '--strategies', 'solo', '--limit', '2', '--out', 'no-dataset'],
          { cwd: temp.path, env: envFor(server) },
        );

        // Langfuse took nothing: the run's results are complete, the push is not (exit 4).
        expect(run.code, run.stderr).toBe(4);
        expect(
          run.stderr.split('\n').filter((line) => line.includes('did not take the dataset')),
        ).toHaveLength(1);
        let count = 0;
        for await (const span of readJsonlSpans(join(temp.path, 'no-dataset', 'traces.jsonl'))) {
          count += 1;
          expect(
            Object.keys(span.attributes).filter((key) => key.startsWith('langfuse.experiment.')),
          ).toEqual([]);
        }
        expect(count).toBeGreaterThan(0);
      } finally {
        await server.close();
      }
    }, 60_000);
  });
});
