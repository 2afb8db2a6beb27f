import { LangfuseClient } from '@langfuse/client';
import { LangfuseAPIError, LangfuseAPITimeoutError } from '@langfuse/core';
import { z } from 'zod';
import { type LangfuseEnv, type LangfuseOptions, resolveLangfuseOptions } from './langfuse-config.js';
import { LangfuseDatasetError, type LangfuseDatasetErrorReason } from './langfuse-dataset-error.js';
import { TracingError } from './tracing-error.js';

/** One active item of a Langfuse dataset, as stored: the shapes of its fields are the caller's to check. */
export interface LangfuseDatasetItem {
  /** Langfuse's id of the item (unique per project). */
  id: string;
  input: unknown;
  expectedOutput: unknown;
  metadata: unknown;
  /** `ACTIVE` today; archived items are never yielded, a status Langfuse adds later passes through. */
  status: string;
}

/** Options of {@link readLangfuseDataset}. */
export interface ReadLangfuseDatasetOptions {
  /** The dataset's name, e.g. `baton/support/test`. */
  name: string;
  /** Explicit connection; default: `LANGFUSE_PUBLIC_KEY`/`LANGFUSE_SECRET_KEY`/`LANGFUSE_BASE_URL` from `env`. */
  langfuse?: LangfuseOptions;
  /** Default: `process.env`. */
  env?: LangfuseEnv;
  /** Items per request. Default 50 (Langfuse's own SDK uses the same). */
  pageSize?: number;
  /** Retries of a request answered 408, 429 or 5xx (the client's own backoff). Default 2. */
  maxRetries?: number;
  /** Stops the read: the request in flight is aborted and the signal's reason is thrown. */
  signal?: AbortSignal;
}

const datasetSchema = z.looseObject({ id: z.string(), name: z.string() });

const itemSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string(),
  input: z.unknown(),
  expectedOutput: z.unknown(),
  metadata: z.unknown(),
});

const pageSchema = z.looseObject({
  data: z.array(itemSchema),
  meta: z.looseObject({ totalPages: z.number().int().min(0) }),
});

/**
 * Reads the items of a Langfuse dataset page by page (`GET /api/public/v2/datasets/{name}`, then
 * `GET /api/public/dataset-items?datasetName=…&page=…&limit=…`), validating each answer with zod
 * and skipping archived items. Lazy: a page is fetched when the consumer has taken the previous
 * one, so memory holds one page plus the ids seen — an item that moves to the next page while the
 * dataset grows mid-read is yielded once, not twice.
 *
 * @throws LangfuseDatasetError (a {@link TracingError}) with `reason` `not-configured` (naming the
 *   variables to set), `not-found`, `unauthorized`, `unreachable` or `invalid-response`; a
 *   TracingError `invalid-options` for malformed explicit options; the signal's reason once aborted.
 * @example
 * ```ts
 * for await (const item of readLangfuseDataset({ name: 'support-v1' })) {
 *   console.log(item.id, item.input, item.expectedOutput);
 * }
 * ```
 */
export async function* readLangfuseDataset(
  options: ReadLangfuseDatasetOptions,
): AsyncGenerator<LangfuseDatasetItem, void, undefined> {
  const { name, signal } = options;
  const limit = options.pageSize ?? 50;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new TracingError('invalid-options', `pageSize must be a positive whole number, got ${limit}`);
  }
  const connection = resolveConnection(options);
  const client = new LangfuseClient({
    publicKey: connection.publicKey,
    secretKey: connection.secretKey,
    baseUrl: connection.baseUrl,
    timeout: connection.timeoutMs / 1000,
  });
  const requestOptions = {
    timeoutInSeconds: connection.timeoutMs / 1000,
    maxRetries: options.maxRetries ?? 2,
    ...(signal ? { abortSignal: signal } : {}),
  };
  const context = { name, baseUrl: connection.baseUrl, timeoutMs: connection.timeoutMs, signal };

  signal?.throwIfAborted();
  const dataset = await request(context, () => client.api.datasets.get(name, requestOptions));
  validate(context, datasetSchema, dataset, 'the dataset');

  const seen = new Set<string>();
  for (let page = 1; ; page += 1) {
    signal?.throwIfAborted();
    const answer = await request(context, () =>
      client.api.datasetItems.list({ datasetName: name, page, limit }, requestOptions),
    );
    const { data, meta } = validate(context, pageSchema, answer, `page ${page} of its items`);
    for (const item of data) {
      if (item.status === 'ARCHIVED' || seen.has(item.id)) continue;
      seen.add(item.id);
      yield {
        id: item.id,
        input: item.input,
        expectedOutput: item.expectedOutput,
        metadata: item.metadata,
        status: item.status,
      };
    }
    // An empty page ends the read even if the server's page count says otherwise.
    if (data.length === 0 || page >= meta.totalPages) return;
  }
}

