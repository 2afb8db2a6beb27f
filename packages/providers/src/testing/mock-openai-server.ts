import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CancelTimer, type Clock, systemClock } from '../clock.js';
import {
  type ChatCompletionOptions,
  chatCompletion,
  chatCompletionChunks,
  embeddingResponse,
  errorBody,
  roughTokenCount,
} from './openai-payloads.js';

/** A request the mock server received. */
export interface MockRequest {
  method: string;
  /** The path without the query, e.g. `/v1/chat/completions`. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
  rawBody: string;
}

/** Options every reply takes. */
export interface ReplyTiming {
  /** Wait this long before sending anything (on top of the server's `latencyMs`). */
  delayMs?: number;
}

/** One scripted answer. Build them with {@link reply}. */
export type MockReply =
  | ({ kind: 'json'; status: number; headers: Record<string, string>; body: unknown } & ReplyTiming)
  | ({ kind: 'text'; status: number; headers: Record<string, string>; body: string } & ReplyTiming)
  | ({
      kind: 'sse';
      status: number;
      headers: Record<string, string>;
      /** Objects are sent as JSON; strings are sent as they are (e.g. broken JSON). */
      events: Array<Record<string, unknown> | string>;
      /** Send `data: [DONE]` at the end (default true). */
      done: boolean;
      eventDelayMs: number;
      /** Destroy the connection after this many events. */
      cutAfter: number | undefined;
    } & ReplyTiming)
  | ({ kind: 'chat'; options: ChatCompletionOptions } & ReplyTiming)
  | ({ kind: 'reset' } & ReplyTiming)
  | ({
      kind: 'partial';
      status: number;
      headers: Record<string, string>;
      body: string;
      ending: 'reset' | 'hang';
    } & ReplyTiming)
  | { kind: 'hang' };

/** Builders for {@link MockReply}s. */
export const reply = {
  /** A JSON body (default status 200). */
  json(
    body: unknown,
    options: { status?: number; headers?: Record<string, string> } & ReplyTiming = {},
  ): MockReply {
    return {
      kind: 'json',
      status: options.status ?? 200,
      headers: options.headers ?? {},
      body,
      ...timing(options),
    };
  },
  /** A raw body, e.g. truncated or invalid JSON (default content type `application/json`). */
  text(
    body: string,
    options: { status?: number; headers?: Record<string, string> } & ReplyTiming = {},
  ): MockReply {
    return {
      kind: 'text',
      status: options.status ?? 200,
      headers: { 'content-type': 'application/json', ...options.headers },
      body,
      ...timing(options),
    };
  },
  /** A server-sent event stream. */
  sse(
    events: Array<Record<string, unknown> | string>,
    options: {
      status?: number;
      headers?: Record<string, string>;
      done?: boolean;
      eventDelayMs?: number;
      cutAfter?: number;
    } & ReplyTiming = {},
  ): MockReply {
    return {
      kind: 'sse',
      status: options.status ?? 200,
      headers: options.headers ?? {},
      events,
      done: options.done ?? true,
      eventDelayMs: options.eventDelayMs ?? 0,
      cutAfter: options.cutAfter,
      ...timing(options),
    };
  },
  /**
   * A chat answer that fits the request: a completion, or a stream (with a usage chunk only when
   * `stream_options.include_usage` was asked for), so one script serves `generate` and `stream`.
   */
  chat(options: ChatCompletionOptions & ReplyTiming = {}): MockReply {
    const { delayMs, ...chat } = options;
    return { kind: 'chat', options: chat, ...timing({ delayMs }) };
  },
  /** An error status with OpenAI's error envelope, e.g. `reply.error(429, { headers: { 'retry-after': '1' } })`. */
  error(
    status: number,
    options: {
      message?: string;
      type?: string;
      code?: string;
      headers?: Record<string, string>;
    } & ReplyTiming = {},
  ): MockReply {
    const body = errorBody({
      message: options.message ?? `Mock error ${status}`,
      ...(options.type === undefined ? {} : { type: options.type }),
      ...(options.code === undefined ? {} : { code: options.code }),
    });
    return reply.json(body, {
      status,
      ...(options.headers ? { headers: options.headers } : {}),
      ...timing(options),
    });
  },
  /** Destroys the connection without answering (a connection reset). */
  reset(options: ReplyTiming = {}): MockReply {
    return { kind: 'reset', ...timing(options) };
  },
  /**
   * Sends the headers and the start of a body, then cuts the connection (`ending: 'reset'`, the
   * default) or stalls forever (`ending: 'hang'`, for body timeouts).
   */
  partial(
    body: string,
    options: {
      status?: number;
      headers?: Record<string, string>;
      ending?: 'reset' | 'hang';
    } & ReplyTiming = {},
  ): MockReply {
    return {
      kind: 'partial',
      status: options.status ?? 200,
      headers: { 'content-type': 'application/json', ...options.headers },
      body,
      ending: options.ending ?? 'reset',
      ...timing(options),
    };
  },
  /** Never answers (for timeouts); the connection is closed by `server.close()`. */
  hang(): MockReply {
    return { kind: 'hang' };
  },
};

function timing(options: ReplyTiming): ReplyTiming {
  return options.delayMs === undefined ? {} : { delayMs: options.delayMs };
}

/** Decides a reply; returning undefined falls back to the default answer. */
export type MockHandler = (request: MockRequest) => MockReply | undefined | Promise<MockReply | undefined>;

/** Options of {@link createMockOpenAIServer}. */
export interface MockOpenAIServerOptions {
  /** Replies served first, in order, one per request. */
  replies?: MockReply[];
  /** Asked when the queue is empty. */
  handler?: MockHandler;
  /** Added before every reply, e.g. to benchmark against a host with fixed latency. */
  latencyMs?: number;
  /**
   * Times `latencyMs`, `delayMs` and `eventDelayMs` (default: the system clock). Share a test's
   * fake clock with the model under test to script "the next chunk comes after the timeout".
   */
  clock?: Clock;
}

/** A running mock server. */
export interface MockOpenAIServer {
  /** The base URL to give a model, ending in `/v1`, e.g. `http://127.0.0.1:53124/v1`. */
  readonly url: string;
  /** Every request received, in arrival order. */
  readonly requests: MockRequest[];
  /**
   * Resolves once `count` requests have arrived in all (at once if they already have), e.g. to
   * know that a call is in flight before advancing a fake clock or aborting it.
   */
  waitForRequests(count: number): Promise<void>;
  /** Replies still queued. */
  readonly queued: number;
  /** Queues replies for the next requests. */
  enqueue(...replies: MockReply[]): void;
  /** Replaces the handler asked when the queue is empty. */
  setHandler(handler: MockHandler | undefined): void;
  /** Forgets received requests and queued replies. */
  reset(): void;
  /** Stops the server and drops open connections (including hanging ones). Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a local server on 127.0.0.1 and an ephemeral port that speaks the OpenAI wire format:
 * `/chat/completions` (plain, tool calls, JSON, SSE streams ending with `data: [DONE]`),
 * `/embeddings`, scripted failures and a log of requests. Without a script it answers
 * deterministically from the request, so it also serves end-to-end runs.
 *
 * @example
 * ```ts
 * const server = await createMockOpenAIServer();
 * server.enqueue(reply.error(429, { headers: { 'retry-after': '0' } }), reply.chat({ content: 'Hi' }));
 * const model = createModel('openai:gpt-4.1-mini', { baseURL: server.url, apiKey: 'test-key' });
 * // …
 * await server.close();
 * ```
 */
export async function createMockOpenAIServer(
  options: MockOpenAIServerOptions = {},
): Promise<MockOpenAIServer> {
  const requests: MockRequest[] = [];
  let queue: MockReply[] = [...(options.replies ?? [])];
  let handler = options.handler;
  const clock = options.clock ?? systemClock;
  const timers = new Set<CancelTimer>();
  const wait = (ms: number, response: ServerResponse) =>
    new Promise<boolean>((resolve) => {
      if (ms <= 0) return resolve(!response.destroyed);
      const cancel = clock.setTimer(() => {
        timers.delete(cancel);
        resolve(!response.destroyed);
      }, ms);
      timers.add(cancel);
    });
  const arrivalWaiters = new Set<{ count: number; resolve: () => void }>();
  const noteArrival = () => {
    for (const waiter of arrivalWaiters) {
      if (requests.length < waiter.count) continue;
      arrivalWaiters.delete(waiter);
      waiter.resolve();
    }
  };

  const server = createServer((incoming, response) => {
    void (async () => {
      const request = await readRequest(incoming);
      requests.push(request);
      noteArrival();
      const scripted = queue.shift() ?? (await handler?.(request)) ?? defaultReply(request);
      await send(scripted, request, response, options.latencyMs ?? 0, wait);
    })().catch((error: unknown) => {
      if (!response.headersSent) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify(errorBody({ message: `Mock server failed: ${String(error)}` })));
      } else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    waitForRequests(count) {
      if (requests.length >= count) return Promise.resolve();
      return new Promise<void>((resolve) => arrivalWaiters.add({ count, resolve }));
    },
    get queued() {
      return queue.length;
    },
    enqueue(...replies) {
      queue.push(...replies);
    },
    setHandler(next) {
      handler = next;
    },
    reset() {
      requests.length = 0;
      queue = [];
    },
    close() {
      for (const cancel of timers) cancel();
      timers.clear();
      // Closing twice is harmless, so tests may stop the server early and still clean up after.
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function readRequest(incoming: IncomingMessage): Promise<MockRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks).toString('utf8');
  let body: unknown = rawBody;
  try {
    body = rawBody === '' ? null : JSON.parse(rawBody);
  } catch {
    // Not JSON: keep the text.
  }
  const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    method: incoming.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    body,
    rawBody,
  };
}

async function send(
  scripted: MockReply,
  request: MockRequest,
  response: ServerResponse,
  latencyMs: number,
  wait: (ms: number, response: ServerResponse) => Promise<boolean>,
): Promise<void> {
  if (scripted.kind === 'hang') return;
  if (!(await wait(latencyMs + (scripted.delayMs ?? 0), response))) return;
  switch (scripted.kind) {
    case 'json':
      return sendBody(response, scripted.status, scripted.headers, JSON.stringify(scripted.body));
    case 'text':
      return sendBody(response, scripted.status, scripted.headers, scripted.body);
    case 'reset':
      response.socket?.destroy();
      return;
    case 'partial':
      // A length longer than what is sent, so the client keeps waiting for the rest.
      response.writeHead(scripted.status, {
        'content-length': String(Buffer.byteLength(scripted.body) + 1_000),
        ...scripted.headers,
      });
      // Cut only once the bytes have left, so the client always sees the start of the body.
      await written(response, scripted.body);
      if (scripted.ending === 'hang') return;
      response.socket?.destroy();
      return;
    case 'chat':
      return send(chatReply(scripted.options, request), request, response, 0, wait);
    case 'sse': {
      response.writeHead(scripted.status, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        ...scripted.headers,
      });
      let lastWrite: Promise<void> = Promise.resolve();
      for (const [index, event] of scripted.events.entries()) {
        if (scripted.cutAfter !== undefined && index >= scripted.cutAfter) {
          // Cut only once the events before the cut have left, so the client always sees them.
          await lastWrite;
          response.socket?.destroy();
          return;
        }
        if (index > 0 && !(await wait(scripted.eventDelayMs, response))) return;
        lastWrite = written(
          response,
          `data: ${typeof event === 'string' ? event : JSON.stringify(event)}\n\n`,
        );
      }
      if (scripted.done) response.write('data: [DONE]\n\n');
      response.end();
      return;
    }
  }
}

/**
 * Writes `data` and settles once it has been handed to the operating system. (Should the
 * connection die first, the promise may never settle; nothing is left to send then anyway.)
 */
function written(response: ServerResponse, data: string): Promise<void> {
  return new Promise<void>((resolve) => {
    response.write(data, () => resolve());
  });
}

function sendBody(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string,
): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    ...headers,
  });
  response.end(body);
}

