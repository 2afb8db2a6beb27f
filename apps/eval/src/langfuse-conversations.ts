import {
  LangfuseDatasetError,
  type LangfuseDatasetItem,
  type LangfuseEnv,
  type LangfuseOptions,
  readLangfuseDataset,
  TracingError,
} from '@baton/tracing';
import { z } from 'zod';
import {
  type Conversation,
  type ConversationInput,
  conversationSchema,
  userTurnSchema,
} from './dataset/conversation.js';
import { describeZodIssue } from './dataset/describe-zod-issue.js';
import type { ConversationStream } from './dataset/load-conversations.js';
import { formatLocation, type InvalidRecordOptions, ReadTally } from './dataset/read-tally.js';
import { DatasetError, EvalError, type EvalErrorCode } from './eval-error.js';

/** The `--dataset` prefix that names a Langfuse dataset: `langfuse:<name>`. */
export const langfuseSourcePrefix = 'langfuse:';

/** Options of {@link langfuseConversations}. */
export interface LangfuseConversationsOptions extends InvalidRecordOptions {
  /** The dataset's name, e.g. `baton/support/test`. */
  name: string;
  /** `LANGFUSE_PUBLIC_KEY`, `LANGFUSE_SECRET_KEY`, `LANGFUSE_BASE_URL`. Default: `process.env`. */
  env?: LangfuseEnv;
  /** Explicit connection instead of `env`. */
  langfuse?: LangfuseOptions;
  /** Items per request (default 50). */
  pageSize?: number;
  /** Ends the stream early (no error: the run that aborted it reports the interruption). */
  signal?: AbortSignal;
}

/**
 * The recorded conversations of a Langfuse dataset, for `baton eval --dataset langfuse:<name>`.
 * Each iteration reads the dataset again (page by page) and restarts the summary. Two item shapes:
 *
 * - **Pushed by Baton** (`input: { message, conversationId, turnIndex }`, `expectedOutput:
 *   { reference, gold }`): one item is one user turn and its recorded reply. Items of one
 *   conversation are grouped back into it, each user turn at its `turnIndex` and its reference
 *   right after it, so every turn replays with the recorded history before it and keeps its item id
 *   (`conversationId#turnIndex`). Positions no item covers (a greeting before the first question,
 *   a message nobody answered) become agent turns marked `placeholder: true`. Items arrive in any
 *   order, so these items are held until the read ends and their conversations come last, sorted
 *   by id: memory grows with the texts of those items (one dataset, which is acceptable; generic
 *   items stream).
 * - **Generic**: `input` is a string, `{ question | message | input | text }`, or `{ messages:
 *   [{ role, content }] }` (the history, then the user message to answer; `system` messages are
 *   dropped); `expectedOutput` is a string or `{ answer | reference | output }`; gold labels come
 *   from `metadata.domain` or `metadata.category` (a string or a list), `metadata.intent` and
 *   `metadata.language`. The item becomes a conversation whose id is the item's id and whose
 *   metadata is the item's without those labels (metadata reaches strategies as the turn's fields,
 *   gold labels never do). Earlier user messages in `messages` that the next message answers are
 *   replayed too, scored against that recorded answer.
 *
 * An item of neither shape is an invalid record: `onInvalid: 'stop'` throws a DatasetError
 * naming `langfuse:<name>`, the item id and the field; `'skip'` counts it (one item, one skip) and
 * goes on. Archived items are never read.
 *
 * @throws EvalError `usage` when Langfuse is not configured, `not-found` for an unknown dataset,
 *   `invalid-input` when Langfuse refuses the keys or cannot be reached, and DatasetErrors (in
 *   `stop` mode).
 * @example
 * ```ts
 * const conversations = langfuseConversations({ name: 'baton/support/test', onInvalid: 'skip' });
 * for await (const conversation of conversations) replay(conversation);
 * console.error(`${conversations.summary.read} read, ${conversations.summary.skipped} skipped`);
 * ```
 */
