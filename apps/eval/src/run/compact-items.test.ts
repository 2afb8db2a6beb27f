import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compactItems } from './compact-items.js';

let folder: string;
let file: string;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'baton-compact-'));
  file = join(folder, 'items.jsonl');
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const unitKeyOf = (strategy: string, conversationId: string, repeat: number) =>
  `${strategy}/${conversationId}/${repeat}`;
const item = (strategy: string, conversationId: string, turn: number, answer: string) =>
  JSON.stringify({ strategy, conversationId, itemId: `${conversationId}#${turn}`, repeat: 0, answer });

async function lines(): Promise<string[]> {
  return (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
}

describe('compactItems', () => {
  it('keeps the last line of each item and only items of finished units', async () => {
    await writeFile(
      file,
      [
        item('solo', 'c1', 0, 'first try'),
        item('solo', 'c2', 0, 'unit never finished'),
        item('solo', 'c1', 0, 'second try'),
        item('solo', 'c1', 2, 'done'),
        'not json',
        '',
      ].join('\n'),
    );
    const result = await compactItems(file, { doneUnits: new Set(['solo/c1/0']), unitKeyOf });
    expect(result).toEqual({ kept: 2, superseded: 1, unfinished: 1, unreadable: 1 });
    expect((await lines()).map((line) => JSON.parse(line).answer)).toEqual(['second try', 'done']);
    expect(await compactItems(file, { doneUnits: new Set(['solo/c1/0']), unitKeyOf })).toEqual({
      kept: 2,
      superseded: 0,
      unfinished: 0,
      unreadable: 0,
    });
  });

  it('keeps every unit without doneUnits, e.g. after pairwise judgements appended items again', async () => {
    await writeFile(
      file,
      `${item('a', 'c1', 0, 'x')}\n${item('b', 'c1', 0, 'y')}\n${item('a', 'c1', 0, 'x+judged')}\n`,
    );
    expect(await compactItems(file, { unitKeyOf })).toMatchObject({ kept: 2, superseded: 1 });
    expect((await lines()).map((line) => JSON.parse(line).answer)).toEqual(['y', 'x+judged']);
  });

  it('does nothing for a missing file', async () => {
    expect(await compactItems(file, { unitKeyOf })).toEqual({
      kept: 0,
      superseded: 0,
      unfinished: 0,
      unreadable: 0,
    });
  });
});
