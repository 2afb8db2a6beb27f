import type { DelegationEvent, TurnStartEvent } from '@baton/core';
import { langfuseDatasetItemId } from '@baton/tracing';
import { type FakeLangfuseServer, startFakeLangfuseServer } from '@baton/tracing/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { langfuseExperimentId, startLangfuseExperiment } from './langfuse-experiment.js';
import type { ReplayTurn } from './replay-turn.js';

const turn: ReplayTurn = {
  itemId: 'conv-7#2',
  conversationId: 'conv-7',
  turnIndex: 2,
  input: 'I was charged twice.',
  history: [],
  reference: 'A refund is on its way.',
  nuggets: ['a refund is on its way'],
  nuggetSource: 'annotated',
  gold: { domains: ['billing'] },
  metadata: {},
};

function turnStart(fields: Partial<TurnStartEvent> = {}): TurnStartEvent {
  return {
    type: 'turn-start',
    id: 'turn-1',
    time: 0,
    strategy: 'verify-recover',
    input: turn.input,
    ...fields,
  };
}

describe('startLangfuseExperiment', () => {
  let server: FakeLangfuseServer;
  let lines: string[];
  beforeEach(async () => {
    lines = [];
    server = await startFakeLangfuseServer();
  });
  afterEach(async () => {
    await server.close();
  });

  const start = (baseUrl = server.baseUrl) =>
    startLangfuseExperiment({
      suite: { name: 'support', dataset: 'datasets/support', split: 'test' },
      runId: 'run-1',
      strategies: [{ name: 'careful', description: 'verify-recover with a high bar' }],
      runMetadata: { scorer: 'token-f1', model: null, baseline: 'solo' },
      env: { LANGFUSE_PUBLIC_KEY: 'pk', LANGFUSE_SECRET_KEY: 'sk', LANGFUSE_BASE_URL: baseUrl },
      log: (line) => lines.push(line),
    });

  it('creates the dataset first and maps a first-repeat turn to its strategy run and dataset item', async () => {
    const experiment = await start();
    const seen: DelegationEvent[] = [];
    // The strategy's run name (a config name) may differ from the core strategy's own name.
    const onEvent = experiment!.listen((event) => seen.push(event));
    const event = turnStart();
    onEvent(event, { strategy: 'careful', repeat: 0, turn });

    expect(seen).toEqual([event]);
    expect(experiment?.datasetId).toBe('dataset-baton/support/test');
    expect(experiment?.experimentOf(event)).toEqual({
      id: langfuseExperimentId('run-1', 'careful'),
      name: 'careful:run-1',
      datasetId: 'dataset-baton/support/test',
      itemId: langfuseDatasetItemId('baton/support/test', 'conv-7#2'),
      description: 'verify-recover with a high bar',
      metadata: { scorer: 'token-f1', model: null, baseline: 'solo', runId: 'run-1' },
      expectedOutput: { reference: 'A refund is on its way.', gold: { domains: ['billing'] } },
    });
    expect(lines).toEqual([]);
  });

  it('leaves repeats, nested turns and unknown turns out of the experiment', async () => {
    const experiment = await start();
    const onEvent = experiment!.listen(() => undefined);
    const repeat = turnStart({ id: 'repeat' });
    const nested = turnStart({ id: 'nested', parentId: 'del-1' });
    onEvent(repeat, { strategy: 'careful', repeat: 1, turn });
    onEvent(nested, { strategy: 'careful', repeat: 0, turn });

    expect(experiment?.experimentOf(repeat)).toBeUndefined();
    expect(experiment?.experimentOf(nested)).toBeUndefined();
    expect(experiment?.experimentOf(turnStart({ id: 'never-seen' }))).toBeUndefined();
  });

  it('upserts each turn as a dataset item in the shape a replay reads back', async () => {
    const experiment = await start();
    await experiment?.addTurns([turn]);
    await experiment?.reporter.drain();

    expect(server.datasetItems('baton/support/test')).toMatchObject([
      {
        id: langfuseDatasetItemId('baton/support/test', 'conv-7#2'),
        input: { message: 'I was charged twice.', conversationId: 'conv-7', turnIndex: 2 },
        expectedOutput: { reference: 'A refund is on its way.', gold: { domains: ['billing'] } },
        metadata: { conversationId: 'conv-7', batonItemId: 'conv-7#2' },
      },
    ]);
  });

  it('goes on without experiments, saying so once, when Langfuse does not take the dataset', async () => {
    const down = await startFakeLangfuseServer({ status: 503 });
    await down.close();
    const experiment = await start(down.baseUrl);
    const onEvent = experiment!.listen(() => undefined);
    const event = turnStart();
    onEvent(event, { strategy: 'careful', repeat: 0, turn });
    await experiment?.addTurns([turn]);

    expect(experiment?.datasetId).toBeUndefined();
    expect(experiment?.experimentOf(event)).toBeUndefined();
    expect(experiment?.reporter.summary().operations.item).toEqual({ ok: 0, failed: 0, skipped: 0 });
    expect(lines.filter((line) => line.includes('did not take the dataset'))).toHaveLength(1);
  });

  it('is not started without Langfuse keys', async () => {
    expect(
      await startLangfuseExperiment({
        suite: { name: 'support', dataset: 'd', split: null },
        runId: 'r',
        strategies: [],
        runMetadata: { scorer: 's', model: null, baseline: 'solo' },
        env: {},
        log: () => undefined,
      }),
    ).toBeUndefined();
  });
});

describe('langfuseExperimentId', () => {
  it('is 16 hex characters, the same for the same run and strategy and different otherwise', () => {
    const id = langfuseExperimentId('run-1', 'solo');
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(langfuseExperimentId('run-1', 'solo')).toBe(id);
    expect(langfuseExperimentId('run-2', 'solo')).not.toBe(id);
    expect(langfuseExperimentId('run-1', 'verify-recover')).not.toBe(id);
  });
});
