import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { z } from 'zod';
import {
  createDatasetBody,
  createDatasetItemBody,
  createDatasetRunItemBody,
  ingestionEventEnvelope,
  ingestionEventTypes,
  ingestionRequestBody,
  maxBodyBytes,
  otlpTraceRequestBody,
  scoreBody,
  scoreCreateEvent,
} from './langfuse-api-schema.js';

/** A request the fake server received. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/api/public/otel/v1/traces`. */
  path: string;
  /** The query string's parameters, e.g. `{ datasetName: 'support', page: '2' }`. */
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (or the raw text when it is not JSON). */
  body: unknown;
  /** Bytes on the wire (compressed, when the client compressed). */
  wireBytes: number;
  /** Bytes of the body after decompression. */
  bodyBytes: number;
  /** The status it was answered with; unset while its answer is delayed, or if it never got one. */
  status?: number;
  /**
   * Why Langfuse's API schema refuses the request (answered 400), or, for an ingestion request,
   * why it refused some of its events (answered 207 with errors).
   */
  invalid?: string;
}

/** A span decoded from an OTLP/JSON export request. */
export interface ReceivedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  scope: string;
  attributes: Record<string, unknown>;
}

/** A score as the fake server stores it (the latest body for its id). */
export type StoredScore = z.infer<typeof scoreBody> & { id: string };

/** A dataset run item as the fake server stores it. */
export interface StoredRunItem {
  id: string;
  datasetRunId: string;
  runName: string;
  datasetItemId: string;
  traceId: string | null;
  observationId: string | null;
}

/** How often each thing arrived (was processed and acknowledged): more than once is a duplicate send. */
export interface FakeLangfuseArrivals {
  /** Per span id. Langfuse upserts observations by id, so a repeat is harmless but wasted. */
  spans: Map<string, number>;
  /** Per dataset item id (upserted). */
  datasetItems: Map<string, number>;
  /** Per `runName \0 datasetItemId \0 traceId`: Langfuse gives each run item a new id, so a repeat is a duplicate. */
  runItems: Map<string, number>;
  /** Per score id (upserted). */
  scores: Map<string, number>;
}

/** Options of {@link startFakeLangfuseServer}. */
export interface FakeLangfuseServerOptions {
  /** Hold every response this long (a slow server). */
  delayMs?: number;
  /**
   * How a delay is waited: default a real timer. Inject a fake clock's sleep to make a slow server
   * cost no real time.
   */
  sleep?: (ms: number) => Promise<void>;
  /** Answer every request with this status (e.g. 503, 401). */
  status?: number;
  /** Answer 401, as Langfuse does, to requests that do not carry these keys (default: any keys pass). */
  keys?: { publicKey: string; secretKey: string };
  /**
   * Answer `POST /api/public/dataset-run-items` with this status instead of a run item, e.g. 410
   * as a Langfuse v4 server that no longer has the endpoint.
   */
  runItemsStatus?: number;
  /** Called after each answer (e.g. to {@link FakeLangfuseServer.kill} the server mid-run). */
  onAnswered?: (request: RecordedRequest) => void;
}

/** A dataset item as the fake server stores and serves it. */
export interface FakeDatasetItem {
  id: string;
  datasetName: string;
  status: 'ACTIVE' | 'ARCHIVED';
  input: unknown;
  expectedOutput: unknown;
  metadata: unknown;
  sourceTraceId: string | null;
  sourceObservationId: string | null;
}

/** An item to put in the fake server's store: everything but the input has a default. */
export interface FakeDatasetItemInput {
  /** Default: `item-<n>`. */
  id?: string;
  input: unknown;
  expectedOutput?: unknown;
  metadata?: unknown;
  /** Default `ACTIVE`. */
  status?: 'ACTIVE' | 'ARCHIVED';
}

