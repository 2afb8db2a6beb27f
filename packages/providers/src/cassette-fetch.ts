import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { type NormalizedRequest, normalizeRequest, requestKey } from './cassette-request.js';
import { makeFolders } from './make-folders.js';
import { CassetteMissError, ProviderError } from './provider-error.js';
import { abortReason } from './race-with-abort.js';
import { requestDifferences } from './request-differences.js';

/** What a cassette does with each request. */
export type CassetteMode =
  /** Send it to the host and write request and response to the cassette. */
  | 'record'
  /** Answer from the cassette, never touching the network; a miss is an error. */
  | 'replay'
  /** Send it to the host and write nothing (the same code path, with recording off). */
  | 'passthrough';

/** The `fetch` a cassette returns: a plain `fetch` plus what it is doing. */
export type CassetteFetch = ((input: string | URL | Request, init?: RequestInit) => Promise<Response>) & {
  readonly mode: CassetteMode;
  readonly path: string;
};

/** Options of {@link createCassetteFetch}. */
export interface CassetteOptions {
  mode: CassetteMode;
  /** The cassette file (JSONL, one request/response per line). */
  path: string;
  /** The transport to record from (default: global `fetch`). Unused in replay mode. */
  fetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Record mode: add to an existing cassette instead of starting it afresh (default false). */
  append?: boolean;
  /**
   * The tag of the request being made when it carries no {@link cassetteTagHeader}: for callers
   * that cannot set a header per request, a value read from their own async context (the harness
   * names each conversation's unit of work this way).
   */
  tag?: () => string | undefined;
}

const modeMarker = Symbol.for('baton.providers.cassette-mode');

/** The mode of a cassette `fetch`, or undefined for any other function. */
export function cassetteModeOf(fetch: unknown): CassetteMode | undefined {
  return typeof fetch === 'function' ? (fetch as { [modeMarker]?: CassetteMode })[modeMarker] : undefined;
}

/** Response headers that must not be stored: credentials, cookies, and framing that replay redoes. */
const droppedResponseHeaders: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'api-key',
  'x-api-key',
  'cookie',
  'set-cookie',
  'openai-organization',
  'openai-project',
  'content-encoding',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
]);

const cassetteEntrySchema = z.object({
  key: z.string(),
  /** The caller's {@link cassetteTagHeader}, when it sent one. */
  tag: z.string().optional(),
  request: z.object({
    method: z.string(),
    path: z.string(),
    query: z.record(z.string(), z.string()),
    body: z.unknown(),
  }),
  /** Absent when the transport failed before any answer (see `error`). */
  response: z
    .object({
      status: z.number().int(),
      headers: z.record(z.string(), z.string()),
      body: z.string(),
      bodyEncoding: z.enum(['utf8', 'base64']).optional(),
    })
    .optional(),
  /**
   * The transport failed: before an answer (no `response`), or in the middle of its body (the
   * `response` holds what arrived). Replayed as the same failure, so a call that failed while
   * recording fails alike on replay instead of missing the cassette.
   */
  error: z
    .object({
      message: z.string(),
      cause: z.object({ message: z.string(), code: z.string().optional() }).optional(),
    })
    .optional(),
});

type CassetteEntry = z.output<typeof cassetteEntrySchema>;

interface Tape {
  entries: CassetteEntry[];
  byKey: Map<string, CassetteEntry[]>;
  /** Entries by key and tag (`tagged(key, tag)`; untagged ones under the tag ''). */
  byTag: Map<string, CassetteEntry[]>;
  /** How many times each key, or each key and tag, was served. */
  served: Map<string, number>;
}

/**
 * A request header that tells identical requests apart on a cassette: a caller that sends several
 * identical requests at once (two conversations opening with the same "Hi", repeats of one turn)
 * names each, e.g. by conversation and turn. Recording stores the tag with the entry and sends the
 * request without it; replay serves an entry recorded under the same tag (in recorded order), so
 * each caller gets its own answer whatever order the requests arrive in. Without a tag, or with a
 * tag the cassette does not hold, identical requests are served in recorded order, as before: the
 * order the host *finished* them in while recording, which concurrent callers need not repeat.
 */
