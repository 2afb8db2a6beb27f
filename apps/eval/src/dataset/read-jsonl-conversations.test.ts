import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError, EvalError } from '../eval-error.js';
import type { Conversation } from './conversation.js';
import { readJsonlConversations } from './read-jsonl-conversations.js';
import { ReadTally } from './read-tally.js';

let folder: string;
let fileCount = 0;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'baton-jsonl-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function jsonlFile(content: string | Buffer): Promise<string> {
  fileCount += 1;
  const file = join(folder, `file-${fileCount}.jsonl`);
  await writeFile(file, content);
  return file;
}

async function readAll(file: string, options: Parameters<typeof readJsonlConversations>[1] = {}) {
  const conversations: Conversation[] = [];
  for await (const conversation of readJsonlConversations(file, options)) conversations.push(conversation);
  return conversations;
}

async function readError(file: string, options: Parameters<typeof readJsonlConversations>[1] = {}) {
  try {
    await readAll(file, options);
  } catch (error) {
    return error as DatasetError;
  }
  throw new Error('expected the read to fail');
}

const valid = (id: string) =>
  JSON.stringify({
    id,
    turns: [
      {
        role: 'user',
        text: 'My reader says E-310',
        domain: 'technical',
        intent: 'reader-error',
        language: 'en',
      },
      { role: 'agent', text: 'Put it on the dock for ten minutes.', draft: 'Restart it.' },
    ],
  });

