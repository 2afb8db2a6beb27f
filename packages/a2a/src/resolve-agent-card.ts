import { A2A_PROTOCOL_VERSION, A2A_VERSION_HEADER, AGENT_CARD_PATH } from '@a2a-js/sdk';
import { z } from 'zod';
import { A2aError } from './a2a-error.js';

const interfaceSchema = z.looseObject({
  url: z.url(),
  protocolBinding: z.string().min(1),
  protocolVersion: z.string().optional(),
  tenant: z.string().optional(),
});

const skillSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().min(1),
  description: z.string().default(''),
  tags: z.array(z.string()).default([]),
  examples: z.array(z.string()).default([]),
});

/**
 * The fields of a published A2A agent card that Baton reads, validated at the boundary. Both
 * protocol generations are accepted: A2A 1.0 cards name their endpoints in `supportedInterfaces`,
 * A2A 0.3 cards in `url` (plus `additionalInterfaces`). Every other field passes through untouched
 * for the SDK.
 */
export const agentCardJsonSchema = z
  .looseObject({
    name: z.string().min(1),
    description: z.string().default(''),
    version: z.string().optional(),
    supportedInterfaces: z.array(interfaceSchema).optional(),
    url: z.url().optional(),
    capabilities: z.looseObject({ streaming: z.boolean().optional() }).optional(),
    skills: z.array(skillSchema).default([]),
  })
  .refine((card) => (card.supportedInterfaces?.length ?? 0) > 0 || card.url !== undefined, {
    message: 'the card names no endpoint: expected supportedInterfaces (A2A 1.0) or url (A2A 0.3)',
  });

/** An A2A agent card as published, validated by {@link agentCardJsonSchema}. */
export type AgentCardJson = z.output<typeof agentCardJsonSchema>;

/** A card read from an agent, with where it came from. */
export interface ResolvedAgentCard {
  /** The base URL the card was looked up under. */
  url: string;
  /** Where the card was read. */
  cardUrl: string;
  /** The card as published (unknown fields kept), validated. */
  json: AgentCardJson;
}

/**
 * The URL of an agent's card: a URL that names a `.json` file is taken as the card itself;
 * otherwise the card is looked up at `.well-known/agent-card.json` under it, resolved the way
 * `@a2a-js/sdk` resolves it (so `https://host/` and `https://host/a2a/` differ).
 */
export function agentCardUrl(url: string): string {
  const base = parseUrl(url);
  return base.pathname.endsWith('.json') ? base.href : new URL(AGENT_CARD_PATH, base).href;
}

/**
 * Reads and validates an agent's card with the given `fetch`.
 *
 * @throws A2aError `card-unavailable` when the card cannot be fetched (network, HTTP status) and
 *   `invalid-card` when it is not JSON or lacks a field Baton needs.
 * @example
 * ```ts
 * const { json } = await resolveAgentCard({ url: 'http://127.0.0.1:4100/' });
 * json.name; // 'Billing'
 * ```
 */
export async function resolveAgentCard(options: {
  url: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}): Promise<ResolvedAgentCard> {
  const cardUrl = agentCardUrl(options.url);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await fetchImpl(cardUrl, {
      headers: { [A2A_VERSION_HEADER]: A2A_PROTOCOL_VERSION, Accept: 'application/json' },
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    throw new A2aError(
      'card-unavailable',
      `Could not fetch the agent card at ${cardUrl}: ${messageOf(error)}`,
      {
        cause: error,
      },
    );
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new A2aError(
      'card-unavailable',
      `Could not fetch the agent card at ${cardUrl}: HTTP ${response.status} ${response.statusText}`.trim(),
    );
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw new A2aError('invalid-card', `The agent card at ${cardUrl} is not JSON: ${messageOf(error)}`, {
      cause: error,
    });
  }
  return { url: options.url, cardUrl, json: parseAgentCard(body, cardUrl) };
}

/**
 * Validates an agent card you already have (as published JSON).
 *
 * @param where - named in the error message, e.g. the URL the card came from
 * @throws A2aError `invalid-card` naming the first offending field.
 */
export function parseAgentCard(input: unknown, where = 'the agent card'): AgentCardJson {
  const result = agentCardJsonSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new A2aError(
    'invalid-card',
    `Invalid agent card (${where}): ${field}${issue?.message ?? 'invalid'}`,
    {
      cause: result.error,
    },
  );
}

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch (error) {
    throw new A2aError('invalid-argument', `Not a URL: ${JSON.stringify(url)}`, { cause: error });
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