/** A local stand-in for Langfuse that records what clients send. */
export interface FakeLangfuseServer {
  baseUrl: string;
  /** Every request received, in arrival order (including refused ones and ones never answered). */
  requests: RecordedRequest[];
  /** Requests to one path. */
  requestsTo(path: string): RecordedRequest[];
  /** Requests refused by Langfuse's API schema: empty unless a client sent what Langfuse answers 400. */
  invalidRequests(): RecordedRequest[];
  /** Every span accepted on the OTLP traces endpoint, decoded, in arrival order. */
  spans(): ReceivedSpan[];
  /** The scores Langfuse would hold: the latest body per id. */
  scores(): StoredScore[];
  /** The dataset run items Langfuse would hold. */
  runItems(): StoredRunItem[];
  /** How often each span, dataset item, run item and score arrived. */
  arrivals(): FakeLangfuseArrivals;
  /**
   * Creates a dataset (or adds to it) with these items, as if they had been pushed: seeds what the
   * read endpoints serve without going through the client.
   */
  seedDataset(name: string, items: readonly FakeDatasetItemInput[]): void;
  /** The stored items of a dataset (pushed or seeded), oldest first; empty for an unknown dataset. */
  datasetItems(name: string): FakeDatasetItem[];
  /**
   * Kills the server as a crash would: it stops listening, open connections are cut, and requests
   * whose answer was still delayed are never processed. What it stored is kept.
   */
  kill(): Promise<void>;
  /** Listens again on the same port, with what it had stored (nothing to do if it is listening). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts an HTTP server on a free local port that answers like Langfuse's public API for the
 * calls Baton makes — OTLP trace export, datasets, dataset items, dataset run items, scores (one at
 * a time and through the batched ingestion endpoint) — and records each request, so tests can
 * assert paths, headers and bodies without the internet.
 *
 * Every request body is checked against Langfuse's published API schema for its endpoint
 * (`langfuse-api-schema.ts`): what the real server would refuse is answered 400 here too (and
 * listed by {@link FakeLangfuseServer.invalidRequests}), so a test fails where Langfuse would.
 * State changes when a request is answered, not when it arrives: a request whose delayed answer is
 * cut off by {@link FakeLangfuseServer.kill} leaves no trace, as a crash before processing would.
 *
 * Creating a dataset answers the stored dataset with its `id` (`dataset-<name>`); an item for an
 * unknown dataset, and a run link to an unknown dataset item, answer 404 as Langfuse does. The
 * read endpoints serve what was stored: `GET /api/public/v2/datasets/{name}`,
 * `GET /api/public/dataset-items?datasetName=&page=&limit=` (newest first, paginated, archived items
 * included, default limit 50) and `GET /api/public/datasets/{name}/runs/{run}`.
 *
 * @example
 * ```ts
 * const server = await startFakeLangfuseServer();
 * const tracing = setupTracing({ langfuse: { publicKey: 'pk', secretKey: 'sk', baseUrl: server.baseUrl } });
 * // … run, shut down …
 * expect(server.spans().map((span) => span.name)).toContain('turn lexical');
 * expect(server.invalidRequests()).toEqual([]);
 * await server.close();
 * ```
 */
export async function startFakeLangfuseServer(
  options: FakeLangfuseServerOptions = {},
): Promise<FakeLangfuseServer> {
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const store = new LangfuseStore();
  let counter = 0;
  /** Bumped by a kill: answers owed from before it are never given. */
  let generation = 0;
  const expectedAuthorization = options.keys
    ? `Basic ${Buffer.from(`${options.keys.publicKey}:${options.keys.secretKey}`).toString('base64')}`
    : undefined;
  const sleep =
    options.sleep ??
    ((ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, ms);
        timers.add(timer);
      }));

  const server = createServer((request, response) => {
    const arrivedIn = generation;
    readBody(request).then(async (read) => {
      const url = new URL(request.url ?? '/', 'http://fake.invalid');
      const recorded: RecordedRequest = {
        method: request.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: request.headers,
        body: read.body,
        wireBytes: read.wireBytes,
        bodyBytes: read.bodyBytes,
      };
      requests.push(recorded);
      if (options.delayMs) await sleep(options.delayMs);
      if (generation !== arrivedIn || response.destroyed) return;
      counter += 1;
      const { status, body } = answer(recorded, read, counter);
      recorded.status = status;
      respond(response, status, body);
      options.onAnswered?.(recorded);
    });
  });

  function answer(
    recorded: RecordedRequest,
    read: ReadBody,
    count: number,
  ): { status: number; body: unknown } {
    if (options.status) return { status: options.status, body: { message: 'fake failure' } };
    if (expectedAuthorization && recorded.headers.authorization !== expectedAuthorization) {
      return {
        status: 401,
        body: { message: 'Invalid credentials. Confirm that you have used the correct host.' },
      };
    }
    if (read.unreadable) {
      return { status: 400, body: { error: read.unreadable } };
    }
    if (options.runItemsStatus && recorded.method === 'POST' && recorded.path === runItemsPath) {
      return {
        status: options.runItemsStatus,
        body: { message: 'Dataset run items are created through experiment attributes on traces.' },
      };
    }
    return reply(recorded, count, store);
  }

  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      generation += 1;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  await listen();
  port = (server.address() as AddressInfo).port;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (path) => requests.filter((request) => request.path === path),
    invalidRequests: () => requests.filter((request) => request.invalid !== undefined),
    spans: () => store.spans.slice(),
    scores: () => [...store.scores.values()],
    runItems: () => store.runItems.slice(),
    arrivals: () => ({
      spans: new Map(store.spanArrivals),
      datasetItems: new Map(store.itemArrivals),
      runItems: new Map(store.runItemArrivals),
      scores: new Map(store.scoreArrivals),
    }),
    seedDataset: (name, items) => {
      store.upsertDataset({ name });
      for (const item of items) store.upsertItem({ ...item, datasetName: name });
    },
    datasetItems: (name) => store.items(name),
    kill: () => (server.listening ? stop() : Promise.resolve()),
    restart: () => (server.listening ? Promise.resolve() : listen()),
    close: () => (server.listening ? stop() : Promise.resolve()),
  };
}