describe('readJsonlConversations', () => {
  it('streams valid conversations, normalising domains and keeping unknown fields', async () => {
    const file = await jsonlFile(
      [
        valid('c1'),
        JSON.stringify({
          id: 'c2',
          turns: [
            { role: 'user', text: 'refund and return', domain: ['billing', 'orders'], mood: 'cross' },
            { role: 'agent', text: 'Done.' },
          ],
          metadata: { channel: 'email' },
          source: 'crm-export',
        }),
      ].join('\n'),
    );
    const conversations = await readAll(file);
    expect(conversations.map((conversation) => conversation.id)).toEqual(['c1', 'c2']);
    expect(conversations[1]).toMatchObject({
      source: 'crm-export',
      metadata: { channel: 'email' },
      turns: [{ role: 'user', domain: ['billing', 'orders'], mood: 'cross' }, { role: 'agent' }],
    });
    expect(conversations[0]?.turns[0]).toMatchObject({ domain: ['technical'] });
  });

  it('tolerates a byte order mark, CRLF line ends and blank lines', async () => {
    const file = await jsonlFile(`\uFEFF${valid('c1')}\r\n\r\n   \r\n${valid('c2')}\r\n`);
    expect((await readAll(file)).map((conversation) => conversation.id)).toEqual(['c1', 'c2']);
  });

  it('names file and line for a line that is not JSON', async () => {
    const file = await jsonlFile(`${valid('c1')}\n{"id": "c2", "turns": [\n`);
    const error = await readError(file);
    expect(DatasetError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ file, line: 2, field: undefined, code: 'invalid-input' });
    expect(error.message).toMatch(new RegExp(`^${escapeRegExp(file)}:2: invalid JSON: `));
  });

  it('names the missing field', async () => {
    const file = await jsonlFile(JSON.stringify({ turns: [{ role: 'user', text: 'hi' }] }));
    expect((await readError(file)).message).toBe(`${file}:1: id: missing; expected a string`);
  });

  it('names a field of the wrong type', async () => {
    const file = await jsonlFile(`\n\n${JSON.stringify({ id: 'c1', turns: [{ role: 'user', text: 42 }] })}`);
    expect((await readError(file)).message).toBe(
      `${file}:3: turns[0].text: expected a string, got number 42`,
    );
  });

  it('names an unknown role with the value found', async () => {
    const turns = [
      { role: 'user', text: 'hi' },
      { role: 'agent', text: 'hello' },
      { role: 'bot', text: 'beep' },
    ];
    const file = await jsonlFile(`${valid('c0')}\n${JSON.stringify({ id: 'c1', turns })}\n`);
    const error = await readError(file);
    expect(error).toMatchObject({ line: 2, field: 'turns[2].role' });
    expect(error.message).toBe(`${file}:2: turns[2].role: expected "user" or "agent", got "bot"`);
  });

  it('rejects empty and whitespace-only text', async () => {
    const file = await jsonlFile(
      JSON.stringify({
        id: 'c1',
        turns: [
          { role: 'user', text: 'hi' },
          { role: 'agent', text: ' \n\t' },
        ],
      }),
    );
    expect((await readError(file)).message).toBe(`${file}:1: turns[1].text: must not be empty`);
  });

  it('keeps an agent turn’s nuggets, and rejects an empty list or a blank nugget', async () => {
    const conversation = (nuggets: unknown) =>
      JSON.stringify({
        id: 'c1',
        turns: [
          { role: 'user', text: 'My reader says E-310' },
          { role: 'agent', text: 'Put it on the dock for ten minutes.', nuggets },
        ],
      });
    const [read] = await readAll(await jsonlFile(conversation(['dock for 10 minutes'])));
    expect(read?.turns[1]).toMatchObject({ nuggets: ['dock for 10 minutes'] });
    expect((await readError(await jsonlFile(conversation([])))).field).toBe('turns[1].nuggets');
    expect((await readError(await jsonlFile(conversation(['dock', ' '])))).message).toMatch(
      /turns\[1\]\.nuggets\[1\]: must not be empty$/,
    );
  });

  it('rejects a domain that is neither a string nor a non-empty list', async () => {
    const turn = { role: 'user', text: 'hi', domain: [] };
    const file = await jsonlFile(JSON.stringify({ id: 'c1', turns: [turn] }));
    expect((await readError(file)).message).toBe(`${file}:1: turns[0].domain: needs at least 1 item`);
  });

  it('rejects a conversation without a user turn', async () => {
    const file = await jsonlFile(JSON.stringify({ id: 'c1', turns: [{ role: 'agent', text: 'Hello?' }] }));
    expect((await readError(file)).message).toBe(`${file}:1: turns: needs at least one user turn`);
  });

  it('accepts turns that do not alternate, as real logs have them', async () => {
    const turns = [
      { role: 'agent', text: 'Hi, Maya here, how can I help?' },
      { role: 'user', text: 'hi' },
      { role: 'user', text: 'my printer is dead' },
      { role: 'agent', text: 'Is the light on?' },
    ];
    const file = await jsonlFile(JSON.stringify({ id: 'c1', turns }));
    expect(await readAll(file)).toHaveLength(1);
  });

  it('rejects a duplicate conversation id, naming the first occurrence', async () => {
    const file = await jsonlFile(`${valid('c1')}\n${valid('c2')}\n${valid('c1')}\n`);
    expect((await readError(file)).message).toBe(
      `${file}:3: id: duplicate conversation id "c1" (first at ${file}:1)`,
    );
  });

  it('reports a line longer than maxLineBytes without buffering it', async () => {
    const huge = `{"id":"c2","turns":[{"role":"user","text":"${'x'.repeat(300_000)}"}]}`;
    const file = await jsonlFile(`${valid('c1')}\n${huge}\n${valid('c3')}\n`);
    const error = await readError(file, { maxLineBytes: 65_536 });
    expect(error.message).toBe(`${file}:2: line is longer than maxLineBytes (65536 bytes)`);
    const tally = new ReadTally({ onInvalid: 'skip' });
    const ids = (await readAll(file, { maxLineBytes: 65_536, tally })).map((conversation) => conversation.id);
    expect(ids).toEqual(['c1', 'c3']);
    expect(tally.summary).toMatchObject({ read: 2, skipped: 1 });
  });

  it('keeps line numbers true after an oversized line that ends in CRLF', async () => {
    const file = await jsonlFile(`${'y'.repeat(400)}\r\n${valid('c1')}\r\n{bad\r\n`);
    const issues: DatasetError[] = [];
    await readAll(file, { maxLineBytes: 250, onInvalid: 'skip', onIssue: (issue) => issues.push(issue) });
    expect(issues.map((issue) => issue.line)).toEqual([1, 3]);
  });

  it('rejects an empty or blank-only file, in skip mode too: skip mode skips lines, not files', async () => {
    const file = await jsonlFile('');
    expect((await readError(file)).message).toBe(`${file}: the file is empty`);
    expect((await readError(file, { onInvalid: 'skip' })).message).toBe(`${file}: the file is empty`);
    const blank = await jsonlFile('\uFEFF\n \r\n\n');
    const message = `${blank}: the file holds only blank lines, no conversation`;
    expect((await readError(blank)).message).toBe(message);
    expect((await readError(blank, { onInvalid: 'skip' })).message).toBe(message);
  });

  it('stops in skip mode when every line of the file is invalid, naming the first problem', async () => {
    const file = await jsonlFile(['not json', JSON.stringify({ id: 'c2', turns: [] })].join('\n'));
    const error = await readError(file, { onInvalid: 'skip' });
    expect(error.message).toBe(
      `${file}: all 2 of its records are invalid, so nothing would be read from it; the first: ${file}:1: invalid JSON: Unexpected token 'o', "not json" is not valid JSON`,
    );
  });

  it('stops on bytes that are not UTF-8 in both modes, naming the line and the byte', async () => {
    const latin1 = Buffer.concat([
      Buffer.from(`${valid('c1')}\n{"id":"c2","turns":[{"role":"user","text":"Caf`),
      Buffer.from([0xe9]),
      Buffer.from('"}]}\n'),
    ]);
    const file = await jsonlFile(latin1);
    const expected = `${file}:2: not valid UTF-8 (byte 0xE9 at byte 47 of the line); save the file as UTF-8`;
    expect((await readError(file)).message).toBe(expected);
    const issues: DatasetError[] = [];
    const error = await readError(file, { onInvalid: 'skip', onIssue: (issue) => issues.push(issue) });
    expect(error.message).toBe(expected);
    expect(issues).toEqual([]);
  });

  it('names UTF-16 for a file saved as UTF-16', async () => {
    const file = await jsonlFile(Buffer.from(`\uFEFF${valid('c1')}\n`, 'utf16le'));
    expect((await readError(file)).message).toBe(
      `${file}:1: the file is UTF-16, not UTF-8; save it as UTF-8`,
    );
  });

  it('skips invalid lines in skip mode, reporting each issue and counting them', async () => {
    const file = await jsonlFile(
      [valid('c1'), 'not json', JSON.stringify({ id: 'c3', turns: [] }), valid('c4'), valid('c1')].join('\n'),
    );
    const seen: string[] = [];
    const tally = new ReadTally({ onInvalid: 'skip', onIssue: (issue) => seen.push(issue.message) });
    const ids = (await readAll(file, { tally })).map((conversation) => conversation.id);
    expect(ids).toEqual(['c1', 'c4']);
    expect(tally.summary.read).toBe(2);
    expect(tally.summary.skipped).toBe(3);
    expect(tally.summary.issues.map((issue) => [issue.line, issue.field])).toEqual([
      [2, undefined],
      [3, 'turns'],
      [5, 'id'],
    ]);
    expect(seen).toHaveLength(3);
  });

  it('keeps only maxIssues issues in the summary but counts the rest', async () => {
    const file = await jsonlFile(['x', 'y', 'z', valid('c1')].join('\n'));
    const tally = new ReadTally({ onInvalid: 'skip', maxIssues: 2 });
    await readAll(file, { tally });
    expect(tally.summary).toMatchObject({ read: 1, skipped: 3, omittedIssues: 1 });
    expect(tally.summary.issues).toHaveLength(2);
  });

  it('is lazy: a consumer that stops early never meets the invalid lines further down', async () => {
    const file = await jsonlFile(`${valid('c1')}\n${'garbage\n'.repeat(10_000)}`);
    for await (const conversation of readJsonlConversations(file)) {
      expect(conversation.id).toBe('c1');
      break;
    }
  });

  it('reports a missing file as not-found', async () => {
    const error = await readError(join(folder, 'nope.jsonl'));
    expect(EvalError.isInstance(error) && error.code).toBe('not-found');
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
