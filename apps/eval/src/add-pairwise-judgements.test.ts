import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChatModel, emptyUsage } from '@baton/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addPairwiseJudgements } from './add-pairwise-judgements.js';
import { readItems } from './report/parse-items.js';
import { makeItem } from './summary/example-items.fixture.js';

let out: string;
beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'baton-pairwise-'));
});
afterEach(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('addPairwiseJudgements', () => {
  it('asks about each pair under its own name, so a cassette replays identical pairs to their turn', async () => {
    // Two repeats of a deterministic strategy: the same two answers, so identical judge requests.
    const items = [0, 1].flatMap((repeat) =>
      ['solo', 'route'].map((strategy) =>
        makeItem({ strategy, conversationId: 'c1', turnIndex: 0, repeat, answer: `${strategy} answer` }),
      ),
    );
    await writeFile(join(out, 'items.jsonl'), items.map((item) => `${JSON.stringify(item)}\n`).join(''));
    const units = new AsyncLocalStorage<string>();
    const asked: (string | undefined)[] = [];
    const judge: ChatModel = {
      specificationVersion: 'v1',
      provider: 'scripted',
      modelId: 'judge',
      async generate() {
        asked.push(units.getStore());
        return {
          message: { content: JSON.stringify({ better: 'tie', rationale: 'same' }), toolCalls: [] },
          finishReason: 'stop',
          usage: emptyUsage,
          modelId: 'judge',
        };
      },
    };
    const judged = await addPairwiseJudgements({
      out,
      judge,
      baseline: 'solo',
      concurrency: 2,
      inUnit: (name, work) => units.run(name, work),
    });
    expect(judged).toBe(2);
    // Both orders of each pair, under the candidate's strategy, turn and repeat.
    expect(asked.sort()).toEqual([
      'pairwise/route/c1#0/0',
      'pairwise/route/c1#0/0',
      'pairwise/route/c1#0/1',
      'pairwise/route/c1#0/1',
    ]);
    const { items: written } = await readItems(join(out, 'items.jsonl'));
    expect(written.filter((item) => item.scores.pairwiseWin === 0.5)).toHaveLength(2);
  });
});