const otlpPath = '/api/public/otel/v1/traces';
const runItemsPath = '/api/public/dataset-run-items';

type Answer = { status: number; body: unknown };

/** Langfuse's answer to a body its zod schema refuses (`withMiddlewares`). */
function invalid(request: RecordedRequest, error: z.ZodError): Answer {
  request.invalid = error.issues
    .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
  return { status: 400, body: { message: 'Invalid request data', error: error.issues } };
}

function reply(request: RecordedRequest, counter: number, store: LangfuseStore): Answer {
  if (request.method === 'GET') return readReply(request, store);
  if (request.bodyBytes > maxBodyBytes && request.path !== otlpPath) {
    request.invalid = `body of ${request.bodyBytes} bytes exceeds 4.5 MB`;
    return { status: 413, body: { message: 'Body exceeded 4.5mb limit' } };
  }
  const now = new Date().toISOString();
  const ok = (answer: unknown): Answer => ({ status: 200, body: answer });
  switch (`${request.method} ${request.path}`) {
    case `POST ${otlpPath}`:
      return otlpReply(request, store);
    case 'POST /api/public/v2/datasets': {
      const parsed = createDatasetBody.safeParse(request.body);
      if (!parsed.success) return invalid(request, parsed.error);
      return ok(store.upsertDataset(parsed.data));
    }
    case 'POST /api/public/dataset-items': {
      const parsed = createDatasetItemBody.safeParse(request.body);
      if (!parsed.success) return invalid(request, parsed.error);
      const body = parsed.data;
      if (!store.dataset(body.datasetName)) {
        return {
          status: 404,
          body: {
            message: `Dataset ${body.datasetName} not found for project project`,
            error: 'LangfuseNotFoundError',
          },
        };
      }
      const existing = body.id ? store.item(body.id) : undefined;
      if (existing && existing.datasetName !== body.datasetName) {
        return {
          status: 409,
          body: {
            message: `Dataset item id ${body.id} already exists in another dataset (id dataset-${existing.datasetName}) in this project; item ids are unique per project across datasets.`,
            error: 'LangfuseConflictError',
          },
        };
      }
      const item = store.upsertItem({
        datasetName: body.datasetName,
        ...(body.id ? { id: body.id } : {}),
        status: body.status === 'ARCHIVED' ? 'ARCHIVED' : 'ACTIVE',
        input: body.input,
        expectedOutput: body.expectedOutput,
        metadata: body.metadata,
        sourceTraceId: body.sourceTraceId,
      });
      store.itemArrivals.set(item.id, (store.itemArrivals.get(item.id) ?? 0) + 1);
      return ok({ ...item, datasetId: `dataset-${item.datasetName}`, createdAt: now, updatedAt: now });
    }
    case `POST ${runItemsPath}`: {
      const parsed = createDatasetRunItemBody.safeParse(request.body);
      if (!parsed.success) return invalid(request, parsed.error);
      const body = parsed.data;
      // As Langfuse, which resolves the dataset from the (active) item.
      const item = store.item(body.datasetItemId);
      if (item?.status !== 'ACTIVE') {
        return { status: 404, body: { message: 'Dataset item not found', error: 'LangfuseNotFoundError' } };
      }
      const stored = store.addRunItem(
        {
          id: `run-item-${counter}`,
          datasetRunId: `run-${body.runName}`,
          runName: body.runName,
          datasetItemId: body.datasetItemId,
          traceId: body.traceId ?? null,
          observationId: body.observationId ?? null,
        },
        item.datasetName,
      );
      return ok({
        id: stored.id,
        datasetRunId: stored.datasetRunId,
        datasetRunName: stored.runName,
        datasetItemId: stored.datasetItemId,
        traceId: stored.traceId,
        observationId: stored.observationId,
        createdAt: now,
        updatedAt: now,
      });
    }
    case 'POST /api/public/scores': {
      const parsed = scoreBody.safeParse(request.body);
      if (!parsed.success) return invalid(request, parsed.error);
      const id = parsed.data.id ?? `score-${counter}`;
      store.addScore({ ...parsed.data, id });
      return ok({ id });
    }
    case 'POST /api/public/ingestion':
      return ingestionReply(request, counter, store);
    default:
      return {
        status: 404,
        body: { message: `The fake Langfuse server does not know ${request.method} ${request.path}.` },
      };
  }
}

