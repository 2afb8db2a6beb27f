import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation } from './conversation.js';
import { filterBySplit, readSplit, type SplitMismatch } from './split.js';

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'baton-split-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function splitFile(content: unknown): Promise<string> {
  const file = join(folder, `split-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const conversation = (id: string): Conversation => ({ id, turns: [{ role: 'user', text: 'hi' }] });

async function* stream(...ids: string[]): AsyncGenerator<Conversation> {
  for (const id of ids) yield conversation(id);
}

async function collect(source: AsyncIterable<Conversation>): Promise<string[]> {
  const ids: string[] = [];
  for await (const item of source) ids.push(item.id);
  return ids;
}

describe('readSplit', () => {
  it('reads a valid split file', async () => {
    const file = await splitFile({ method: 'manual', seed: 1, train: ['a'], test: ['b'] });
    expect(await readSplit(file)).toEqual({ method: 'manual', seed: 1, train: ['a'], test: ['b'] });
  });

  it('rejects an id on both sides, naming both places', async () => {
    const file = await splitFile({ method: 'manual', seed: 1, train: ['a', 'b'], test: ['c', 'b'] });
    await expect(readSplit(file)).rejects.toThrow(`${file}: test[1]: "b" is also train[1]`);
  });

  it('names the field of a schema error', async () => {
    const file = await splitFile({ method: 'manual', seed: 1, train: 'a', test: [] });
    await expect(readSplit(file)).rejects.toThrow(`${file}: train: expected an array, got a string ("a")`);
  });
});

describe('filterBySplit', () => {
  const split = { method: 'manual', seed: 1, train: ['a', 'c'], test: ['b', 'gone'] };

  it('keeps one side of the split in stream order', async () => {
    expect(await collect(filterBySplit(stream('a', 'b', 'c'), split, 'train'))).toEqual(['a', 'c']);
    expect(await collect(filterBySplit(stream('a', 'b', 'c'), split, 'test'))).toEqual(['b']);
  });

  it('reports ids the split lists but the stream lacks, and conversations the split does not place', async () => {
    const reports: SplitMismatch[] = [];
    await collect(
      filterBySplit(stream('a', 'b', 'new'), split, 'test', { onMismatch: (report) => reports.push(report) }),
    );
    expect(reports).toEqual([{ unknownIds: ['c', 'gone'], unassignedIds: ['new'] }]);
  });

  it('reports nothing when stream and split agree', async () => {
    const reports: SplitMismatch[] = [];
    const exact = { ...split, test: ['b'] };
    await collect(
      filterBySplit(stream('a', 'b', 'c'), exact, 'train', { onMismatch: (report) => reports.push(report) }),
    );
    expect(reports).toEqual([]);
  });
});
