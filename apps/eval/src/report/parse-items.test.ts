import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError, EvalError } from '../eval-error.js';
import type { ItemResult } from '../item-result.js';
import { lexicalItems, trainedItems } from '../summary/example-items.fixture.js';
import { mergeItems, readItems } from './parse-items.js';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'baton-parse-items-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const file = join(folder, name);
  await writeFile(file, text);
  return file;
}

const lines = (items: readonly unknown[]) => items.map((item) => JSON.stringify(item)).join('\n');

async function readError(file: string, options = {}): Promise<EvalError> {
  try {
    await readItems(file, options);
  } catch (error) {
    if (EvalError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an EvalError');
}

describe('readItems', () => {
  it('reads items back as written, skipping a BOM, CRLF and blank lines', async () => {
    const items = [...lexicalItems, ...trainedItems];
    const file = await write(
      'items.jsonl',
      `\uFEFF${lines(items.slice(0, 3))}\r\n\r\n${lines(items.slice(3))}\n`,
    );
    expect((await readItems(file)).items).toEqual(items);
  });

  it('keeps fields a newer runner adds', async () => {
    const file = await write('extra.jsonl', `${JSON.stringify({ ...lexicalItems[0], judgeRun: 'r7' })}\n`);
    const [item] = (await readItems(file)).items;
    expect(item).toMatchObject({ itemId: 'c1#0', judgeRun: 'r7' });
  });

  it('keeps where a remote attempt ran (protocol, URL, remote task)', async () => {
    const remote = { protocol: 'a2a', url: 'http://127.0.0.1:4100', taskId: 't-1', contextId: 'c-1' };
    const usage = { inputTokens: 0, outputTokens: 0 };
    const item = {
      ...lexicalItems[0]!,
      delegations: [
        {
          id: 'd1',
          mode: 'delegate',
          strategy: 'route-lexical',
          delegatorId: 'desk',
          depth: 1,
          task: { goal: 'refund' },
          candidates: [{ agentId: 'billing', score: 1 }],
          chosenAgentId: 'billing',
          reason: 'best match',
          context: { policy: 'full', messages: 1, characters: 10, redactions: 0 },
          attempts: [
            {
              index: 0,
              agentId: 'billing',
              rung: 'primary',
              outcome: 'accepted',
              verdicts: [],
              usage,
              costUsd: 0,
              latencyMs: 5,
              remote,
            },
          ],
          fallbacks: [],
          outcome: 'completed',
          excluded: [],
          usage,
          costUsd: 0,
          latencyMs: 5,
          startedAt: 0,
        },
      ],
    };
    const file = await write('remote.jsonl', `${JSON.stringify(item)}\n`);
    const [read] = (await readItems(file)).items;
    expect(read?.delegations[0]?.attempts[0]?.remote).toEqual(remote);
  });

  it('names file, line and field of an invalid item', async () => {
    const broken = { ...lexicalItems[1], outcome: 'maybe' };
    const file = await write('invalid.jsonl', `${lines([lexicalItems[0], broken])}\n`);
    const error = await readError(file);
    expect(error).toBeInstanceOf(DatasetError);
    expect(error.code).toBe('invalid-input');
    expect(error.message).toBe(
      `${file}:2: outcome: expected "answered", "escalated", "failed" or "error", got "maybe"`,
    );
  });

  it('checks only what a summary reads when asked, and names an invalid field among those', async () => {
    // A delegation record a summary never reads: passed through unchecked, but the whole check catches it.
    const odd = { ...lexicalItems[1], delegations: [{ id: 7 }] };
    const file = await write('summary-fields.jsonl', `${lines([lexicalItems[0], odd])}\n`);
    const { items } = await readItems(file, { validate: 'summary' });
    expect(items[1]).toEqual(odd);
    expect((await readError(file)).message).toMatch(new RegExp(`^${escapeRegExp(file)}:2: delegations`));

    const badScore = { ...lexicalItems[1], scores: { answerQuality: [1] } };
    const scored = await write('summary-scores.jsonl', `${lines([lexicalItems[0], badScore])}\n`);
    const error = await readError(scored, { validate: 'summary' });
    expect(error).toBeInstanceOf(DatasetError);
    expect(error.message).toMatch(new RegExp(`^${escapeRegExp(scored)}:2: scores\\.answerQuality`));
  });

  it('names the line that is not JSON', async () => {
    const file = await write(
      'not-json.jsonl',
      `${lines([lexicalItems[0]])}\n{"itemId": \n${lines([lexicalItems[1]])}\n`,
    );
    expect((await readError(file)).message).toMatch(new RegExp(`^${escapeRegExp(file)}:2: not valid JSON: `));
  });

  it('drops a cut-off last line only when asked', async () => {
    const whole = lines(lexicalItems.slice(0, 2));
    const file = await write('truncated.jsonl', `${whole}\n{"itemId":"c2#0","conv`);
    expect((await readError(file)).message).toMatch(/truncated\.jsonl:3: not valid JSON/);
    const result = await readItems(file, { allowTruncatedTail: true });
    expect(result.items.map((item) => item.itemId)).toEqual(['c1#0', 'c1#2']);
    expect(result.truncatedLine).toBe(3);
  });

  it('does not take a broken line followed by others, or ended by a line break, for a cut-off tail', async () => {
    const middle = await write(
      'middle.jsonl',
      `${lines([lexicalItems[0]])}\n{"itemId"\n${lines([lexicalItems[1]])}`,
    );
    expect((await readError(middle, { allowTruncatedTail: true })).message).toMatch(/middle\.jsonl:2:/);
    const ended = await write('ended.jsonl', `${lines([lexicalItems[0]])}\n{"itemId"\n`);
    expect((await readError(ended, { allowTruncatedTail: true })).message).toMatch(/ended\.jsonl:2:/);
  });

  it('drops a last line cut inside a multi-byte character when asked, and stops at one mid-file', async () => {
    const whole = lines(lexicalItems.slice(0, 2));
    const cutEuro = Buffer.from('{"itemId":"c2#0","input":"€').subarray(0, -1);
    const file = join(folder, 'cut-char.jsonl');
    await writeFile(file, Buffer.concat([Buffer.from(`${whole}\n`), cutEuro]));
    const result = await readItems(file, { allowTruncatedTail: true });
    expect(result.items.map((item) => item.itemId)).toEqual(['c1#0', 'c1#2']);
    expect(result.truncatedLine).toBe(3);
    expect((await readError(file)).message).toMatch(/cut-char\.jsonl:3: not valid UTF-8/);
    // The same bytes followed by another item: a corrupt file, whatever is allowed.
    const middle = join(folder, 'corrupt-middle.jsonl');
    await writeFile(
      middle,
      Buffer.concat([
        Buffer.from(`${lines([lexicalItems[0]])}\n`),
        cutEuro,
        Buffer.from(`\n${lines([lexicalItems[1]])}\n`),
      ]),
    );
    expect((await readError(middle, { allowTruncatedTail: true })).message).toMatch(
      /corrupt-middle\.jsonl:2: not valid UTF-8/,
    );
  });

  it('reports a missing file as not-found', async () => {
    expect((await readError(join(folder, 'missing.jsonl'))).code).toBe('not-found');
  });
});

describe('mergeItems', () => {
  const withAnswer = (item: ItemResult, answer: string): ItemResult => ({ ...item, answer });

  it('keeps the latest line of a key within one file and counts the replaced ones', () => {
    const first = lexicalItems[0]!;
    const result = mergeItems([
      { file: 'items.jsonl', items: [first, lexicalItems[1]!, withAnswer(first, 'redone')] },
    ]);
    expect(result.items.map((item) => [item.itemId, item.answer])).toEqual([
      ['c1#0', 'redone'],
      ['c1#2', 'answer c1#2'],
    ]);
    expect(result.replaced).toBe(1);
    expect(result.conflicts).toEqual([]);
  });

  it('merges disjoint shards and reports keys found in several', () => {
    const result = mergeItems([
      { file: 'shard-1/items.jsonl', items: lexicalItems.slice(0, 3) },
      {
        file: 'shard-2/items.jsonl',
        items: [...lexicalItems.slice(3), withAnswer(lexicalItems[2]!, 'again')],
      },
      { file: 'shard-3/items.jsonl', items: trainedItems },
    ]);
    expect(result.items).toHaveLength(10);
    expect(result.items[2]!.answer).toBe('again');
    expect(result.conflicts).toEqual([
      {
        strategy: 'lexical',
        itemId: 'c2#0',
        repeat: 0,
        files: ['shard-1/items.jsonl', 'shard-2/items.jsonl'],
      },
    ]);
    expect(result.replaced).toBe(0);
  });

  it('tells repeats and strategies apart', () => {
    const item = lexicalItems[0]!;
    const result = mergeItems([
      { file: 'a', items: [item, { ...item, repeat: 1 }, { ...item, strategy: 'other' }] },
    ]);
    expect(result.items).toHaveLength(3);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
