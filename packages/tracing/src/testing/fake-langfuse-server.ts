import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

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

/** Options of {@link startFakeLangfuseServer}. */
export interface FakeLangfuseServerOptions {
  /** Hold every response this long (a slow server). */
  delayMs?: number;
  /** Answer every request with this status (e.g. 503, 401). */
  status?: number;
  /** Answer 401, as Langfuse does, to requests that do not carry these keys (default: any keys pass). */
  keys?: { publicKey: string; secretKey: string };
  /**
   * Answer `POST /api/public/dataset-run-items` with this status instead of a run item, e.g. 410
   * as a Langfuse v4 server that no longer has the endpoint.
   */
  runItemsStatus?: number;
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
  requests: RecordedRequest[];
  /** Requests to one path. */
  requestsTo(path: string): RecordedRequest[];
  /** Every span received on the OTLP traces endpoint, decoded. */
  spans(): ReceivedSpan[];
  /**
   * Creates a dataset (or adds to it) with these items, as if they had been pushed: seeds what the
   * read endpoints serve without going through the client.
   */
  seedDataset(name: string, items: readonly FakeDatasetItemInput[]): void;
  /** The stored items of a dataset (pushed or seeded), oldest first; empty for an unknown dataset. */
  datasetItems(name: string): FakeDatasetItem[];
  close(): Promise<void>;
}

/**
 * Starts an HTTP server on a free local port that answers like Langfuse's public API for the
 * calls Baton makes — OTLP trace export, datasets, dataset items, dataset run items, scores — and
 * records each request, so tests can assert paths, headers and bodies without the internet.
 * Creating a dataset answers the stored dataset with its `id` (`dataset-<name>`), as Langfuse
 * answers with its own id; linking a run item to an unknown dataset item answers 404, as Langfuse
 * does.
 *
 * Datasets and items that are created (or {@link FakeLangfuseServer.seedDataset seeded}) are kept,
 * and the read endpoints serve them as Langfuse does: `GET /api/public/v2/datasets/{name}` (404 for
 * an unknown dataset) and `GET /api/public/dataset-items?datasetName=&page=&limit=` (newest first,
 * paginated, archived items included, default limit 50).
 *
 * @example
 * ```ts
 * const server = await startFakeLangfuseServer();
 * const tracing = setupTracing({ langfuse: { publicKey: 'pk', secretKey: 'sk', baseUrl: server.baseUrl } });
 * // … run, shut down …
 * expect(server.spans().map((span) => span.name)).toContain('turn lexical');
 * await server.close();
 * ```
 */
export async function startFakeLangfuseServer(
  options: FakeLangfuseServerOptions = {},
): Promise<FakeLangfuseServer> {
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const store = new DatasetStore();
  let counter = 0;
  const expectedAuthorization = options.keys
    ? `Basic ${Buffer.from(`${options.keys.publicKey}:${options.keys.secretKey}`).toString('base64')}`
    : undefined;

  const server = createServer((request, response) => {
    readBody(request).then((body) => {
      const url = new URL(request.url ?? '/', 'http://fake.invalid');
      const recorded: RecordedRequest = {
        method: request.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: request.headers,
        body,
      };
      requests.push(recorded);
      const answer = () => {
        counter += 1;
        if (options.status) return respond(response, options.status, { message: 'fake failure' });
        if (expectedAuthorization && request.headers.authorization !== expectedAuthorization) {
          return respond(response, 401, {
            message: 'Invalid credentials. Confirm that you have used the correct host.',
          });
        }
        if (options.runItemsStatus && recorded.method === 'POST' && recorded.path === runItemsPath) {
          return respond(response, options.runItemsStatus, {
            message: 'Dataset run items are created through experiment attributes on traces.',
          });
        }
        const { status, body: answerBody } = reply(recorded, counter, store);
        respond(response, status, answerBody);
      };
      if (!options.delayMs) return answer();
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer();
      }, options.delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (path) => requests.filter((request) => request.path === path),
    spans: () =>
      requests.filter((request) => request.path === otlpPath).flatMap((request) => decodeOtlp(request.body)),
    seedDataset: (name, items) => {
      store.upsertDataset({ name });
      for (const item of items) store.upsertItem({ ...item, datasetName: name });
    },
    datasetItems: (name) => store.items(name),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const otlpPath = '/api/public/otel/v1/traces';
const runItemsPath = '/api/public/dataset-run-items';

function reply(
  request: RecordedRequest,
  counter: number,
  store: DatasetStore,
): { status: number; body: unknown } {
  const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
    string,
    unknown
  >;
  const now = new Date().toISOString();
  const ok = (answer: unknown) => ({ status: 200, body: answer });
  if (request.method === 'GET') return readReply(request, store);
  switch (`${request.method} ${request.path}`) {
    case `POST ${otlpPath}`:
      return ok({});
    case 'POST /api/public/v2/datasets':
      return ok(store.upsertDataset(body));
    case 'POST /api/public/dataset-items': {
      const item = store.upsertItem({
        ...body,
        datasetName: String(body.datasetName),
        ...(typeof body.id === 'string' ? { id: body.id } : {}),
        status: body.status === 'ARCHIVED' ? 'ARCHIVED' : 'ACTIVE',
        input: body.input,
      });
      return ok({
        ...body,
        ...item,
        datasetId: `dataset-${item.datasetName}`,
        createdAt: now,
        updatedAt: now,
      });
    }
    case `POST ${runItemsPath}`:
      // As Langfuse, which resolves the dataset from the item.
      if (!store.hasItem(String(body.datasetItemId))) {
        return { status: 404, body: { message: 'Dataset item not found', error: 'LangfuseNotFoundError' } };
      }
      return ok({
        id: `run-item-${counter}`,
        datasetRunId: `run-${String(body.runName)}`,
        datasetRunName: body.runName,
        datasetItemId: body.datasetItemId,
        traceId: body.traceId,
        observationId: body.observationId ?? null,
        createdAt: now,
        updatedAt: now,
      });
    case 'POST /api/public/scores':
      return ok({ id: body.id ?? `score-${counter}` });
    default:
      return ok({ message: `The fake Langfuse server does not know ${request.method} ${request.path}.` });
  }
}

const datasetPathPrefix = '/api/public/v2/datasets/';

/** The read endpoints: one dataset by name, and a dataset's items page by page. */
function readReply(request: RecordedRequest, store: DatasetStore): { status: number; body: unknown } {
  if (request.path.startsWith(datasetPathPrefix)) {
    const name = decodeURIComponent(request.path.slice(datasetPathPrefix.length));
    const dataset = store.dataset(name);
    return dataset
      ? { status: 200, body: dataset }
      : { status: 404, body: { message: `Dataset ${name} not found` } };
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

/** Datasets and their items, kept in creation order; items upsert by id as in Langfuse. */
class DatasetStore {
  private readonly datasets = new Map<string, Record<string, unknown>>();
  private readonly itemsById = new Map<string, FakeDatasetItem>();
  private created = 0;

  upsertDataset(body: Record<string, unknown>): Record<string, unknown> {
    const name = String(body.name);
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

  hasItem(id: string): boolean {
    return this.itemsById.has(id);
  }

  items(name: string): FakeDatasetItem[] {
    return [...this.itemsById.values()].filter((item) => item.datasetName === name);
  }
}

function respond(response: ServerResponse, status: number, body: unknown): void {
  if (response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  let buffer = Buffer.concat(chunks);
  if (request.headers['content-encoding']?.includes('gzip')) buffer = gunzipSync(buffer);
  const text = buffer.toString('utf8');
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
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