export function langfuseConversations(options: LangfuseConversationsOptions): ConversationStream {
  let tally = new ReadTally(options);
  return {
    get summary() {
      return tally.summary;
    },
    async *[Symbol.asyncIterator]() {
      tally = new ReadTally(options);
      const items = readLangfuseDataset({
        name: options.name,
        ...(options.env ? { env: options.env } : {}),
        ...(options.langfuse ? { langfuse: options.langfuse } : {}),
        ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      try {
        yield* conversationsFromLangfuseItems(items, { datasetName: options.name, tally });
      } catch (error) {
        if (EvalError.isInstance(error)) throw error;
        // An aborted run ends its input quietly and reports the interruption itself.
        if (options.signal?.aborted) return;
        throw toEvalError(error);
      }
    },
  };
}

/**
 * Maps Langfuse dataset items to conversations as {@link langfuseConversations} describes, counting
 * in `tally`. Separate from the reading so the mapping can be driven by any item source.
 */
export async function* conversationsFromLangfuseItems(
  items: AsyncIterable<LangfuseDatasetItem>,
  options: { datasetName: string; tally: ReadTally },
): AsyncGenerator<Conversation, void, undefined> {
  const { datasetName, tally } = options;
  const source = `${langfuseSourcePrefix}${datasetName}`;
  const grouped = new Map<string, Map<number, RecordedTurn>>();
  let sawItem = false;
  for await (const item of items) {
    sawItem = true;
    const file = `${source} item ${item.id}`;
    try {
      if (isBatonItem(item)) {
        const turn = parseBatonItem(item, file);
        const turns = grouped.get(turn.conversationId) ?? new Map<number, RecordedTurn>();
        grouped.set(turn.conversationId, turns);
        const previous = turns.get(turn.turnIndex);
        if (previous) {
          throw new DatasetError({
            file,
            field: 'input.turnIndex',
            detail: `conversation ${JSON.stringify(turn.conversationId)} has turn ${turn.turnIndex} twice (also item ${previous.itemId})`,
          });
        }
        turns.set(turn.turnIndex, turn);
        continue;
      }
      const conversation = parseGenericItem(item, file);
      if (claim(tally, conversation.id, file)) {
        tally.accept();
        yield conversation;
      }
    } catch (error) {
      if (!(error instanceof DatasetError)) throw error;
      tally.reject(error);
    }
  }
  if (!sawItem) {
    tally.reject(new DatasetError({ file: source, detail: 'the dataset has no active items' }), 0);
    return;
  }
  const ids = [...grouped.keys()].sort((left, right) => (left < right ? -1 : left > right ? 1 : 0));
  for (const conversationId of ids) {
    const conversation = assemble(conversationId, grouped.get(conversationId)!, { source, tally });
    grouped.delete(conversationId);
    if (conversation && claim(tally, conversation.id, `${source} conversation ${conversationId}`)) {
      tally.accept();
      yield conversation;
    }
  }
}

/** One user turn of a Baton-pushed item, held until its conversation is complete. */
interface RecordedTurn {
  itemId: string;
  conversationId: string;
  turnIndex: number;
  message: string;
  reference: string;
  labels: Labels;
}

interface Labels {
  domain?: [string, ...string[]];
  intent?: string;
  language?: string;
}

/** Text that no item covers in a regrouped conversation; agent-role, so it is never replayed itself. */
export const placeholderText = '[turn not in the dataset]';

const nonBlankText = z.string().refine((text) => text.trim() !== '', { message: 'must not be empty' });
const { domain, intent, language } = userTurnSchema.shape;

const batonItemSchema = z.object({
  input: z.looseObject({
    message: nonBlankText,
    conversationId: nonBlankText,
    turnIndex: z.number().int().min(0),
  }),
});

const goldSchema = z.object({
  expectedOutput: z.looseObject({
    gold: z.looseObject({ domains: z.array(nonBlankText).optional(), intent, language }),
  }),
});

const metadataLabelsSchema = z.object({
  metadata: z.looseObject({ domain, category: domain, intent, language }),
});

const messagesSchema = z.object({
  input: z.looseObject({
    messages: z
      .array(z.looseObject({ role: z.enum(['user', 'assistant', 'agent', 'system']), content: nonBlankText }))
      .min(1),
  }),
});

const inputKeys = ['question', 'message', 'input', 'text'] as const;
const referenceKeys = ['answer', 'reference', 'output'] as const;

function isBatonItem(item: LangfuseDatasetItem): boolean {
  return isRecord(item.input) && 'conversationId' in item.input && 'turnIndex' in item.input;
}

function parseBatonItem(item: LangfuseDatasetItem, file: string): RecordedTurn {
  const { input } = check(batonItemSchema, { input: item.input }, file);
  return {
    itemId: item.id,
    conversationId: input.conversationId,
    turnIndex: input.turnIndex,
    message: input.message,
    reference: parseReference(item, file),
    labels: parseLabels(item, file),
  };
}

function parseGenericItem(item: LangfuseDatasetItem, file: string): Conversation {
  const turns: ConversationInput['turns'] = [];
  let message: string;
  const input = item.input;
  if (typeof input === 'string') {
    message = check(z.object({ input: nonBlankText }), { input }, file).input;
  } else if (isRecord(input) && 'messages' in input) {
    const messages = check(messagesSchema, { input }, file).input.messages.filter(
      (entry) => entry.role !== 'system',
    );
    const last = messages.at(-1);
    if (last?.role !== 'user') {
      throw new DatasetError({
        file,
        field: 'input.messages',
        detail: 'the last message (after system messages) must be the user message to answer',
      });
    }
    for (const entry of messages.slice(0, -1))
      turns.push({ role: entry.role === 'user' ? 'user' : 'agent', text: entry.content });
    message = last.content;
  } else {
    const key = isRecord(input) ? inputKeys.find((name) => name in input) : undefined;
    if (key === undefined) {
      throw new DatasetError({
        file,
        field: 'input',
        detail: `${input === undefined || input === null ? 'missing' : `got ${describeValue(input)}`}; expected a string, an object with question, message, input or text, or { messages: [{ role, content }] }`,
      });
    }
    message = check(z.object({ input: z.looseObject({ [key]: nonBlankText }) }), { input }, file).input[
      key
    ] as string;
  }
  const reference = parseReference(item, file);
  turns.push({ role: 'user', text: message, ...parseLabels(item, file) });
  turns.push({ role: 'agent', text: reference });
  // The metadata reaches the strategies (as the turn's fields); the gold labels read from it must not.
  const metadata = isRecord(item.metadata) ? withoutLabels(item.metadata) : undefined;
  return build(
    { id: item.id, turns, ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}) },
    file,
  );
}

