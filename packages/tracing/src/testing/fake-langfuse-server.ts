import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** A request the fake server received. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/api/public/otel/v1/traces`. */
  path: string;
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
}

/** A local stand-in for Langfuse that records what clients send. */
export interface FakeLangfuseServer {
  baseUrl: string;
  requests: RecordedRequest[];
  /** Requests to one path. */
  requestsTo(path: string): RecordedRequest[];
  /** Every span received on the OTLP traces endpoint, decoded. */
  spans(): ReceivedSpan[];
  close(): Promise<void>;
}

/**
 * Starts an HTTP server on a free local port that answers like Langfuse's public API for the
 * calls Baton makes — OTLP trace export, datasets, dataset items, dataset run items, scores — and
 * records each request, so tests can assert paths, headers and bodies without the internet.
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
  let counter = 0;

  const server = createServer((request, response) => {
    readBody(request).then((body) => {
      const recorded: RecordedRequest = {
        method: request.method ?? 'GET',
        path: (request.url ?? '/').split('?')[0]!,
        headers: request.headers,
        body,
      };
      requests.push(recorded);
      const answer = () => {
        counter += 1;
        respond(
          response,
          options.status ?? 200,
          options.status ? { message: 'fake failure' } : reply(recorded, counter),
        );
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
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const otlpPath = '/api/public/otel/v1/traces';

function reply(request: RecordedRequest, counter: number): unknown {
  const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
    string,
    unknown
  >;
  const now = new Date().toISOString();
  switch (`${request.method} ${request.path}`) {
    case `POST ${otlpPath}`:
      return {};
    case 'POST /api/public/v2/datasets':
      return {
        id: `dataset-${String(body.name)}`,
        projectId: 'project',
        description: null,
        metadata: null,
        inputSchema: null,
        expectedOutputSchema: null,
        ...body,
        createdAt: now,
        updatedAt: now,
      };
    case 'POST /api/public/dataset-items':
      return {
        status: 'ACTIVE',
        datasetId: `dataset-${String(body.datasetName)}`,
        ...body,
        createdAt: now,
        updatedAt: now,
      };
    case 'POST /api/public/dataset-run-items':
      return {
        id: `run-item-${counter}`,
        datasetRunId: `run-${String(body.runName)}`,
        datasetRunName: body.runName,
        datasetItemId: body.datasetItemId,
        traceId: body.traceId,
        observationId: body.observationId ?? null,
        createdAt: now,
        updatedAt: now,
      };
    case 'POST /api/public/scores':
      return { id: body.id ?? `score-${counter}` };
    default:
      return { message: `The fake Langfuse server does not know ${request.method} ${request.path}.` };
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
