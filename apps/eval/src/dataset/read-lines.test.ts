import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../eval-error.js';
import { firstInvalidUtf8Byte, readLines, type SourceLine } from './read-lines.js';

let folder: string;
let fileCount = 0;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'baton-lines-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function textFile(content: string | Buffer): Promise<string> {
  fileCount += 1;
  const file = join(folder, `file-${fileCount}.txt`);
  await writeFile(file, content);
  return file;
}

async function lines(file: string, maxLineBytes = 1024): Promise<SourceLine[]> {
  const all: SourceLine[] = [];
  for await (const line of readLines(file, { maxLineBytes })) all.push(line);
  return all;
}

describe('readLines', () => {
  it('splits on LF, CRLF and a lone CR, numbers lines as editors do and drops a BOM', async () => {
    const file = await textFile('\uFEFFone\r\ntwo\rthree\n\nfive');
    expect((await lines(file)).map(({ line, text }) => [line, text])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
      [4, ''],
      [5, 'five'],
    ]);
  });

  it('keeps CRLF one line break when the CR ends a chunk and the LF starts the next', async () => {
    // The read stream hands over 64 KiB chunks: put the CR last in the first one.
    const first = 'x'.repeat(65_535);
    const file = await textFile(`${first}\r\nsecond\n`);
    expect((await lines(file, 100_000)).map(({ line, text }) => [line, text.length])).toEqual([
      [1, 65_535],
      [2, 6],
    ]);
  });

  it('reports a line longer than maxLineBytes without its text, and goes on', async () => {
    const file = await textFile(`short\n${'y'.repeat(50)}\r\nafter\n`);
    expect(await lines(file, 20)).toEqual([
      { line: 1, text: 'short', tooLong: false },
      { line: 2, text: '', tooLong: true },
      { line: 3, text: 'after', tooLong: false },
    ]);
  });

  it('decodes a multi-byte character split between two chunks', async () => {
    const file = await textFile(`${'a'.repeat(65_535)}é\n`);
    const [line] = await lines(file, 100_000);
    expect(line?.text.endsWith('aé')).toBe(true);
  });

  it('stops at the first line that is not UTF-8, naming file, line and byte', async () => {
    const file = await textFile(
      Buffer.concat([Buffer.from('fine\nna'), Buffer.from([0xef, 0xbf]), Buffer.from('x\n')]),
    );
    const error = await lines(file).then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    expect(DatasetError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ file, line: 2 });
    expect((error as Error).message).toBe(
      `${file}:2: not valid UTF-8 (byte 0xEF at byte 3 of the line); save the file as UTF-8`,
    );
  });
  it('with tolerateCutTail, marks an unterminated last line cut inside a character, and nothing else', async () => {
    const cutEuro = Buffer.from('€').subarray(0, 2);
    const tail = await textFile(Buffer.concat([Buffer.from('fine\nprice '), cutEuro]));
    const read = async (file: string) => {
      const all: SourceLine[] = [];
      for await (const line of readLines(file, { maxLineBytes: 1024, tolerateCutTail: true })) all.push(line);
      return all;
    };
    expect(await read(tail)).toEqual([
      { line: 1, text: 'fine', tooLong: false },
      { line: 2, text: '', tooLong: false, cut: true },
    ]);
    // Ended by a line break, the same bytes are a corrupt line, not a cut-off write.
    const ended = await textFile(Buffer.concat([Buffer.from('fine\nprice '), cutEuro, Buffer.from('\n')]));
    await expect(read(ended)).rejects.toMatchObject({ line: 2 });
    // Without the option the cut tail stops the read like any line that is not UTF-8.
    await expect(lines(tail)).rejects.toMatchObject({ line: 2 });
  });
});

describe('firstInvalidUtf8Byte', () => {
  it('accepts every valid form and rejects overlong, surrogate, out-of-range and cut sequences', () => {
    const valid = Buffer.from('a é € 𝄞 \u{10FFFF}');
    expect(firstInvalidUtf8Byte(valid)).toBe(valid.length);
    expect(firstInvalidUtf8Byte(Uint8Array.of(0x61, 0xc0, 0xaf))).toBe(1); // overlong "/"
    expect(firstInvalidUtf8Byte(Uint8Array.of(0xe0, 0x80, 0xaf))).toBe(0); // overlong, 3 bytes
    expect(firstInvalidUtf8Byte(Uint8Array.of(0xed, 0xa0, 0x80))).toBe(0); // a UTF-16 surrogate
    expect(firstInvalidUtf8Byte(Uint8Array.of(0xf4, 0x90, 0x80, 0x80))).toBe(0); // past U+10FFFF
    expect(firstInvalidUtf8Byte(Uint8Array.of(0x61, 0x62, 0xe2, 0x82))).toBe(2); // cut short
    expect(firstInvalidUtf8Byte(Uint8Array.of(0xe9, 0x61))).toBe(0); // Latin-1 "é"
  });
});