function chatReply(options: ChatCompletionOptions, request: MockRequest): MockReply {
  const body = isRecord(request.body) ? request.body : {};
  const model = options.model ?? (typeof body.model === 'string' ? body.model : undefined);
  const withModel = model === undefined ? options : { ...options, model };
  if (body.stream === true) {
    const streamOptions = isRecord(body.stream_options) ? body.stream_options : {};
    return reply.sse(
      chatCompletionChunks({ ...withModel, includeUsage: streamOptions.include_usage === true }),
    );
  }
  return reply.json(chatCompletion(withModel));
}

/**
 * The answer when nothing is scripted: deterministic, derived from the request, so runs against
 * the mock server can be recorded and replayed.
 */
function defaultReply(request: MockRequest): MockReply {
  const body = isRecord(request.body) ? request.body : {};
  if (request.method === 'POST' && request.path.endsWith('/chat/completions')) {
    const messages = Array.isArray(body.messages) ? body.messages : [];
    const lastUser = [...messages].reverse().find((message) => isRecord(message) && message.role === 'user');
    const question = isRecord(lastUser) && typeof lastUser.content === 'string' ? lastUser.content : '';
    const format = isRecord(body.response_format) ? body.response_format.type : undefined;
    const content =
      format === 'json_schema' || format === 'json_object' ? '{}' : `Mock answer to: ${question}`;
    const promptTokens = roughTokenCount(JSON.stringify(messages));
    return chatReply(
      { content, usage: { promptTokens, completionTokens: roughTokenCount(content) } },
      request,
    );
  }
  if (request.method === 'POST' && request.path.endsWith('/embeddings')) {
    const input = Array.isArray(body.input) ? body.input.map(String) : [String(body.input ?? '')];
    return reply.json(
      embeddingResponse({
        embeddings: input.map((text) => pseudoEmbedding(text)),
        ...(typeof body.model === 'string' ? { model: body.model } : {}),
        promptTokens: input.reduce((total, text) => total + roughTokenCount(text), 0),
      }),
    );
  }
  if (request.method === 'GET' && request.path.endsWith('/models')) {
    return reply.json({
      object: 'list',
      data: [{ id: 'gpt-4.1-mini', object: 'model', created: 0, owned_by: 'mock' }],
    });
  }
  return reply.error(404, {
    message: `No mock route for ${request.method} ${request.path}`,
    type: 'invalid_request_error',
  });
}

/** A unit vector of 8 numbers derived from the text's hash: equal texts, equal vectors. */
function pseudoEmbedding(text: string): number[] {
  const digest = createHash('sha256').update(text).digest();
  const vector = Array.from({ length: 8 }, (_, index) => digest.readInt16BE(index * 2) / 32_768);
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
