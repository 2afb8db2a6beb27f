import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createMockOpenAIServer, type MockOpenAIServer, reply } from '@baton/providers/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemResult } from '../src/item-result.js';
import { type RunFolder, readRunFolder } from './read-run-folder.js';
import { type BatonOutcome, fastFlags, makeTempFolder, runBaton } from './run-baton.js';

const apiKey = 'sk-test-e2e-0123456789abcdef';
const llmFlags = ['--model', 'openai:gpt-4.1-mini', '--strategies', 'solo,route-llm', '--limit', '2'];

const keyOf = (item: ItemResult) => `${item.strategy} ${item.itemId}`;

describe('baton eval with a model: record against a mock server, replay offline', () => {
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;
  let server: MockOpenAIServer;
  let recorded: BatonOutcome;
  let recordedRun: RunFolder;
  let cassette: string;

  beforeAll(async () => {
    temp = await makeTempFolder();
    server = await createMockOpenAIServer();
    // The first request meets a rate limit, the next one a server error; the adapter retries both.
    server.enqueue(reply.error(429, { headers: { 'retry-after': '0' } }), reply.error(500));
    recorded = await runBaton(
      ['eval', ...fastFlags, ...llmFlags, '--record', 'cassette.jsonl', '--out', 'recorded'],
      {
        cwd: temp.path,
        env: { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: server.url },
      },
    );
    await server.close();
    recordedRun = await readRunFolder(join(temp.path, 'recorded'));
    cassette = await readFile(join(temp.path, 'cassette.jsonl'), 'utf8');
  }, 60_000);

  afterAll(async () => {
    await server.close();
    await temp.remove();
  });

  it('answers every turn despite a 429 and a 500 along the way', () => {
    expect(recorded.code).toBe(0);
    const statuses = server.requests.length;
    expect(statuses).toBeGreaterThan(2);
    expect(recordedRun.summary.strategies.map((strategy) => strategy.name)).toEqual([
      'solo',
      'route-llm',
      'echo',
      'generic',
    ]);
    // --limit 2: e-t1 (two turns) and e-t2 (one turn), for each strategy.
    expect(recordedRun.items.map(keyOf).sort()).toEqual(
      ['solo', 'route-llm', 'echo', 'generic']
        .flatMap((strategy) => ['e-t1#0', 'e-t1#2', 'e-t2#0'].map((id) => `${strategy} ${id}`))
        .sort(),
    );
    for (const item of recordedRun.items) {
      expect(item.outcome, keyOf(item)).toBe('answered');
      if (item.strategy === 'solo' || item.strategy === 'route-llm')
        expect(item.answer, keyOf(item)).toContain('Mock answer to:');
    }
    expect(recordedRun.summary.model).toBe('openai:gpt-4.1-mini');
  });

  it('sends the key to the server but never writes it, or any authorization header, to the cassette', () => {
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(cassette).not.toContain(apiKey);
    expect(cassette.toLowerCase()).not.toContain('authorization');
    expect(cassette.toLowerCase()).not.toContain('bearer');
  });

  it('writes the key to no file of the run folder', async () => {
    for (const name of [
      'items.jsonl',
      'summary.json',
      'run.json',
      'traces.jsonl',
      'report.md',
      'report.html',
    ]) {
      expect(await readFile(join(temp.path, 'recorded', name), 'utf8'), name).not.toContain(apiKey);
    }
  });

  it('records the failed attempts too, so a replay retries as the recording did', () => {
    const statuses = cassette
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => (JSON.parse(line) as { response: { status: number } }).response.status);
    expect(statuses).toContain(429);
    expect(statuses).toContain(500);
    expect(statuses.length).toBe(server.requests.length);
  });

  it('replays the run without a key or a server, answer for answer', async () => {
    const replayed = await runBaton(
      ['eval', ...fastFlags, ...llmFlags, '--replay', 'cassette.jsonl', '--out', 'replayed'],
      {
        cwd: temp.path,
        env: {},
      },
    );
    expect(replayed.stderr).not.toContain('baton:');
    expect(replayed.code).toBe(0);
    const replayedRun = await readRunFolder(join(temp.path, 'replayed'));
    const answers = (run: RunFolder) =>
      Object.fromEntries(run.items.map((item) => [keyOf(item), item.answer]));
    expect(answers(replayedRun)).toEqual(answers(recordedRun));
    expect(replayedRun.items.every((item) => item.outcome === 'answered')).toBe(true);
  });

  describe('when a replay asks for a call that was not recorded', () => {
    let missed: BatonOutcome;

    beforeAll(async () => {
      // A third conversation (e-t3) was never recorded.
      missed = await runBaton(
        [
          'eval',
          ...fastFlags,
          '--model',
          'openai:gpt-4.1-mini',
          '--strategies',
          'solo',
          '--limit',
          '3',
        ].concat(['--replay', 'cassette.jsonl', '--out', 'missed']),
        { cwd: temp.path, env: {} },
      );
    }, 30_000);

    it('stops the run with exit 2 and names the cassette and the closest recording', () => {
      // A miss is a fault of the run's setup: scoring it as the strategy's failure would hide it.
      expect(missed.code).toBe(2);
      expect(missed.stderr).toContain(
        `No recording in ${join(temp.path, 'cassette.jsonl')} matches POST /v1/chat/completions`,
      );
      expect(
        missed.stderr
          .trim()
          .split('\n')
          .filter((line) => line.startsWith('baton:')),
      ).toHaveLength(1);
    });
  });
});
