import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createManualClock,
  createMockOpenAIServer,
  type MockOpenAIServer,
  reply,
} from '@baton/providers/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EvalOptions } from './eval-config.js';
import { openRunModels } from './run-models.js';

const hi = { messages: [{ role: 'user' as const, content: 'Hi' }] };

describe('openRunModels', () => {
  let server: MockOpenAIServer;
  let folder: string;

  beforeEach(async () => {
    server = await createMockOpenAIServer();
    folder = await mkdtemp(join(tmpdir(), 'baton-run-models-'));
  });
  afterEach(async () => {
    await server.close();
    await rm(folder, { recursive: true, force: true });
  });

  const settings = (onSetupError: (error: Error) => void = () => {}) => ({
    env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: server.url },
    at: (path: string) => join(folder, path),
    concurrency: 4,
    onSetupError,
  });

  it('creates only the models the options name', () => {
    const models = openRunModels({ model: 'openai:gpt-4.1-mini' } as EvalOptions, settings());
    expect(Object.keys(models)).toEqual(['model']);
    expect(models.model?.modelId).toBe('gpt-4.1-mini');
    const all = openRunModels(
      {
        model: 'openai:gpt-4.1-mini',
        judge: 'openai:gpt-4.1',
        userModel: 'openai:gpt-4.1-nano',
        embeddingModel: 'openai:text-embedding-3-small',
      } as EvalOptions,
      settings(),
    );
    expect(Object.keys(all).sort()).toEqual(['embeddingModel', 'judge', 'model', 'userModel']);
  });

  it('records every model on one cassette and replays it without the host', async () => {
    server.enqueue(reply.chat({ content: 'from the agent' }), reply.chat({ content: 'from the judge' }));
    const names = { model: 'openai:gpt-4.1-mini', judge: 'openai:gpt-4.1' };
    const recording = openRunModels({ ...names, record: 'calls.jsonl' } as EvalOptions, settings());
    expect((await recording.model!.generate(hi)).message.content).toBe('from the agent');
    expect((await recording.judge!.generate(hi)).message.content).toBe('from the judge');
    expect(server.requests).toHaveLength(2);

    await server.close();
    const replaying = openRunModels({ ...names, replay: 'calls.jsonl' } as EvalOptions, settings());
    expect((await replaying.judge!.generate(hi)).message.content).toBe('from the judge');
    expect((await replaying.model!.generate(hi)).message.content).toBe('from the agent');
    server = await createMockOpenAIServer();
  });

  it('replays each unit its own answer to identical requests, whatever order they finish or arrive in', async () => {
    // Two conversations open with the same message at once; the host answers the second first.
    await server.close();
    const clock = createManualClock();
    server = await createMockOpenAIServer({ clock });
    server.enqueue(reply.chat({ content: 'for A', delayMs: 10 }), reply.chat({ content: 'for B' }));
    const names = { model: 'openai:gpt-4.1-mini' };
    const recording = openRunModels({ ...names, record: 'calls.jsonl' } as EvalOptions, settings());
    const answers: Record<string, string> = {};
    const ask = (models: ReturnType<typeof openRunModels>, unit: string) =>
      models.inUnit!(unit, async () => {
        answers[unit] = (await models.model!.generate(hi)).message.content ?? '';
      });
    const a = ask(recording, 'A');
    await server.waitForRequests(1);
    await ask(recording, 'B');
    await clock.advance(10);
    await a;
    expect(answers).toEqual({ A: 'for A', B: 'for B' });

    for (const order of [
      ['A', 'B'],
      ['B', 'A'],
    ]) {
      const replaying = openRunModels({ ...names, replay: 'calls.jsonl' } as EvalOptions, settings());
      for (const unit of order) delete answers[unit];
      await Promise.all(order.map((unit) => ask(replaying, unit)));
      expect(answers).toEqual({ A: 'for A', B: 'for B' });
    }
    // Outside any unit, identical calls replay in the order the host finished them.
    const untagged = openRunModels({ ...names, replay: 'calls.jsonl' } as EvalOptions, settings());
    expect((await untagged.model!.generate(hi)).message.content).toBe('for B');
  });

  it('runs no unit context without a cassette', () => {
    expect(openRunModels({ model: 'openai:gpt-4.1-mini' } as EvalOptions, settings()).inUnit).toBeUndefined();
  });

  it('reports a setup fault (a call missing from the cassette) through onSetupError', async () => {
    const faults: Error[] = [];
    const { model } = openRunModels(
      { model: 'openai:gpt-4.1-mini', replay: 'empty.jsonl' } as EvalOptions,
      settings((error) => faults.push(error)),
    );
    await expect(model!.generate(hi)).rejects.toThrow();
    expect(faults).toHaveLength(1);
    expect(server.requests).toHaveLength(0);
  });
});
