import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvalError } from '../eval-error.js';
import { dataBytes, dataFiles, readConversations } from './load-conversations.js';

let folder: string;

const line = (id: string) =>
  JSON.stringify({
    id,
    turns: [
      { role: 'user', text: 'hi' },
      { role: 'agent', text: 'hello' },
    ],
  });

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'baton-load-'));
  await mkdir(join(folder, 'mixed'));
  await writeFile(join(folder, 'mixed', 'b.jsonl'), `${line('b1')}\n${line('b2')}\n`);
  await writeFile(join(folder, 'mixed', 'a.csv'), 'conversation_id,role,text\na1,user,hi\na1,agent,hello\n');
  await writeFile(join(folder, 'mixed', 'notes.md'), '# not data\n');
  await mkdir(join(folder, 'mixed', 'nested.jsonl'));
  await mkdir(join(folder, 'duplicates'));
  await writeFile(join(folder, 'duplicates', '1.jsonl'), `${line('x')}\n`);
  await writeFile(join(folder, 'duplicates', '2.jsonl'), `${line('y')}\n${line('x')}\n`);
  await mkdir(join(folder, 'empty'));
  await writeFile(join(folder, 'data.txt'), 'x');
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function ids(source: string, options: Parameters<typeof readConversations>[1] = {}) {
  const seen: string[] = [];
  for await (const conversation of readConversations(source, options)) seen.push(conversation.id);
  return seen;
}

describe('readConversations', () => {
  it('reads a folder’s .jsonl and .csv files in name order', async () => {
    expect(await ids(join(folder, 'mixed'))).toEqual(['a1', 'b1', 'b2']);
  });

  it('picks the reader by extension for a single file', async () => {
    expect(await ids(join(folder, 'mixed', 'a.csv'))).toEqual(['a1']);
    expect(await ids(join(folder, 'mixed', 'b.jsonl'))).toEqual(['b1', 'b2']);
  });

  it('rejects ids repeated across files, naming the first file', async () => {
    await expect(ids(join(folder, 'duplicates'))).rejects.toThrow(
      `${join(folder, 'duplicates', '2.jsonl')}:2: id: duplicate conversation id "x" (first at ${join(folder, 'duplicates', '1.jsonl')}:1)`,
    );
  });

  it('keeps a summary that restarts with each pass', async () => {
    const stream = readConversations(join(folder, 'duplicates'), { onInvalid: 'skip' });
    expect(await collect(stream)).toEqual(['x', 'y']);
    expect(stream.summary).toMatchObject({ read: 2, skipped: 1 });
    expect(await collect(stream)).toEqual(['x', 'y']);
    expect(stream.summary).toMatchObject({ read: 2, skipped: 1 });
  });

  it('reports unusable sources as the user’s mistakes', async () => {
    await expect(ids(join(folder, 'data.txt'))).rejects.toMatchObject({ code: 'usage' });
    await expect(ids(join(folder, 'empty'))).rejects.toMatchObject({ code: 'invalid-input' });
    const missing = await ids(join(folder, 'missing')).catch((error: unknown) => error);
    expect(EvalError.isInstance(missing) && missing.isUserError).toBe(true);
  });
});

describe('dataFiles', () => {
  it('lists only data files, not folders named like them', async () => {
    expect(await dataFiles(join(folder, 'mixed'))).toEqual([
      join(folder, 'mixed', 'a.csv'),
      join(folder, 'mixed', 'b.jsonl'),
    ]);
  });
});

describe('dataBytes', () => {
  it('adds up the sizes of the data files alone', async () => {
    const csv = 'conversation_id,role,text\na1,user,hi\na1,agent,hello\n';
    const jsonl = `${line('b1')}\n${line('b2')}\n`;
    expect(await dataBytes(join(folder, 'mixed'))).toBe(Buffer.byteLength(csv) + Buffer.byteLength(jsonl));
    expect(await dataBytes(join(folder, 'duplicates', '1.jsonl'))).toBe(Buffer.byteLength(`${line('x')}\n`));
  });

  it('reports a missing source as the user’s mistake', async () => {
    await expect(dataBytes(join(folder, 'missing.jsonl'))).rejects.toBeInstanceOf(EvalError);
  });
});

async function collect(stream: AsyncIterable<{ id: string }>): Promise<string[]> {
  const seen: string[] = [];
  for await (const conversation of stream) seen.push(conversation.id);
  return seen;
}