/** `POST /api/public/ingestion`: the envelope first (400 for all), then each event on its own (207). */
function ingestionReply(request: RecordedRequest, counter: number, store: LangfuseStore): Answer {
  const parsed = ingestionRequestBody.safeParse(request.body);
  if (!parsed.success) {
    request.invalid = parsed.error.issues.map((issue) => issue.message).join('; ');
    return {
      status: 400,
      body: { message: 'Invalid request data', errors: parsed.error.issues.map((issue) => issue.message) },
    };
  }
  const successes: { id: string; status: number }[] = [];
  const errors: { id: string; status: number; message: string; error?: unknown }[] = [];
  parsed.data.batch.forEach((event, index) => {
    const envelope = ingestionEventEnvelope.safeParse(event);
    const id =
      typeof (event as { id?: unknown } | null)?.id === 'string'
        ? (event as { id: string }).id
        : `event-${index}`;
    if (!envelope.success) {
      errors.push({ id, status: 400, message: 'Invalid request data', error: envelope.error.issues });
      return;
    }
    if (!(ingestionEventTypes as readonly string[]).includes(envelope.data.type)) {
      errors.push({
        id,
        status: 400,
        message: 'Invalid request data',
        error: `unknown event type ${envelope.data.type}`,
      });
      return;
    }
    if (envelope.data.type !== 'score-create') {
      errors.push({
        id,
        status: 400,
        message: `The fake Langfuse server stores score-create events only, not ${envelope.data.type}.`,
      });
      return;
    }
    const score = scoreCreateEvent.safeParse(event);
    if (!score.success) {
      errors.push({ id, status: 400, message: 'Invalid request data', error: score.error.issues });
      return;
    }
    store.addScore({ ...score.data.body, id: score.data.body.id ?? `score-${counter}-${index}` });
    successes.push({ id, status: 201 });
  });
  if (errors.length > 0) {
    request.invalid = errors
      .slice(0, 3)
      .map((error) => `${error.id}: ${error.message} ${JSON.stringify(error.error ?? '')}`)
      .join('; ');
  }
  return { status: 207, body: { successes, errors } };
}