export const cassetteTagHeader = 'x-baton-cassette-tag';

const tagged = (key: string, tag: string): string => `${key} ${tag}`;

/**
 * The request's cassette tag (its header's, else the caller's context's; an empty one is none), and
 * the request as the host must get it: without the tag.
 */
function takeTag(
  input: string | URL | Request,
  init: RequestInit | undefined,
  contextTag: () => string | undefined = () => undefined,
): { tag: string | undefined; input: string | URL | Request; init: RequestInit | undefined } {
  if (init?.headers !== undefined) {
    const headers = new Headers(init.headers);
    const tag = headers.get(cassetteTagHeader) ?? undefined;
    if (tag !== undefined) {
      headers.delete(cassetteTagHeader);
      return { tag: tag || contextTag() || undefined, input, init: { ...init, headers } };
    }
  }
  if (input instanceof Request && input.headers.has(cassetteTagHeader)) {
    const tag = input.headers.get(cassetteTagHeader) || contextTag() || undefined;
    const headers = new Headers(input.headers);
    headers.delete(cassetteTagHeader);
    return { tag, input: new Request(input, { headers }), init };
  }
  return { tag: contextTag() || undefined, input, init };
}

/**
 * Wraps a transport for record/replay. Hand the result to a model as `fetch`:
 * `record` stores each request and response in a JSONL cassette keyed by a SHA-256 of the
 * normalized request; `replay` serves them with no network; `passthrough` records nothing.
 * Streams are stored as their raw SSE text and replayed byte for byte. Request headers (and with
 * them every API key) are never written. Identical requests recorded twice replay in order, then
 * the last one repeats; requests tagged with {@link cassetteTagHeader} replay by tag, so
 * concurrent identical requests each get their own answer. In replay mode `createModel` needs no
 * API key.
 *
 * @example
 * ```ts
 * const fetch = createCassetteFetch({ mode: process.env.CI ? 'replay' : 'record', path: 'cassettes/triage.jsonl' });
 * const model = createModel('openai:gpt-4.1-mini', { fetch });
 * ```
 */
export function createCassetteFetch(options: CassetteOptions): CassetteFetch {
  const inner = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const contextTag = options.tag ?? (() => undefined);
  const handler =
    options.mode === 'replay'
      ? replayer(options.path, contextTag)
      : options.mode === 'record'
        ? recorder(options.path, inner, options.append ?? false, contextTag)
        : (input: string | URL | Request, init?: RequestInit) => {
            const untagged = takeTag(input, init);
            return inner(untagged.input, untagged.init);
          };
  const cassetteFetch = ((input: string | URL | Request, init?: RequestInit) =>
    handler(input, init)) as CassetteFetch;
  Object.defineProperties(cassetteFetch, {
    mode: { value: options.mode, enumerable: true },
    path: { value: options.path, enumerable: true },
    [modeMarker]: { value: options.mode },
  });
  return cassetteFetch;
}