/** Metadata keys that hold gold labels (see `parseLabels`): scorers read them, strategies never do. */
const labelKeys = new Set(['domain', 'category', 'intent', 'language']);

function withoutLabels(metadata: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(metadata).filter(([key]) => !labelKeys.has(key)));
}

function parseReference(item: LangfuseDatasetItem, file: string): string {
  const expected = item.expectedOutput;
  if (typeof expected === 'string') {
    return check(z.object({ expectedOutput: nonBlankText }), { expectedOutput: expected }, file)
      .expectedOutput;
  }
  const key = isRecord(expected) ? referenceKeys.find((name) => name in expected) : undefined;
  if (key === undefined) {
    throw new DatasetError({
      file,
      field: 'expectedOutput',
      detail: `${expected === undefined || expected === null ? 'missing' : `got ${describeValue(expected)}`}; expected the reference answer: a string or an object with answer, reference or output`,
    });
  }
  const parsed = check(
    z.object({ expectedOutput: z.looseObject({ [key]: nonBlankText }) }),
    { expectedOutput: expected },
    file,
  );
  return parsed.expectedOutput[key] as string;
}

/** Gold labels: Baton's `expectedOutput.gold` when present, else the item's metadata. */
function parseLabels(item: LangfuseDatasetItem, file: string): Labels {
  if (isRecord(item.expectedOutput) && 'gold' in item.expectedOutput) {
    const { gold } = check(goldSchema, { expectedOutput: item.expectedOutput }, file).expectedOutput;
    const [first, ...rest] = gold.domains ?? [];
    return {
      ...(first !== undefined ? { domain: [first, ...rest] } : {}),
      ...(gold.intent !== undefined ? { intent: gold.intent } : {}),
      ...(gold.language !== undefined ? { language: gold.language } : {}),
    };
  }
  if (!isRecord(item.metadata)) return {};
  const { metadata } = check(metadataLabelsSchema, { metadata: item.metadata }, file);
  const labels = metadata.domain ?? metadata.category;
  return {
    ...(labels !== undefined ? { domain: labels } : {}),
    ...(metadata.intent !== undefined ? { intent: metadata.intent } : {}),
    ...(metadata.language !== undefined ? { language: metadata.language } : {}),
  };
}

