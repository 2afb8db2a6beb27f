import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  A2A_VERSION_HEADER,
  AGENT_CARD_PATH,
  Extensions,
  formatSSEErrorEvent,
  formatSSEEvent,
  HTTP_EXTENSION_HEADER,
  SSE_HEADERS,
} from '@a2a-js/sdk';
import { A2A_ERROR_CODE, ContentTypeNotSupportedError } from '@a2a-js/sdk/errors';
import {
  type A2ARequestHandler,
  defaultServerCallContextBuilder,
  JsonRpcTransportHandler,
  UnauthenticatedUser,
  validateVersion,
} from '@a2a-js/sdk/server';

/** Options of {@link createA2aHttpHandler}. */
export interface A2aHttpHandlerOptions {
  /** The SDK request handler, e.g. a `DefaultRequestHandler`. */
  requestHandler: A2ARequestHandler;
  /** Where JSON-RPC requests are posted. Default `/`. */
  rpcPath?: string;
  /** Largest request body accepted, in bytes. Default 4 MiB. */
  maxBodyBytes?: number;
  /** Sees errors the handler answered with a JSON-RPC error (for logging). Must not throw. */
  onError?: (error: unknown) => void;
}

type JsonRpcBody = { id?: string | number | null } | undefined;

/**
 * A `node:http` request listener for an A2A server: the agent card at
 * `/.well-known/agent-card.json` and the JSON-RPC binding (including `SendStreamingMessage` as
 * server-sent events) at `rpcPath`. It does for plain Node what `@a2a-js/sdk/server/express`'s
 * `agentCardHandler` and `jsonRpcHandler` do for Express, around the SDK's own
 * `JsonRpcTransportHandler`, so an A2A server needs no web framework.
 *
 * @example
 * ```ts
 * const requestHandler = new DefaultRequestHandler(card, new InMemoryTaskStore(), executor);
 * createServer(createA2aHttpHandler({ requestHandler })).listen(4100, '127.0.0.1');
 * ```
 */
export function createA2aHttpHandler(
  options: A2aHttpHandlerOptions,
): (request: IncomingMessage, response: ServerResponse) => void {
  const { requestHandler } = options;
  const transport = new JsonRpcTransportHandler(requestHandler);
  const rpcPath = options.rpcPath ?? '/';
  const cardPath = `/${AGENT_CARD_PATH}`;
  const maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const reportError = (error: unknown) => {
    try {
      options.onError?.(error);
    } catch {
      // Logging must not break the response.
    }
  };

  const serveCard = async (response: ServerResponse) => {
    const card = await requestHandler.getAgentCard();
    sendJson(response, 200, card, { 'Cache-Control': 'no-cache' });
  };

  const serveRpc = async (request: IncomingMessage, response: ServerResponse) => {
    const mediaType = request.headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase();
    if (mediaType !== undefined && mediaType !== 'application/json') {
      const error = new ContentTypeNotSupportedError(
        `Unsupported Content-Type "${request.headers['content-type']}"; expected application/json.`,
      );
      sendJson(response, 200, rpcError(null, error));
      return;
    }
    const text = await readBody(request, maxBodyBytes);
    if (text === undefined) {
      sendJson(response, 413, {
        jsonrpc: '2.0',
        id: null,
        error: { code: A2A_ERROR_CODE.INVALID_REQUEST, message: 'Request body too large.' },
      });
      return;
    }
    let body: JsonRpcBody;
    try {
      body = JSON.parse(text) as JsonRpcBody;
    } catch {
      sendJson(response, 200, {
        jsonrpc: '2.0',
        id: null,
        error: { code: A2A_ERROR_CODE.PARSE_ERROR, message: 'Invalid JSON payload.' },
      });
      return;
    }
    const id = typeof body === 'object' && body !== null ? (body.id ?? null) : null;
    try {
      const context = defaultServerCallContextBuilder({
        extensions: Extensions.parseServiceParameter(header(request, HTTP_EXTENSION_HEADER)),
        user: new UnauthenticatedUser(),
        headers: request.headers,
        requestedVersion: header(request, A2A_VERSION_HEADER),
      });
      validateVersion(context.requestedVersion, await requestHandler.getAgentCard(), 'JSONRPC');
      const result = await transport.handle(body as Record<string, unknown>, context);
      if (context.activatedExtensions) {
        response.setHeader(HTTP_EXTENSION_HEADER, Extensions.toServiceParameter(context.activatedExtensions));
      }
      if (!isAsyncIterable(result)) {
        sendJson(response, 200, result);
        return;
      }
      const iterator = result[Symbol.asyncIterator]();
      let first: IteratorResult<unknown>;
      try {
        first = await iterator.next();
      } catch (error) {
        reportError(error);
        sendJson(response, 200, rpcError(id, error));
        return;
      }
      response.writeHead(200, SSE_HEADERS);
      // A client that went away stops being written to, but the stream is drained to its end:
      // the SDK updates the task store as events pass through it.
      const write = (chunk: string) => {
        if (!response.destroyed && !response.writableEnded) response.write(chunk);
      };
      try {
        if (!first.done) write(formatSSEEvent(first.value));
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
          write(formatSSEEvent(next.value));
        }
      } catch (error) {
        reportError(error);
        write(formatSSEErrorEvent(rpcError(id, error)));
      } finally {
        if (!response.writableEnded) response.end();
      }
    } catch (error) {
      reportError(error);
      const envelope = rpcError(id, error);
      if (!response.headersSent)
        sendJson(response, envelope.error.code === A2A_ERROR_CODE.INTERNAL_ERROR ? 500 : 200, envelope);
      else if (!response.writableEnded) response.end();
    }
  };

  return (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    let handled: Promise<void>;
    if (request.method === 'GET' && path === cardPath) handled = serveCard(response);
    else if (request.method === 'POST' && path === rpcPath) handled = serveRpc(request, response);
    else {
      sendJson(response, 404, { error: `No A2A endpoint at ${request.method} ${path}.` });
      return;
    }
    handled.catch((error: unknown) => {
      reportError(error);
      if (!response.headersSent) sendJson(response, 500, { error: 'Internal error.' });
      else if (!response.writableEnded) response.end();
    });
  };
}

function rpcError(
  id: string | number | null,
  error: unknown,
): { jsonrpc: '2.0'; id: string | number | null; error: { code: number; message: string } } {
  return { jsonrpc: '2.0', id, error: JsonRpcTransportHandler.mapToJSONRPCError(error) };
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : value;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** The body as text, or `undefined` when it exceeds `limit` bytes. */
async function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end even past the limit, so the refusal reaches a client still sending.
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size <= limit) chunks.push(buffer);
  }
  return size > limit ? undefined : Buffer.concat(chunks).toString('utf8');
}