function resolveConnection(options: ReadLangfuseDatasetOptions) {
  const env = options.env ?? process.env;
  const warnings: string[] = [];
  const resolved = resolveLangfuseOptions({
    explicit: options.langfuse,
    env,
    logger: { warn: (message) => warnings.push(message) },
  });
  if (resolved) return resolved;
  const missing = ['LANGFUSE_PUBLIC_KEY', 'LANGFUSE_SECRET_KEY'].filter((key) => !env[key]?.trim());
  // With both keys set, the variables were there but malformed (the resolver said how).
  const why =
    missing.length > 0
      ? `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set`
      : (warnings[0] ?? 'the LANGFUSE_* variables are invalid');
  throw new LangfuseDatasetError(
    { datasetName: options.name, reason: 'not-configured' },
    `Cannot read Langfuse dataset "${options.name}": ${why}. Set LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY (and LANGFUSE_BASE_URL unless it is the EU cloud).`,
  );
}

interface RequestContext {
  name: string;
  baseUrl: string;
  timeoutMs: number;
  signal: AbortSignal | undefined;
}

async function request<T>(context: RequestContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    // The client turns an abort into an error of its own; the caller asked for the signal's reason.
    context.signal?.throwIfAborted();
    throw toDatasetError(context, error);
  }
}

function toDatasetError(context: RequestContext, error: unknown): LangfuseDatasetError {
  const { name, baseUrl } = context;
  const status = error instanceof LangfuseAPIError ? error.statusCode : undefined;
  const fail = (reason: LangfuseDatasetErrorReason, message: string) =>
    new LangfuseDatasetError(
      { datasetName: name, reason, ...(status !== undefined ? { status } : {}) },
      message,
      { cause: error },
    );
  const noAnswer = `no answer within ${context.timeoutMs} ms`;
  const unreachable = (reason: string) =>
    fail('unreachable', `Langfuse at ${baseUrl} is unreachable (${reason}); check LANGFUSE_BASE_URL.`);
  if (error instanceof LangfuseAPITimeoutError) return unreachable(noAnswer);
  if (!(error instanceof LangfuseAPIError)) {
    return unreachable(error instanceof Error ? error.message : String(error));
  }
  if (status === undefined) {
    // A refused connection or DNS failure; the client's own timeout reads '"timeout"'.
    return unreachable(error.message === '"timeout"' ? noAnswer : firstLine(error.message));
  }
  if (status === 404) {
    return fail('not-found', `Langfuse dataset "${name}" does not exist at ${baseUrl} (HTTP 404).`);
  }
  if (status === 401 || status === 403) {
    return fail(
      'unauthorized',
      `Langfuse at ${baseUrl} refused the keys (HTTP ${status}): check LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY and that they belong to the project that holds dataset "${name}".`,
    );
  }
  const detail = describeBody(error.body);
  if (status === 408 || status === 429 || status >= 500) {
    return fail(
      'unreachable',
      `Langfuse at ${baseUrl} is unavailable (HTTP ${status}${detail}) while reading dataset "${name}".`,
    );
  }
  return fail(
    'invalid-response',
    `Langfuse at ${baseUrl} refused to read dataset "${name}" (HTTP ${status}${detail}).`,
  );
}

function validate<T extends z.ZodType>(
  context: RequestContext,
  schema: T,
  value: unknown,
  what: string,
): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new LangfuseDatasetError(
    { datasetName: context.name, reason: 'invalid-response' },
    `Langfuse at ${context.baseUrl} answered with something else than ${what} of dataset "${context.name}": ${z
      .prettifyError(parsed.error)
      .replace(/\n/g, '; ')}`,
    { cause: parsed.error },
  );
}

function describeBody(body: unknown): string {
  if (body === undefined || body === null || body === '') return '';
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return ` ${firstLine(text).slice(0, 200)}`;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}