function recorder(
  path: string,
  inner: NonNullable<CassetteOptions['fetch']>,
  append: boolean,
  contextTag: () => string | undefined,
): NonNullable<CassetteOptions['fetch']> {
  // One chain of writes: every entry is one appendFile of one whole line, in completion order.
  let prepared: Promise<void> | undefined;
  let writes: Promise<void> = Promise.resolve();
  // A cassette that cannot be written is the caller's to fix, never a connection failure: thrown
  // from a fetch as is, the SDK would call it one and the call would be retried, sending (and
  // paying for) the same request again for an answer nobody records.
  const cannotWrite = (error: unknown) =>
    new ProviderError(
      'invalid-cassette',
      `Cannot write the cassette ${path}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  const prepare = (): Promise<void> => {
    prepared ??= makeFolders(dirname(path))
      .then(() => (append ? appendFile(path, '') : writeFile(path, '')))
      .catch((error: unknown) => {
        throw cannotWrite(error);
      });
    return prepared;
  };
  const write = (entry: CassetteEntry): Promise<void> => {
    const written = writes.then(prepare).then(() =>
      appendFile(path, `${JSON.stringify(entry)}\n`).catch((error: unknown) => {
        throw cannotWrite(error);
      }),
    );
    // One failed write fails its own call, not every later one.
    writes = written.catch(() => {});
    return written;
  };
  return async (taggedInput, taggedInit) => {
    const { tag, input, init } = takeTag(taggedInput, taggedInit, contextTag);
    const request = await normalizeRequest(input, init);
    // Before the request is sent: a cassette that cannot be written costs no call to the host.
    await prepare();
    const key = requestKey(request);
    const keyed = tag === undefined ? { key } : { key, tag };
    // An abort (the caller's, or the attempt's own timeout) is not the host's doing: not recorded.
    // The caller's signal, on the init or on a Request object.
    const callerSignal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    const aborted = () => callerSignal?.aborted === true;
    let response: Response;
    try {
      response = await inner(input, init);
    } catch (error) {
      if (!aborted()) await write({ ...keyed, request, error: describeFailure(error) });
      throw error;
    }
    const headers = storableHeaders(response.headers);
    const toEntry = (bytes: Uint8Array): CassetteEntry => ({
      ...keyed,
      request,
      response: { status: response.status, headers, ...encodeBody(bytes) },
    });
    if (response.body === null) {
      await write(toEntry(new Uint8Array()));
      return response;
    }
    // Every body (a stream, or a JSON answer) reaches the caller as it arrives, so the caller's idle
    // timer watches it as it would without a cassette; the entry is written when it ends, before the
    // caller sees the end, so a finished call is always on tape. A body cut off by the host is
    // recorded with its failure; a cancelled one is not recorded.
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (error) {
          if (!aborted()) {
            await write({ ...toEntry(concat(chunks)), error: describeFailure(error) }).catch(() => {});
          }
          controller.error(error);
          return;
        }
        if (chunk.done) {
          try {
            await write(toEntry(concat(chunks)));
          } catch (error) {
            controller.error(error);
            return;
          }
          controller.close();
          return;
        }
        chunks.push(chunk.value);
        controller.enqueue(chunk.value);
      },
      cancel: (reason) => reader.cancel(reason),
    });
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/** The bytes that arrived, then the failure (only once they are read: an error discards what is queued). */
function failingBody(bytes: Uint8Array, failure: Error): ReadableStream<Uint8Array> {
  let sent = bytes.byteLength === 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) {
        controller.error(failure);
        return;
      }
      sent = true;
      controller.enqueue(bytes);
    },
  });
}

/** What a failed transport threw, as far as a replay needs it (fetch's `TypeError` and its socket cause). */
function describeFailure(error: unknown): NonNullable<CassetteEntry['error']> {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error ? error.cause : undefined;
  if (!(cause instanceof Error)) return { message };
  const code = (cause as { code?: unknown }).code;
  return { message, cause: { message: cause.message, ...(typeof code === 'string' ? { code } : {}) } };
}

/** The recorded failure, rebuilt as fetch reports one: `TypeError('fetch failed' | 'terminated')` with the socket's error as cause. */
function replayedFailure(error: NonNullable<CassetteEntry['error']>): TypeError {
  const cause =
    error.cause === undefined
      ? undefined
      : Object.assign(new Error(error.cause.message), error.cause.code ? { code: error.cause.code } : {});
  return new TypeError(error.message, cause === undefined ? undefined : { cause });
}

function replayer(path: string, contextTag: () => string | undefined): NonNullable<CassetteOptions['fetch']> {
  let tape: Promise<Tape> | undefined;
  return async (input, init) => {
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    if (signal?.aborted) throw abortReason(signal);
    // The request without its tag header: a tagged `Request` is rebuilt, which uses up the original.
    const untagged = takeTag(input, init, contextTag);
    const { tag } = untagged;
    const request = await normalizeRequest(untagged.input, untagged.init);
    tape ??= loadTape(path);
    const loaded = await tape;
    const key = requestKey(request);
    const all = loaded.byKey.get(key);
    if (all === undefined) throw missError(path, request, loaded.entries);
    // The entries recorded under this request's tag; for an untagged request the untagged ones (not
    // an answer a tagged caller gets); else, as with a cassette recorded before tags, all of them.
    const own = loaded.byTag.get(tag === undefined ? tagged(key, '') : tagged(key, tag));
    const [entries, counter] = own === undefined ? [all, key] : [own, tagged(key, tag ?? '')];
    const served = loaded.served.get(counter) ?? 0;
    loaded.served.set(counter, served + 1);
    const entry = entries[Math.min(served, entries.length - 1)]!;
    if (entry.response === undefined) throw replayedFailure(entry.error ?? { message: 'fetch failed' });
    const body =
      entry.response.bodyEncoding === 'base64'
        ? Buffer.from(entry.response.body, 'base64')
        : new TextEncoder().encode(entry.response.body);
    const noBody = entry.response.status === 204 || entry.response.status === 304;
    const failure = entry.error;
    const replayed = failure === undefined ? body : failingBody(body, replayedFailure(failure));
    return new Response(noBody ? null : replayed, {
      status: entry.response.status,
      headers: entry.response.headers,
    });
  };
}

async function loadTape(path: string): Promise<Tape> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
    text = '';
  }
  const entries: CassetteEntry[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new ProviderError('invalid-cassette', `${path}:${index + 1} is not valid JSON.`, {
        cause: error,
      });
    }
    const result = cassetteEntrySchema.safeParse(parsed);
    if (!result.success) {
      throw new ProviderError(
        'invalid-cassette',
        `${path}:${index + 1} is not a cassette entry: ${result.error.issues[0]?.message ?? 'invalid'}.`,
        { cause: result.error },
      );
    }
    entries.push(result.data);
  }
  const byKey = new Map<string, CassetteEntry[]>();
  const byTag = new Map<string, CassetteEntry[]>();
  const add = (map: Map<string, CassetteEntry[]>, name: string, entry: CassetteEntry) => {
    const list = map.get(name);
    if (list === undefined) map.set(name, [entry]);
    else list.push(entry);
  };
  for (const entry of entries) {
    add(byKey, entry.key, entry);
    // Untagged entries under the empty tag, which no caller sends (an empty header is no tag).
    add(byTag, tagged(entry.key, entry.tag ?? ''), entry);
  }
  return { entries, byKey, byTag, served: new Map() };
}

function missError(path: string, request: NormalizedRequest, entries: CassetteEntry[]): CassetteMissError {
  const head = `No recording in ${path} matches ${request.method} ${request.path}`;
  if (entries.length === 0) {
    return new CassetteMissError(
      path,
      request,
      [],
      `${head}: the cassette is empty or missing. Record it first.`,
    );
  }
  let closest:
    | { entry: CassetteEntry; differences: ReturnType<typeof requestDifferences>; score: number }
    | undefined;
  for (const entry of entries) {
    const differences = requestDifferences(entry.request, request);
    // A different endpoint is a worse match than any number of differing body fields.
    const score =
      differences.length +
      (entry.request.method === request.method ? 0 : 1_000) +
      (entry.request.path === request.path ? 0 : 1_000);
    if (closest === undefined || score < closest.score) closest = { entry, differences, score };
  }
  const { differences } = closest!;
  const shown = differences
    .slice(0, 5)
    .map(
      (difference) =>
        `  ${difference.path}: recorded ${preview(difference.recorded)}, now ${preview(difference.actual)}`,
    );
  const more = differences.length > shown.length ? [`  … and ${differences.length - shown.length} more`] : [];
  const message = [
    `${head} (${entries.length} recordings).`,
    `The closest recording differs in ${differences.length} field${differences.length === 1 ? '' : 's'}:`,
    ...shown,
    ...more,
    "Re-record with mode 'record' if the change is intended.",
  ].join('\n');
  return new CassetteMissError(path, request, differences, message);
}

function preview(value: unknown): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function storableHeaders(headers: Headers): Record<string, string> {
  const stored: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (!droppedResponseHeaders.has(name.toLowerCase())) stored[name.toLowerCase()] = value;
  });
  return stored;
}

function encodeBody(bytes: Uint8Array): { body: string; bodyEncoding?: 'base64' } {
  try {
    return { body: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    return { body: Buffer.from(bytes).toString('base64'), bodyEncoding: 'base64' };
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
