import { A2A_PROTOCOL_VERSION, type AgentCard, type AgentSkill } from '@a2a-js/sdk';
import type { CapabilityCard } from '@baton/core';

/** Options of {@link toA2aAgentCard}. */
export interface ToA2aAgentCardOptions {
  /** The JSON-RPC endpoint clients send messages to. */
  url: string;
  /** Whether the server streams task updates (server-sent events). Default `true`. */
  streaming?: boolean;
  /** Who runs the agent, shown to clients. */
  provider?: { organization: string; url: string };
}

/**
 * Publishes a Baton capability card as an A2A agent card (protocol 1.0, JSON-RPC binding): name,
 * description and version carry over; skills keep their id, name, description, examples and tags,
 * and every skill is tagged `domain:x` and `lang:y` for the card's domains and languages, the
 * convention {@link toCapabilityCard} and `fromA2AAgentCard` read back. A card without skills is
 * published with one skill made from the card itself, so its domains and languages still travel.
 *
 * Clearance, tools, guardrails, cost and latency stay behind: they are the delegator's judgement
 * of the agent, not the agent's claim about itself.
 *
 * @example
 * ```ts
 * const card = toA2aAgentCard(billing.card, { url: 'http://127.0.0.1:4100/' });
 * ```
 */
export function toA2aAgentCard(card: CapabilityCard, options: ToA2aAgentCardOptions): AgentCard {
  const routingTags = [
    ...card.domains.map((domain) => `domain:${domain}`),
    ...card.languages.map((language) => `lang:${language}`),
  ];
  const skills =
    card.skills.length > 0
      ? card.skills
      : [{ id: card.id, name: card.name, description: card.description, examples: [], tags: [] }];
  return {
    name: card.name,
    description: card.description,
    supportedInterfaces: [
      { url: options.url, protocolBinding: 'JSONRPC', protocolVersion: A2A_PROTOCOL_VERSION, tenant: '' },
    ],
    provider: options.provider,
    version: card.version ?? '0.0.0',
    capabilities: {
      streaming: options.streaming ?? true,
      pushNotifications: false,
      extensions: [],
      extendedAgentCard: false,
    },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text/plain', 'application/json'],
    defaultOutputModes: ['text/plain', 'application/json'],
    skills: skills.map(
      (skill): AgentSkill => ({
        id: skill.id,
        name: skill.name,
        description: skill.description,
        tags: [...skill.tags, ...routingTags],
        examples: skill.examples,
        inputModes: [],
        outputModes: [],
        securityRequirements: [],
      }),
    ),
    signatures: [],
  };
}
