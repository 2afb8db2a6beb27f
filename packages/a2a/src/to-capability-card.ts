import {
  type CapabilityCard,
  type CapabilityCardInput,
  capabilityCardSchema,
  fromA2AAgentCard,
} from '@baton/core';
import type { AgentCardJson } from './resolve-agent-card.js';

/**
 * Capability-card fields that the delegator sets for a remote agent, over what its A2A card says.
 * A2A cards carry no domains, languages, clearance, tools, cost or latency: these come from here
 * (or domains and languages from `domain:` and `lang:` skill tags).
 */
export type CapabilityCardOverrides = Partial<CapabilityCardInput>;

/**
 * Maps a published A2A agent card onto a Baton capability card: name, description, version and
 * skills carry over (`@baton/core`'s {@link fromA2AAgentCard}); `domain:x` and `lang:y` skill tags
 * become domains and languages; `overrides` win over everything.
 *
 * A remote agent is never cleared for personal data by its own card: clearance is the delegator's
 * decision (`overrides.clearance`), so by default the context it receives is redacted.
 *
 * @example
 * ```ts
 * const card = toCapabilityCard(json, { id: 'billing', domains: ['billing'], cost: { tier: 'low' } });
 * ```
 */
export function toCapabilityCard(
  json: AgentCardJson,
  overrides: CapabilityCardOverrides = {},
): CapabilityCard {
  const mapped = fromA2AAgentCard(json, {
    ...(overrides.id !== undefined ? { id: overrides.id } : {}),
    ...(overrides.domains !== undefined ? { domains: overrides.domains } : {}),
    ...(overrides.languages !== undefined ? { languages: overrides.languages } : {}),
  });
  return capabilityCardSchema.parse({ ...mapped, ...overrides });
}