/** `POST /api/public/otel/v1/traces`, OTLP/JSON only (the fake does not decode protobuf). */
function otlpReply(request: RecordedRequest, store: LangfuseStore): Answer {
  const contentType = String(request.headers['content-type'] ?? '').toLowerCase();
  if (!contentType.includes('application/json')) {
    request.invalid = `content type ${contentType || '(none)'}`;
    return {
      status: 400,
      body: {
        error: contentType.includes('protobuf')
          ? 'The fake server reads OTLP JSON only'
          : 'Invalid content type',
      },
    };
  }
  if (typeof request.body !== 'object' || request.body === null) {
    request.invalid = 'not OTLP JSON';
    return { status: 400, body: { error: 'Failed to parse OTel JSON Trace' } };
  }
  const parsed = otlpTraceRequestBody.safeParse(request.body);
  if (!parsed.success) return invalid(request, parsed.error);
  for (const span of decodeOtlp(request.body)) store.addSpan(span);
  return { status: 200, body: {} };
}

const datasetPathPrefix = '/api/public/v2/datasets/';
const runPath = /^\/api\/public\/datasets\/([^/]+)\/runs\/([^/]+)$/;

/** The read endpoints: one dataset by name, a dataset's items page by page, one dataset run. */
function readReply(request: RecordedRequest, store: LangfuseStore): Answer {
  if (request.path.startsWith(datasetPathPrefix)) {
    const name = decodeURIComponent(request.path.slice(datasetPathPrefix.length));
    const dataset = store.dataset(name);
    return dataset
      ? { status: 200, body: dataset }
      : { status: 404, body: { message: `Dataset ${name} not found` } };
  }
  const run = runPath.exec(request.path);
  if (run) {
    const datasetName = decodeURIComponent(run[1]!);
    const runName = decodeURIComponent(run[2]!);
    const items = store.runItems.filter(
      (item) => item.runName === runName && store.item(item.datasetItemId)?.datasetName === datasetName,
    );
    if (items.length === 0) return { status: 404, body: { message: 'Dataset run not found' } };
    const now = new Date().toISOString();
    return {
      status: 200,
      body: {
        id: `run-${runName}`,
        name: runName,
        description: null,
        metadata: null,
        datasetId: `dataset-${datasetName}`,
        datasetName,
        createdAt: now,
        updatedAt: now,
        datasetRunItems: items.map((item) => ({
          ...item,
          datasetRunName: runName,
          createdAt: now,
          updatedAt: now,
        })),
      },
    };
  }
  if (request.path === '/api/public/dataset-items') {
    const name = request.query.datasetName;
    if (name === undefined || !store.dataset(name)) {
      return { status: 404, body: { message: `Dataset ${name ?? ''} not found` } };
    }
    const page = Math.max(1, Number(request.query.page ?? 1) || 1);
    const limit = Math.max(1, Number(request.query.limit ?? 50) || 50);
    // Langfuse lists the newest items first.
    const items = store.items(name).reverse();
    const now = new Date().toISOString();
    return {
      status: 200,
      body: {
        data: items.slice((page - 1) * limit, page * limit).map((item) => ({
          ...item,
          datasetId: `dataset-${name}`,
          createdAt: now,
          updatedAt: now,
          mediaReferences: [],
        })),
        meta: { page, limit, totalItems: items.length, totalPages: Math.ceil(items.length / limit) },
      },
    };
  }
  return {
    status: 404,
    body: { message: `The fake Langfuse server does not know GET ${request.path}.` },
  };
}

/** What the fake Langfuse holds: datasets and items (kept in creation order, upserted by id), run items, scores, spans. */
class LangfuseStore {
  private readonly datasets = new Map<string, Record<string, unknown>>();
  private readonly itemsById = new Map<string, FakeDatasetItem>();
  private created = 0;
  readonly spans: ReceivedSpan[] = [];
  readonly scores = new Map<string, StoredScore>();
  readonly runItems: StoredRunItem[] = [];
  readonly spanArrivals = new Map<string, number>();
  readonly itemArrivals = new Map<string, number>();
  readonly runItemArrivals = new Map<string, number>();
  readonly scoreArrivals = new Map<string, number>();

