import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { DatasetError, toFileError } from '../eval-error.js';

/** One physical line of a text file. */
export interface SourceLine {
  /** 1-based line number. */
  line: number;
  /** The line without its line break (and line 1 without a UTF-8 BOM); empty when `tooLong`. */
  text: string;
  /** The line is longer than `maxLineBytes`: its text was dropped, never held in memory whole. */
  tooLong: boolean;
  /**
   * Only with {@link ReadLinesOptions.tolerateCutTail}: the last line, ended by no line break, is
   * not valid UTF-8 (a write cut off inside a character); its text is empty.
   */
  cut?: true;
}

/** Options of {@link readLines}. */
export interface ReadLinesOptions {
  /** Longest line kept, in bytes; a longer one comes back `tooLong` without its text. */
  maxLineBytes: number;
  /**
   * An unterminated last line that is not valid UTF-8 comes back marked `cut` instead of stopping
   * the read (default false): a file an interrupted writer left, whose last write may end inside
   * a multi-byte character. Any other line that is not UTF-8 still stops the read.
   */
  tolerateCutTail?: boolean;
}

const lf = 0x0a;
const cr = 0x0d;

/**
 * Streams the physical lines of a UTF-8 text file, lazily and with flat memory. Line breaks are
 * LF, CRLF or a lone CR, as in `node:readline`, so line numbers match what editors show.
 *
 * Decoding is strict: a line that is not valid UTF-8 stops the read with a {@link DatasetError}
 * naming the file, the line and the byte, whatever the `--on-invalid` policy. An encoding belongs
 * to the file, not to one record, and replacing the bytes with U+FFFD would load text the
 * recording never held.
 *
 * @throws DatasetError for bytes that are not UTF-8; EvalError `not-found` or `io` when the file
 *   cannot be read.
 * @example
 * ```ts
 * for await (const { line, text } of readLines('conversations.jsonl', { maxLineBytes: 1 << 24 })) {
 *   console.log(line, text.length);
 * }
 * ```
 */
export async function* readLines(
  file: string,
  options: ReadLinesOptions,
): AsyncGenerator<SourceLine, void, undefined> {
  const handle = await open(file, 'r').catch((error: unknown) => {
    throw toFileError(error, file);
  });
  const input = handle.createReadStream();
  let parts: Buffer[] = [];
  let partBytes = 0;
  let dropping = false;
  let lineNumber = 1;
  let afterCr = false;
  const finishLine = (unterminated = false): SourceLine => {
    const line = lineNumber;
    lineNumber += 1;
    if (dropping) {
      parts = [];
      partBytes = 0;
      dropping = false;
      return { line, text: '', tooLong: true };
    }
    const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, partBytes);
    parts = [];
    partBytes = 0;
    if (unterminated && options.tolerateCutTail && !isUtf8(bytes))
      return { line, text: '', tooLong: false, cut: true };
    return { line, text: decodeLine(bytes, { file, line }), tooLong: false };
  };
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      let position = afterCr && chunk[0] === lf ? 1 : 0;
      afterCr = false;
      while (position < chunk.length) {
        const lineBreak = nextLineBreak(chunk, position);
        const end = lineBreak === -1 ? chunk.length : lineBreak;
        if (!dropping) {
          if (partBytes + (end - position) > options.maxLineBytes) {
            dropping = true;
            parts = [];
            partBytes = 0;
          } else if (end > position) {
            parts.push(chunk.subarray(position, end));
            partBytes += end - position;
          }
        }
        if (lineBreak === -1) break;
        yield finishLine();
        if (chunk[lineBreak] === cr && lineBreak + 1 === chunk.length) afterCr = true;
        position = chunk[lineBreak] === cr && chunk[lineBreak + 1] === lf ? lineBreak + 2 : lineBreak + 1;
      }
    }
    // A last line without a line break.
    if (partBytes > 0 || dropping) yield finishLine(true);
  } catch (error) {
    throw toFileError(error, file);
  } finally {
    input.destroy();
    // Closed here, not left to the garbage collector, however the read ended.
    await handle.close().catch(() => undefined);
  }
}

function nextLineBreak(chunk: Buffer, from: number): number {
  const nextLf = chunk.indexOf(lf, from);
  const nextCr = chunk.indexOf(cr, from);
  return nextLf === -1 ? nextCr : nextCr === -1 ? nextLf : Math.min(nextLf, nextCr);
}

function decodeLine(bytes: Buffer, location: { file: string; line: number }): string {
  if (!isUtf8(bytes)) {
    const offset = firstInvalidUtf8Byte(bytes);
    const utf16 = location.line === 1 && (startsWith(bytes, 0xff, 0xfe) || startsWith(bytes, 0xfe, 0xff));
    const detail = utf16
      ? 'the file is UTF-16, not UTF-8; save it as UTF-8'
      : `not valid UTF-8 (byte 0x${bytes[offset]!.toString(16).toUpperCase().padStart(2, '0')} at byte ${offset + 1} of the line); save the file as UTF-8`;
    throw new DatasetError({ ...location, detail });
  }
  const text = bytes.toString('utf8');
  return location.line === 1 && text.startsWith('\uFEFF') ? text.slice(1) : text;
}

function startsWith(bytes: Buffer, first: number, second: number): boolean {
  return bytes[0] === first && bytes[1] === second;
}

/**
 * Where the first byte sequence that is not UTF-8 starts (overlong forms, surrogates and code
 * points past U+10FFFF included), or the length when every byte is valid.
 */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index]!;
    if (lead < 0x80) {
      index += 1;
      continue;
    }
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return index;
    if (index + length > bytes.length) return index;
    const second = bytes[index + 1]!;
    if (second < low || second > high) return index;
    for (let next = 2; next < length; next += 1) {
      const continuation = bytes[index + next]!;
      if (continuation < 0x80 || continuation > 0xbf) return index;
    }
    index += length;
  }
  return bytes.length;
}
