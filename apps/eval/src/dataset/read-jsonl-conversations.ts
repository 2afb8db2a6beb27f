import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import { DatasetError, toFileError } from '../eval-error.js';
import { type Conversation, conversationSchema } from './conversation.js';
import { describeZodIssue } from './describe-zod-issue.js';
import { formatLocation, type InvalidRecordOptions, ReadTally } from './read-tally.js';

/** Options of {@link readJsonlConversations}. */
export interface ReadJsonlOptions extends InvalidRecordOptions {
  /**
   * Longest line accepted, in bytes (default 16 MiB). A longer line is an error for that line and is
   * never held in memory whole.
   */
  maxLineBytes?: number;
  /** Shared state when several files make one read (see {@link ReadTally}); one per call otherwise. */
  tally?: ReadTally;
}

/** Default {@link ReadJsonlOptions.maxLineBytes}: far above any real conversation, far below a runaway file. */
export const defaultMaxLineBytes = 16 * 1024 * 1024;

// Raw NUL never occurs in valid JSON text, so a line ending with this marker cannot be a real line.
const oversizedMarker = '\u0000baton:line-too-long\u0000';

/**
 * Streams the conversations of a JSONL file (one conversation per line), validating each with
 * {@link conversationSchema}. Tolerates a UTF-8 BOM, CRLF line ends and blank lines. Lazy: nothing
 * past the line being read is parsed until the consumer asks for the next conversation, and memory
 * stays flat however large the file.
 *
 * @throws DatasetError naming file, line and field for an invalid line (in `stop` mode), an
 *   EvalError `not-found` or `io` when the file cannot be read.
 * @example
 * ```ts
 * for await (const conversation of readJsonlConversations('datasets/support/conversations/a.jsonl')) {
 *   console.log(conversation.id, conversation.turns.length);
 * }
 * ```
 */
export async function* readJsonlConversations(
  file: string,
  options: ReadJsonlOptions = {},
): AsyncGenerator<Conversation, void, undefined> {
  const tally = options.tally ?? new ReadTally(options);
  const maxLineBytes = options.maxLineBytes ?? defaultMaxLineBytes;
  const handle = await open(file, 'r').catch((error: unknown) => {
    throw toFileError(error, file);
  });
  const input = handle.createReadStream();
  const guard = new LineLengthGuard(maxLineBytes);
  pipeline(input, guard, () => {
    // Errors reach the consumer through readline below; this callback only keeps them handled.
  });
  const lines = createInterface({ input: guard, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  let sawContent = false;
  try {
    for await (const rawLine of lines) {
      lineNumber += 1;
      const line = lineNumber === 1 && rawLine.startsWith('\uFEFF') ? rawLine.slice(1) : rawLine;
      if (line.trim() === '') continue;
      sawContent = true;
      const conversation = parseLine(line, { file, line: lineNumber, maxLineBytes, tally });
      if (conversation === undefined) continue;
      tally.accept();
      yield conversation;
    }
  } catch (error) {
    throw toFileError(error, file);
  } finally {
    lines.close();
    input.destroy();
  }
  if (!sawContent) tally.reject(new DatasetError({ file, detail: 'the file is empty' }), 0);
}

function parseLine(
  text: string,
  context: { file: string; line: number; maxLineBytes: number; tally: ReadTally },
): Conversation | undefined {
  const { file, line, tally } = context;
  if (text.endsWith(oversizedMarker)) {
    tally.reject(
      new DatasetError({
        file,
        line,
        detail: `line is longer than maxLineBytes (${context.maxLineBytes} bytes)`,
      }),
    );
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    tally.reject(new DatasetError({ file, line, detail: `invalid JSON: ${reason}` }, { cause: error }));
    return undefined;
  }
  const result = conversationSchema.safeParse(value, { reportInput: true });
  if (!result.success) {
    const { field, detail } = describeZodIssue(result.error.issues[0]!);
    tally.reject(new DatasetError({ file, line, field, detail }, { cause: result.error }));
    return undefined;
  }
  const previous = tally.claimId(result.data.id, { file, line });
  if (previous !== undefined) {
    tally.reject(
      new DatasetError({
        file,
        line,
        field: 'id',
        detail: `duplicate conversation id ${JSON.stringify(result.data.id)} (first at ${formatLocation(previous)})`,
      }),
    );
    return undefined;
  }
  return result.data;
}

/**
 * Passes bytes through until a line grows past the limit; then drops the rest of that line and ends
 * it with {@link oversizedMarker}, keeping the line break so line numbers stay true. Line breaks are
 * LF, CR or CRLF, as in node:readline.
 */
class LineLengthGuard extends Transform {
  readonly #maxLineBytes: number;
  #lineBytes = 0;
  #dropping = false;

  constructor(maxLineBytes: number) {
    super();
    this.#maxLineBytes = maxLineBytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let position = 0;
    let nextLf = chunk.indexOf(0x0a);
    let nextCr = chunk.indexOf(0x0d);
    while (position < chunk.length) {
      if (nextLf !== -1 && nextLf < position) nextLf = chunk.indexOf(0x0a, position);
      if (nextCr !== -1 && nextCr < position) nextCr = chunk.indexOf(0x0d, position);
      const lineBreak = nextLf === -1 ? nextCr : nextCr === -1 ? nextLf : Math.min(nextLf, nextCr);
      const end = lineBreak === -1 ? chunk.length : lineBreak;
      if (!this.#dropping) {
        if (this.#lineBytes + (end - position) > this.#maxLineBytes) {
          this.#dropping = true;
          this.push(oversizedMarker);
        } else {
          this.#lineBytes += end - position;
          if (end > position) this.push(chunk.subarray(position, end));
        }
      }
      if (lineBreak === -1) break;
      this.push(chunk.subarray(lineBreak, lineBreak + 1));
      this.#lineBytes = 0;
      this.#dropping = false;
      position = lineBreak + 1;
    }
    callback();
  }
}
