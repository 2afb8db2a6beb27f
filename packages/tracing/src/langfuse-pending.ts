import { appendFileSync, createReadStream, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { makeFoldersSync } from './make-folders-sync.js';
import { pendingSpanSchema } from './pending-span.js';
import { stderrLogger, type TracingLogger, WarnOnce } from './tracing-logger.js';

const jsonObject = z.record(z.string(), z.unknown());

const scoreValue = z.discriminatedUnion('dataType', [
  z.object({ dataType: z.literal('NUMERIC'), value: z.number() }),
  z.object({ dataType: z.literal('BOOLEAN'), value: z.boolean() }),
  z.object({ dataType: z.literal('CATEGORICAL'), value: z.string() }),
]);

const scoreFields = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  comment: z.string().optional(),
  metadata: jsonObject.optional(),
});

/** One line of a pending file: something Langfuse did not acknowledge, whole enough to send again. */
export const langfusePendingRecordSchema = z.discriminatedUnion('kind', [
  z.object({
    v: z.literal(1),
    kind: z.literal('dataset'),
    dataset: z.object({
      name: z.string(),
      description: z.string().optional(),
      metadata: jsonObject.optional(),
    }),
  }),
  z.object({
    v: z.literal(1),
    kind: z.literal('item'),
    datasetName: z.string(),
    item: z.object({
      id: z.string(),
      input: z.unknown(),
      expectedOutput: z.unknown().optional(),
      metadata: jsonObject.optional(),
      sourceTraceId: z.string().optional(),
    }),
  }),
  z.object({
    v: z.literal(1),
    kind: z.literal('run-item'),
    link: z.object({
      datasetName: z.string(),
      itemId: z.string(),
      runName: z.string(),
      runDescription: z.string().optional(),
      runMetadata: jsonObject.optional(),
      traceId: z.string(),
      observationId: z.string().optional(),
    }),
  }),
  z.object({
    v: z.literal(1),
    kind: z.literal('score'),
    score: z.intersection(
      scoreFields.extend({
        traceId: z.string().optional(),
        observationId: z.string().optional(),
        sessionId: z.string().optional(),
        datasetRunId: z.string().optional(),
      }),
      scoreValue,
    ),
  }),
  z.object({
    v: z.literal(1),
    kind: z.literal('run-score'),
    datasetName: z.string(),
    runName: z.string(),
    score: z.intersection(scoreFields, scoreValue),
  }),
  z.object({ v: z.literal(1), kind: z.literal('span'), span: pendingSpanSchema }),
]);

/** One line of a pending file. */
export type LangfusePendingRecord = z.infer<typeof langfusePendingRecordSchema>;

/** What a pending file can hold. */
export type LangfusePendingKind = LangfusePendingRecord['kind'];

/** Every kind, in the order a push sends them: a dataset before its items, items before their links. */
export const langfusePendingKinds: readonly LangfusePendingKind[] = [
  'dataset',
  'item',
  'run-item',
  'run-score',
  'score',
  'span',
];

/** Records without their version field, as the writers hand them over. */
export type LangfusePendingEntry = LangfusePendingRecord extends infer TRecord
  ? TRecord extends { v: 1 }
    ? Omit<TRecord, 'v'>
    : never
  : never;

/**
 * The file where what Langfuse did not acknowledge is kept (`langfuse-pending.jsonl` in a run
 * folder): one self-contained JSON record a line, appended synchronously so nothing is lost if the
 * process ends right after. It holds payloads only — never keys or the Langfuse URL, which a push
 * reads from its own environment.
 *
 * @example
 * ```ts
 * const pending = new LangfusePendingLog({ path: join(runDir, 'langfuse-pending.jsonl') });
 * const reporter = createLangfuseEvalReporter({ pending });
 * const tracing = setupTracing({ langfuse: { ...options, pending } });
 * ```
 */
export class LangfusePendingLog {
  readonly path: string;
  private readonly warnings: WarnOnce;
  private readonly written: Record<LangfusePendingKind, number> = {
    dataset: 0,
    item: 0,
    'run-item': 0,
    'run-score': 0,
    score: 0,
    span: 0,
  };
  private lost = 0;

  constructor(options: { path: string; logger?: TracingLogger }) {
    this.path = options.path;
    this.warnings = new WarnOnce(options.logger ?? stderrLogger);
  }

  /** Appends records; a failed write warns once and counts them as lost. */
  append(entries: readonly LangfusePendingEntry[]): void {
    if (entries.length === 0) return;
    const text = entries.map((entry) => `${JSON.stringify({ v: 1, ...entry })}\n`).join('');
    try {
      makeFoldersSync(dirname(this.path));
      appendFileSync(this.path, text);
      for (const entry of entries) this.written[entry.kind] += 1;
    } catch (error) {
      this.lost += entries.length;
      this.warnings.warn(
        'write-failed',
        `Could not keep undelivered Langfuse data in ${this.path} (${error instanceof Error ? error.message : String(error)}); it is lost.`,
      );
    }
  }

  /** Records written so far, per kind. */
  counts(): Record<LangfusePendingKind, number> {
    return { ...this.written };
  }

  /** Records written so far. */
  get size(): number {
    return Object.values(this.written).reduce((sum, count) => sum + count, 0);
  }

  /** Records that could not be written. */
  get lostRecords(): number {
    return this.lost;
  }
}

/**
 * Streams a pending file's records, validated; every line that is not a record — a malformed one,
 * or a torn last line (a process killed mid-write) — is skipped and reported through `onInvalid`
 * with its text, so that a caller who rewrites or removes the file can keep it.
 */
export async function* readLangfusePending(
  path: string,
  options: { onInvalid?: (line: number, reason: string, text: string) => void } = {},
): AsyncGenerator<LangfusePendingRecord> {
  if (!existsSync(path)) return;
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let lineNumber = 0;
  let held: { line: number; reason: string; text: string } | undefined;
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    if (held) options.onInvalid?.(held.line, held.reason, held.text);
    held = undefined;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // Possibly the torn last line: said as such if no other line follows.
      held = { line: lineNumber, reason: 'not JSON', text: line };
      continue;
    }
    const parsed = langfusePendingRecordSchema.safeParse(value);
    if (parsed.success) yield parsed.data;
    else options.onInvalid?.(lineNumber, z.prettifyError(parsed.error).replace(/\n/g, '; '), line);
  }
  // A torn last line cannot be sent either, but it is not nothing: the caller decides what to keep.
  if (held)
    options.onInvalid?.(
      held.line,
      'not JSON (a torn last line: the process was killed mid-write?)',
      held.text,
    );
}