  upsertDataset(body: { name: string } & Record<string, unknown>): Record<string, unknown> {
    const name = body.name;
    const now = new Date().toISOString();
    const dataset = {
      id: `dataset-${name}`,
      projectId: 'project',
      description: null,
      metadata: null,
      inputSchema: null,
      expectedOutputSchema: null,
      ...this.datasets.get(name),
      ...body,
      name,
      createdAt: now,
      updatedAt: now,
    };
    this.datasets.set(name, dataset);
    return dataset;
  }

  dataset(name: string): Record<string, unknown> | undefined {
    return this.datasets.get(name);
  }

  upsertItem(item: FakeDatasetItemInput & { datasetName: string; sourceTraceId?: unknown }): FakeDatasetItem {
    this.created += 1;
    const stored: FakeDatasetItem = {
      id: item.id ?? `item-${this.created}`,
      datasetName: item.datasetName,
      status: item.status ?? 'ACTIVE',
      input: item.input,
      expectedOutput: item.expectedOutput ?? null,
      metadata: item.metadata ?? null,
      sourceTraceId: typeof item.sourceTraceId === 'string' ? item.sourceTraceId : null,
      sourceObservationId: null,
    };
    // An update keeps the item's place, as Langfuse keeps its createdAt.
    this.itemsById.set(stored.id, stored);
    return stored;
  }

  item(id: string): FakeDatasetItem | undefined {
    return this.itemsById.get(id);
  }

  items(name: string): FakeDatasetItem[] {
    return [...this.itemsById.values()].filter((item) => item.datasetName === name);
  }

  addRunItem(item: StoredRunItem, _datasetName: string): StoredRunItem {
    this.runItems.push(item);
    const key = `${item.runName}\u0000${item.datasetItemId}\u0000${item.traceId ?? ''}`;
    this.runItemArrivals.set(key, (this.runItemArrivals.get(key) ?? 0) + 1);
    return item;
  }

  addScore(score: StoredScore): void {
    this.scores.set(score.id, score);
    this.scoreArrivals.set(score.id, (this.scoreArrivals.get(score.id) ?? 0) + 1);
  }

  addSpan(span: ReceivedSpan): void {
    this.spans.push(span);
    this.spanArrivals.set(span.spanId, (this.spanArrivals.get(span.spanId) ?? 0) + 1);
  }
}

function respond(response: ServerResponse, status: number, body: unknown): void {
  if (response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

interface ReadBody {
  body: unknown;
  wireBytes: number;
  bodyBytes: number;
  /** Set when the body could not be read (a gzip body that does not inflate). */
  unreadable?: string;
}

async function readBody(request: IncomingMessage): Promise<ReadBody> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of request) chunks.push(chunk as Buffer);
  } catch {
    // A connection cut mid-body: whatever arrived is all there is.
  }
  const wire = Buffer.concat(chunks);
  let buffer = wire;
  if (request.headers['content-encoding']?.includes('gzip')) {
    try {
      buffer = gunzipSync(wire);
    } catch {
      return {
        body: undefined,
        wireBytes: wire.length,
        bodyBytes: wire.length,
        unreadable: 'Failed to decompress request body',
      };
    }
  }
  const text = buffer.toString('utf8');
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  return { body, wireBytes: wire.length, bodyBytes: buffer.length };
}

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
}

function decodeValue(value: OtlpValue | undefined): unknown {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(decodeValue);
  return undefined;
}

interface OtlpRequest {
  resourceSpans?: {
    scopeSpans?: {
      scope?: { name?: string };
      spans?: {
        name: string;
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        attributes?: { key: string; value: OtlpValue }[];
      }[];
    }[];
  }[];
}

function decodeOtlp(body: unknown): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resource of (body as OtlpRequest | undefined)?.resourceSpans ?? []) {
    for (const scopeSpans of resource.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        spans.push({
          name: span.name,
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId || undefined,
          scope: scopeSpans.scope?.name ?? '',
          attributes: Object.fromEntries(
            (span.attributes ?? []).map(({ key, value }) => [key, decodeValue(value)]),
          ),
        });
      }
    }
  }
  return spans;
}
