import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AgentCard } from '@a2a-js/sdk';
import { DefaultRequestHandler, InMemoryTaskStore, type TaskStore } from '@a2a-js/sdk/server';
import { type CapabilityCardInput, capabilityCardSchema } from '@baton/core';
import { A2aError } from './a2a-error.js';
import { type A2aExecutorOptions, createA2aExecutor, type ServedTarget } from './create-a2a-executor.js';
import { createA2aHttpHandler } from './create-a2a-http-handler.js';
import { agentCardUrl } from './resolve-agent-card.js';
import { toA2aAgentCard } from './to-a2a-agent-card.js';

/** Options of {@link serveA2a}. */
export interface ServeA2aOptions extends A2aExecutorOptions {
  /** The port to listen on; default 0 (any free port, see {@link A2aServer.url}). */
  port?: number;
  /** The address to bind; default `127.0.0.1` (loopback only: pass `0.0.0.0` to serve others). */
  host?: string;
  /** The card to publish. Default: the agent's card, or a team's front agent's card. */
  card?: CapabilityCardInput;
  /**
   * The URL clients reach this server at, when it is not the bound address: behind a proxy that
   * forwards that URL to this server's root. Published in the card.
   */
  publicUrl?: string;
  /** Whether to offer streaming (server-sent events). Default `true`. */
  streaming?: boolean;
  /** Where tasks are kept. Default: the SDK's `InMemoryTaskStore`. */
  taskStore?: TaskStore;
  /** Who runs the agent, published on the card. */
  provider?: { organization: string; url: string };
  /** Sees errors the server answered with an error (for logging). Must not throw. */
  onError?: (error: unknown) => void;
}

/** A running A2A server. */
export interface A2aServer {
  /** The agent's base URL: give it to {@link createA2aAgent} or any A2A client. */
  readonly url: string;
  /** Where the agent card is published. */
  readonly cardUrl: string;
  /** The published agent card. */
  readonly card: AgentCard;
  /** The underlying Node server. */
  readonly server: Server;
  /** Cancels running tasks, stops accepting connections and resolves once the server is closed. */
  close(): Promise<void>;
}

/**
 * Serves a Baton agent or a whole team over A2A (protocol 1.0, JSON-RPC binding, streaming) on a
 * plain Node HTTP server, with the SDK's `DefaultRequestHandler`, `InMemoryTaskStore` and a
 * {@link createA2aExecutor} executor: the card at `/.well-known/agent-card.json`, JSON-RPC at `/`.
 * A team is served as one agent: each A2A task is one turn of the team, with its own strategy,
 * ladder and limits. Any A2A client can call it; a Baton team calls it with {@link createA2aAgent}.
 *
 * The server has no authentication: bind it to loopback (the default) or put it behind something
 * that authenticates.
 *
 * @example
 * ```ts
 * const server = await serveA2a(billingTeam, { port: 4100, card: billingCard });
 * // elsewhere: const billing = await createA2aAgent({ url: 'http://127.0.0.1:4100/' });
 * await server.close();
 * ```
 */
export async function serveA2a(target: ServedTarget, options: ServeA2aOptions = {}): Promise<A2aServer> {
  const cardInput = options.card ?? ('card' in target ? target.card : target.roster.front.card);
  const capabilityCard = capabilityCardSchema.parse(cardInput);
  const host = options.host ?? '127.0.0.1';
  // The card names the URL, known once the port is bound: requests wait for the handler until then.
  let handle: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
  const server = createServer((request, response) => {
    if (handle) handle(request, response);
    else response.writeHead(503).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo | null;
  if (!address) throw new A2aError('invalid-argument', 'The A2A server did not bind an address.');
  const url =
    options.publicUrl ??
    `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/`;
  const card = toA2aAgentCard(capabilityCard, {
    url,
    ...(options.streaming !== undefined ? { streaming: options.streaming } : {}),
    ...(options.provider ? { provider: options.provider } : {}),
  });
  const executor = createA2aExecutor(target, {
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const requestHandler = new DefaultRequestHandler(
    card,
    options.taskStore ?? new InMemoryTaskStore(),
    executor,
  );
  handle = createA2aHttpHandler({ requestHandler, ...(options.onError ? { onError: options.onError } : {}) });
  return {
    url,
    cardUrl: agentCardUrl(url),
    card,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        executor.cancelAll();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