/**
 * Rebuilds one Baton conversation from its turns: user turn at `turnIndex`, its reference after it,
 * placeholders in the gaps. A turn that lands on the previous turn's reply is rejected.
 */
function assemble(
  conversationId: string,
  recorded: Map<number, RecordedTurn>,
  context: { source: string; tally: ReadTally },
): Conversation | undefined {
  const turns: ConversationInput['turns'] = [];
  const ordered = [...recorded.values()].sort((left, right) => left.turnIndex - right.turnIndex);
  let previous: RecordedTurn | undefined;
  for (const turn of ordered) {
    if (turn.turnIndex < turns.length) {
      context.tally.reject(
        new DatasetError({
          file: `${context.source} item ${turn.itemId}`,
          field: 'input.turnIndex',
          detail: `turn ${turn.turnIndex} of conversation ${JSON.stringify(conversationId)} is where item ${previous?.itemId} puts its reference reply`,
        }),
      );
      continue;
    }
    while (turns.length < turn.turnIndex)
      turns.push({ role: 'agent', text: placeholderText, placeholder: true });
    turns.push({ role: 'user', text: turn.message, ...turn.labels });
    turns.push({ role: 'agent', text: turn.reference });
    previous = turn;
  }
  try {
    return build({ id: conversationId, turns }, `${context.source} conversation ${conversationId}`);
  } catch (error) {
    if (!(error instanceof DatasetError)) throw error;
    context.tally.reject(error);
    return undefined;
  }
}

/** Validates a built conversation; the item checks make a failure here a bug, reported all the same. */
function build(conversation: ConversationInput, file: string): Conversation {
  const parsed = conversationSchema.safeParse(conversation, { reportInput: true });
  if (parsed.success) return parsed.data;
  const { field, detail } = describeZodIssue(parsed.error.issues[0]!);
  throw new DatasetError(
    { file, detail: `the conversation built from it is invalid: ${field ? `${field}: ` : ''}${detail}` },
    { cause: parsed.error },
  );
}

function check<T extends z.ZodType>(schema: T, value: unknown, file: string): z.output<T> {
  const parsed = schema.safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  const { field, detail } = describeZodIssue(parsed.error.issues[0]!);
  throw new DatasetError(
    { file, ...(field !== undefined ? { field } : {}), detail },
    { cause: parsed.error },
  );
}

/** Claims a conversation id for the read; rejects (and returns false) when it was taken before. */
function claim(tally: ReadTally, id: string, file: string): boolean {
  const previous = tally.claimId(id, { file });
  if (previous === undefined) return true;
  tally.reject(
    new DatasetError({
      file,
      detail: `duplicate conversation id ${JSON.stringify(id)} (first at ${formatLocation(previous)})`,
    }),
  );
  return false;
}

function toEvalError(error: unknown): unknown {
  if (LangfuseDatasetError.isInstance(error)) {
    const codes: Record<LangfuseDatasetError['reason'], EvalErrorCode> = {
      'not-configured': 'usage',
      'not-found': 'not-found',
      unauthorized: 'invalid-input',
      unreachable: 'invalid-input',
      'invalid-response': 'invalid-input',
    };
    return new EvalError(codes[error.reason], error.message, { cause: error });
  }
  if (TracingError.isInstance(error)) return new EvalError('invalid-config', error.message, { cause: error });
  return error;
}

/** A value that is neither a string nor an object with a known key, said briefly. */
function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object without any of these keys';
  return `${typeof value} ${String(value)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
