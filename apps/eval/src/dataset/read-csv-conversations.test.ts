import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetError } from '../eval-error.js';
import { parseColumnMapping } from './column-mapping.js';
import type { Conversation } from './conversation.js';
import { type ReadCsvOptions, readCsvConversations } from './read-csv-conversations.js';
import { ReadTally } from './read-tally.js';

let folder: string;
let fileCount = 0;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'baton-csv-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function csvFile(content: string, name?: string): Promise<string> {
  fileCount += 1;
  const file = join(folder, name ?? `file-${fileCount}.csv`);
  await writeFile(file, content);
  return file;
}

async function readAll(file: string, options: ReadCsvOptions = {}) {
  const conversations: Conversation[] = [];
  for await (const conversation of readCsvConversations(file, options)) conversations.push(conversation);
  return conversations;
}

async function readError(file: string, options: ReadCsvOptions = {}) {
  try {
    await readAll(file, options);
  } catch (error) {
    return error as DatasetError;
  }
  throw new Error('expected the read to fail');
}

const header = 'conversation_id,turn,role,text,domain,intent,language,draft';

describe('readCsvConversations', () => {
  it('groups consecutive rows into conversations, with multi-domain cells, drafts and quoting', async () => {
    const file = await csvFile(
      [
        header,
        'c1,1,user,"Refund the order, and return the reader?",billing|orders,refund-and-return,en,',
        'c1,2,agent,"Done.\nThe label is in your inbox.",,,,"Refund done, return label attached."',
        'c1,3,user,"She said ""thanks""",general,thanks,en,',
        'c1,4,agent,You are welcome!,,,,',
        'c2,1,user,¿Dónde está mi pedido?,orders,where-is-my-order,es,',
        'c2,2,agent,Está en camino.,,,,',
      ].join('\n'),
    );
    const conversations = await readAll(file);
    expect(conversations.map((conversation) => [conversation.id, conversation.turns.length])).toEqual([
      ['c1', 4],
      ['c2', 2],
    ]);
    expect(conversations[0]?.turns[0]).toEqual({
      role: 'user',
      text: 'Refund the order, and return the reader?',
      domain: ['billing', 'orders'],
      intent: 'refund-and-return',
      language: 'en',
    });
    expect(conversations[0]?.turns[1]).toEqual({
      role: 'agent',
      text: 'Done.\nThe label is in your inbox.',
      draft: 'Refund done, return label attached.',
    });
    expect(conversations[0]?.turns[2]?.text).toBe('She said "thanks"');
  });

  it('reads the nuggets of an agent row, separated by |', async () => {
    const file = await csvFile(
      [
        'conversation_id,turn,role,text,domain,nuggets',
        'c1,1,user,How long do refunds take?,billing,',
        'c1,2,agent,"Refunds take 5–10 business days; start one in Back Office → Orders → Refund.",,"refunds take 5–10 business days | Back Office → Orders → Refund|"',
        'c1,3,user,Thanks!,general,',
        'c1,4,agent,You are welcome!,,',
      ].join('\n'),
    );
    const [conversation] = await readAll(file);
    expect(conversation?.turns[1]).toEqual({
      role: 'agent',
      text: 'Refunds take 5–10 business days; start one in Back Office → Orders → Refund.',
      nuggets: ['refunds take 5–10 business days', 'Back Office → Orders → Refund'],
    });
    // An empty cell: no nuggets (they are extracted from the text when the turn is replayed).
    expect(conversation?.turns[3]).toEqual({ role: 'agent', text: 'You are welcome!' });
  });

  it('tolerates a BOM and CRLF, inside quoted fields too, and keeps line numbers true', async () => {
    const file = await csvFile(
      `\uFEFF${header}\r\nc1,1,user,"two\r\nlines",technical,x,en,\r\n\r\nc1,2,agent,ok,,,,\r\nc2,1,bot,hi,,,,\r\n`,
    );
    const error = await readError(file);
    expect(error.message).toBe(`${file}:6: role: expected "user" or "agent", got "bot"`);
    const valid = await csvFile(
      `\uFEFF${header}\r\nc1,1,user,"two\r\nlines",technical,x,en,\r\nc1,2,agent,ok,,,,\r\n`,
    );
    const [conversation] = await readAll(valid);
    expect(conversation?.turns[0]?.text).toBe('two\nlines');
  });

  it('keeps unknown columns as extra fields of the turn', async () => {
    const file = await csvFile('conversation_id,role,text,sentiment\nc1,user,hi,happy\nc1,agent,hello,\n');
    const [conversation] = await readAll(file);
    expect(conversation?.turns).toEqual([
      { role: 'user', text: 'hi', sentiment: 'happy' },
      { role: 'agent', text: 'hello' },
    ]);
  });

  it('names the record’s first line and the column for an unknown role', async () => {
    const file = await csvFile(`${header}\nc1,1,user,"a\nb",billing,x,en,\nc1,2,bot,hi,,,,\n`);
    const error = await readError(file);
    expect(error).toMatchObject({ file, line: 4, field: 'role' });
    expect(error.message).toBe(`${file}:4: role: expected "user" or "agent", got "bot"`);
  });

  it('rejects empty text', async () => {
    const file = await csvFile(`${header}\nc1,1,user,   ,billing,x,en,\n`);
    expect((await readError(file)).message).toBe(`${file}:2: text: must not be empty`);
  });

  it('rejects a turn number that is not a number or out of order', async () => {
    const notNumber = await csvFile(`${header}\nc1,one,user,hi,,,,\n`);
    expect((await readError(notNumber)).message).toBe(
      `${notNumber}:2: turn: expected a whole number, got "one"`,
    );
    const gap = await csvFile(`${header}\nc1,1,user,hi,,,,\nc1,3,agent,hello,,,,\n`);
    expect((await readError(gap)).message).toBe(`${gap}:3: turn: expected 2, got 3`);
  });

  it('rejects a header without a required column', async () => {
    const file = await csvFile('conversation_id,text\nc1,hi\n');
    expect((await readError(file)).message).toBe(
      `${file}:1: role: no column for role (columns: conversation_id, text); name it in the column mapping`,
    );
  });

  it('rejects a row with missing or extra fields', async () => {
    const short = await csvFile(`${header}\nc1,1,user,hi\n`);
    expect((await readError(short)).message).toBe(`${short}:2: expected 8 fields as in the header, got 4`);
    const long = await csvFile(`${header}\nc1,1,user,hi,billing,x,en,,surprise\n`);
    expect((await readError(long)).message).toBe(`${long}:2: expected 8 fields as in the header, got 9`);
  });

  it('names the record’s first line and the column for broken quoting', async () => {
    const unclosed = await csvFile(`${header}\nc1,1,user,hi,,,,\n\nc1,2,agent,"oops,,,,\nc2,1,user,hi,,,,\n`);
    expect(await readError(unclosed)).toMatchObject({ line: 4, field: 'text' });
    expect((await readError(unclosed)).message).toBe(
      `${unclosed}:4: text: a quoted field is never closed (a \`"\` is missing)`,
    );
    const stray = await csvFile(`${header}\nc1,1,user,say "hi",,,,\n`);
    expect((await readError(stray)).message).toBe(
      `${stray}:2: text: a \`"\` inside an unquoted field; quote the whole field and write \`"\` as \`""\``,
    );
    const trailing = await csvFile(`${header}\nc1,1,user,"hi"!,,,,\n`);
    expect(await readError(trailing)).toMatchObject({ line: 2, field: 'text' });
    const late = await csvFile(`${header}\nc1,1,user,hi,billing,x,en,"draft"?\n`);
    expect(await readError(late)).toMatchObject({ line: 2, field: 'draft' });
  });

  it('rejects a record longer than maxLineBytes', async () => {
    const file = await csvFile(`${header}\nc1,1,user,"${'x\n'.repeat(5000)}",,,,\n`);
    const error = await readError(file, { maxLineBytes: 1000 });
    expect(error.message).toBe(`${file}:2: text: record is longer than maxLineBytes (1000 characters)`);
  });

  describe('in skip mode, a broken record never takes its valid neighbours with it', () => {
    async function skipRead(content: string) {
      const tally = new ReadTally({ onInvalid: 'skip' });
      const file = await csvFile(content);
      const ids = (await readAll(file, { tally })).map((conversation) => conversation.id);
      return { ids, issues: tally.summary.issues.map((issue) => [issue.line, issue.field]), tally };
    }

    it('keeps the conversation above a stray quote that opens the next one', async () => {
      const { ids, issues, tally } = await skipRead(
        [
          header,
          'c1,1,user,hi,,,,',
          'c1,2,agent,hello,,,,',
          'c2,1,user,say "hi",,,,',
          'c2,2,agent,hello,,,,',
          'c3,1,user,hi,,,,',
          'c3,2,agent,hello,,,,',
        ].join('\n'),
      );
      expect(ids).toEqual(['c1', 'c3']);
      expect(issues).toEqual([[4, 'text']]);
      expect(tally.summary).toMatchObject({ read: 2, skipped: 1 });
    });

    it('reads the rows after a quote that is never closed', async () => {
      const { ids, issues } = await skipRead(
        [
          header,
          'c1,1,user,hi,,,,',
          'c1,2,agent,"oops,,,,',
          'c2,1,user,hi,,,,',
          'c2,2,agent,"fine",,,,',
        ].join('\n'),
      );
      expect(ids).toEqual(['c2']);
      expect(issues).toEqual([[3, 'text']]);
    });

    it('reads the rows after text that follows a closing quote, in a multi-line field', async () => {
      const { ids, issues } = await skipRead(
        [
          header,
          'c1,1,user,hi,,,,',
          'c1,2,agent,"one',
          'two "quoted" three",,,,',
          'c2,1,user,hi,,,,',
          'c2,2,agent,hello,,,,',
        ].join('\n'),
      );
      expect(ids).toEqual(['c2']);
      expect(issues[0]).toEqual([3, 'text']);
    });

    it('counts a record with several bad quotes once', async () => {
      const { ids, tally } = await skipRead(
        [
          header,
          'c1,1,user,"a"b"c"d,,,,',
          'c1,2,agent,hello,,,,',
          'c2,1,user,hi,,,,',
          'c2,2,agent,ok,,,,',
        ].join('\n'),
      );
      expect(ids).toEqual(['c2']);
      expect(tally.summary).toMatchObject({ read: 1, skipped: 1 });
    });
  });

  it('rejects an empty file and a file with only a header, in skip mode too', async () => {
    const empty = await csvFile('');
    expect((await readError(empty)).message).toBe(`${empty}: the file is empty`);
    const bomOnly = await csvFile('\uFEFF\n\n');
    expect((await readError(bomOnly, { onInvalid: 'skip' })).message).toBe(`${bomOnly}: the file is empty`);
    const headerOnly = await csvFile(`${header}\r\n`);
    expect((await readError(headerOnly)).message).toBe(`${headerOnly}: no rows after the header`);
    expect((await readError(headerOnly, { onInvalid: 'skip' })).message).toBe(
      `${headerOnly}: no rows after the header`,
    );
  });

  it('says a file delimited by semicolons is not comma-separated, in skip mode too', async () => {
    const file = await csvFile('conversation_id;turn;role;text\nc1;1;user;hi\nc1;2;agent;hello\n');
    expect((await readError(file, { onInvalid: 'skip' })).message).toBe(
      `${file}:1: the header is a single column ("conversation_id;turn;role;text"): the file looks delimited by ";", but CSV files must be comma-separated`,
    );
  });

  it('stops on bytes that are not UTF-8 in skip mode too, naming the line', async () => {
    const file = await csvFile(`${header}\nc1,1,user,Caf\u00e9,,,,\n`);
    const latin1 = Buffer.from(await readFile(file, 'utf8'), 'latin1');
    await writeFile(file, latin1);
    expect((await readError(file, { onInvalid: 'skip' })).message).toBe(
      `${file}:2: not valid UTF-8 (byte 0xE9 at byte 14 of the line); save the file as UTF-8`,
    );
  });

  it('rejects a conversation id that reappears later, naming both lines', async () => {
    const file = await csvFile(`${header}\nc1,1,user,hi,,,,\nc2,1,user,yo,,,,\nc1,2,agent,hello,,,,\n`);
    expect((await readError(file)).message).toBe(
      `${file}:4: conversation_id: conversation "c1" reappears; its rows must be consecutive (first seen at line 2)`,
    );
  });

  it('rejects a conversation without a user turn', async () => {
    const file = await csvFile('conversation_id,role,text\nc1,agent,hello\n');
    expect((await readError(file)).message).toBe(
      `${file}:2: role: conversation "c1" needs at least one user turn`,
    );
  });

  it('skips a conversation with a bad row once, counting and reporting it', async () => {
    const file = await csvFile(
      [
        header,
        'c1,1,user,hi,,,,',
        'c1,2,bot,beep,,,,',
        'c1,3,user,hello?,,,,',
        'c1,4,bot,beep,,,,',
        'c2,1,user,"broken,,,,',
        'c3,1,user,hi,,,,',
        'c3,2,agent,hello,,,,',
      ].join('\n'),
    );
    const issues: DatasetError[] = [];
    const tally = new ReadTally({ onInvalid: 'skip', onIssue: (issue) => issues.push(issue) });
    expect((await readAll(file, { tally })).map((conversation) => conversation.id)).toEqual(['c3']);
    expect(issues.map((issue) => [issue.line, issue.field])).toEqual([
      [3, 'role'],
      [6, 'text'],
    ]);
    expect(tally.summary).toMatchObject({ read: 1, skipped: 2 });
  });

  it('stops in skip mode too when no record of the file is valid, naming the first problem', async () => {
    const file = await csvFile(`${header}\nc1,1,bot,beep,,,,\nc2,1,user,"broken,,,,\n`);
    expect((await readError(file, { onInvalid: 'skip' })).message).toBe(
      `${file}: all 2 of its records are invalid, so nothing would be read from it; the first: ${file}:2: role: expected "user" or "agent", got "bot"`,
    );
  });

  it('stops at an unusable header in skip mode too', async () => {
    const file = await csvFile('id,message\nc1,hi\nc2,hello\n');
    expect((await readError(file, { onInvalid: 'skip' })).message).toBe(
      `${file}:1: conversation_id: no column for conversation_id (columns: id, message); name it in the column mapping`,
    );
  });

  it('is lazy: a consumer that stops early never meets the broken rows further down', async () => {
    const rows = ['c1,1,user,hi,,,,', 'c1,2,agent,hello,,,,', 'c2,1,user,hi,,,,'];
    const file = await csvFile(`${header}\n${rows.join('\n')}\n${'c3,1,bot,"x\n'.repeat(20_000)}`);
    for await (const conversation of readCsvConversations(file)) {
      expect(conversation.id).toBe('c1');
      break;
    }
  });

  describe('with a single-turn column mapping', () => {
    const mapping = parseColumnMapping('text=question,reference=answer,domain=category');

    it('reads an FAQ export as one conversation per row with ids from the row number', async () => {
      const file = await csvFile(
        'question,answer,category,url\nHow much is Plus?,"€49 a month, or €490 a year.",billing,https://help.example.com/plus\n' +
          'Can I return a reader?,Within 30 days if unused.,orders|billing,\n',
        'faq-export.csv',
      );
      const conversations = await readAll(file, { mapping });
      expect(conversations).toEqual([
        {
          id: 'faq-export-1',
          turns: [
            { role: 'user', text: 'How much is Plus?', domain: ['billing'] },
            { role: 'agent', text: '€49 a month, or €490 a year.' },
          ],
          metadata: { url: 'https://help.example.com/plus' },
        },
        {
          id: 'faq-export-2',
          turns: [
            { role: 'user', text: 'Can I return a reader?', domain: ['orders', 'billing'] },
            { role: 'agent', text: 'Within 30 days if unused.' },
          ],
        },
      ]);
    });

    it('reads a mapped nuggets column onto the answer', async () => {
      const withNuggets = parseColumnMapping('text=question,reference=answer,nuggets=facts');
      const file = await csvFile(
        'question,answer,facts\nHow much is Plus?,"€49 a month, or €490 a year.",€49 a month|€490 a year\nIs there a trial?,Yes.,\n',
      );
      const conversations = await readAll(file, { mapping: withNuggets });
      expect(conversations.map((conversation) => conversation.turns[1])).toEqual([
        { role: 'agent', text: '€49 a month, or €490 a year.', nuggets: ['€49 a month', '€490 a year'] },
        { role: 'agent', text: 'Yes.' },
      ]);
    });

    it('takes ids from a mapped id column and names the user’s columns in errors', async () => {
      const withIds = parseColumnMapping('conversation_id=ticket,text=question,reference=answer');
      const file = await csvFile('ticket,question,answer\nT-1,Hi?,Hello.\nT-2,  ,Hello.\n');
      const error = await readError(file, { mapping: withIds });
      expect(error.message).toBe(`${file}:3: question: must not be empty`);
      const [first] = await readAll(file, { mapping: withIds, onInvalid: 'skip' });
      expect(first?.id).toBe('T-1');
    });

    it('keeps an unanswered question as a conversation without a reference', async () => {
      const file = await csvFile('question,answer,category\nWhere is my parcel?,,orders\n');
      const [conversation] = await readAll(file, { mapping });
      expect(conversation?.turns).toEqual([
        { role: 'user', text: 'Where is my parcel?', domain: ['orders'] },
      ]);
    });

    it('rejects a mapped column missing from the header', async () => {
      const file = await csvFile('q,answer\nHi?,Hello.\n');
      expect((await readError(file, { mapping })).message).toBe(
        `${file}:1: text: no column "question" in the header (columns: q, answer)`,
      );
    });
  });
});
