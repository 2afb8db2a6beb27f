import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AgentCard } from '@a2a-js/sdk';
import { type AgentExecutor, DefaultRequestHandler, InMemoryTaskStore } from '@a2a-js/sdk/server';
import { type CapabilityCardInput, capabilityCardSchema } from '@baton/core';
import { createA2aHttpHandler } from '../create-a2a-http-handler.js';
import { toA2aAgentCard } from '../to-a2a-agent-card.js';

/** Options of {@link startA2aTestServer}. */
export interface A2aTestServerOptions {
  /** The remote agent's logic, e.g. a {@link scriptedExecutor}. */
  executor: AgentExecutor;
  /** The card to publish; default a card named "Remote" with id `remote`. */
  card?: CapabilityCardInput;
  /** Whether the card offers streaming. Default `true`. */
  streaming?: boolean;
  /** Rewrites the published card (e.g. to drop a field and test validation). */
  editCard?: (card: AgentCard) => unknown;
}

/** A loopback A2A server for tests. */
export interface A2aTestServer {
  /** The agent's base URL. */
  readonly url: string;
  /** Every HTTP request received, as `METHOD path`, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * Starts a real A2A server on loopback around any executor, built from `@a2a-js/sdk`'s own server
 * classes (`DefaultRequestHandler`, `InMemoryTaskStore`, `JsonRpcTransportHandler`): the way to
 * test a Baton team against remote agents that answer, fail, hang or ask for input.
 *
 * @example
 * ```ts
 * const server = await startA2aTestServer({ executor: scriptedExecutor({ answer: 'Done.' }) });
 * const agent = await createA2aAgent({ url: server.url });
 * ```
 */
export async function startA2aTestServer(options: A2aTestServerOptions): Promise<A2aTestServer> {
  const requests: string[] = [];
  let handle: ReturnType<typeof createA2aHttpHandler> | undefined;
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    if (handle) handle(request, response);
    else response.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/`;
  const card = toA2aAgentCard(
    capabilityCardSchema.parse(
      options.card ?? { id: 'remote', name: 'Remote', description: 'A remote agent.' },
    ),
    { url, streaming: options.streaming ?? true },
  );
  const published = options.editCard ? (options.editCard(structuredClone(card)) as AgentCard) : card;
  const requestHandler = new DefaultRequestHandler(published, new InMemoryTaskStore(), options.executor);
  handle = createA2aHttpHandler({ requestHandler });
  return {
    url,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
