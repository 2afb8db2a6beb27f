import { DatasetError } from '../eval-error.js';
import { type Conversation, conversationSchema } from './conversation.js';
import { describeZodIssue } from './describe-zod-issue.js';
import { readLines } from './read-lines.js';
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

/**
 * Streams the conversations of a JSONL file (one conversation per line), validating each with
 * {@link conversationSchema}. Tolerates a UTF-8 BOM, CRLF line ends and blank lines. Lazy: nothing
 * past the line being read is parsed until the consumer asks for the next conversation, and memory
 * stays flat however large the file.
 *
 * @throws DatasetError naming file, line and field for an invalid line (in `stop` mode); in both
 *   modes for a file without a conversation line, bytes that are not UTF-8, or a file none of whose
 *   lines is valid (skip mode skips lines, never whole files); an EvalError `not-found` or `io`
 *   when the file cannot be read.
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
  tally.startFile();
  let sawContent = false;
  let sawLine = false;
  for await (const { line, text, tooLong } of readLines(file, { maxLineBytes })) {
    sawLine = true;
    if (!tooLong && text.trim() === '') continue;
    sawContent = true;
    const conversation = parseLine(tooLong ? undefined : text, { file, line, maxLineBytes, tally });
    if (conversation === undefined) continue;
    tally.accept();
    yield conversation;
  }
  if (!sawContent) {
    throw new DatasetError({
      file,
      detail: sawLine ? 'the file holds only blank lines, no conversation' : 'the file is empty',
    });
  }
  tally.endFile(file);
}

/** Parses one line; `text` is undefined for a line longer than `maxLineBytes`. */
function parseLine(
  text: string | undefined,
  context: { file: string; line: number; maxLineBytes: number; tally: ReadTally },
): Conversation | undefined {
  const { file, line, tally } = context;
  if (text === undefined) {
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
