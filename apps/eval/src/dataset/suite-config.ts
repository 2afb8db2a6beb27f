import { capabilityCardSchema } from '@baton/core';
import { z } from 'zod';
import { columnMappingSchema } from './column-mapping.js';

const agentId = z.string().min(1);
const relativePath = z.string().refine((path) => path.trim() !== '', { message: 'must not be empty' });

/** One agent of a suite built here: how it answers, what it can do, which knowledge it is grounded in. */
const localAgentConfigSchema = z.strictObject({
  /** `retrieval` answers extractively from its knowledge bases; `llm` answers with a model. */
  kind: z.enum(['retrieval', 'llm']),
  /** The capability card the routers select on (core's schema, defaults applied). */
  card: capabilityCardSchema,
  /** Ids of the knowledge bases (folders under the suite's `knowledge`) the agent answers from. */
  knowledge: z.array(z.string().min(1)).default([]),
  /** Extra instructions for an `llm` agent. */
  instructions: z.string().optional(),
});

/**
 * A deployed agent reached over A2A: `{ "a2a": "https://billing.example.com/" }`. Its capability
 * card is read from the agent when the agents are built; until then the suite knows it by `id`
 * (default: made from the URL, e.g. `127.0.0.1-4100`), which `front` and `allow` refer to.
 */
const remoteAgentConfigSchema = z
  .strictObject({
    kind: z.literal('a2a'),
    a2a: z.url({ protocol: /^https?$/ }),
    id: capabilityCardSchema.shape.id.optional(),
  })
  .transform(({ a2a, id }) => {
    const agentId = id ?? idFromUrl(a2a);
    return {
      kind: 'a2a' as const,
      a2a,
      card: capabilityCardSchema.parse({
        id: agentId,
        name: agentId,
        description: `The A2A agent at ${a2a}; its card is read when the agents are built.`,
      }),
      knowledge: [] as string[],
      instructions: undefined,
    };
  });

/** One agent of a suite: built here (`retrieval`, `llm`), or deployed elsewhere (`{ "a2a": url }`). */
export const agentConfigSchema = z.preprocess(
  (value) =>
    typeof value === 'object' && value !== null && 'a2a' in value && !('kind' in value)
      ? { kind: 'a2a', ...value }
      : value,
  z.discriminatedUnion('kind', [localAgentConfigSchema, remoteAgentConfigSchema]),
);

function idFromUrl(url: string): string {
  const { hostname, port, pathname } = new URL(url);
  return [hostname, port, ...pathname.split('/')]
    .filter((part) => part !== '')
    .join('-')
    .replace(/[^a-z0-9._-]+/gi, '-');
}

/** An agent of a suite, validated. */
export type AgentConfig = z.output<typeof agentConfigSchema>;

/**
 * A suite configuration file (`suite.json`): the recorded conversations, their split, the
 * knowledge bases and the agents (front agent and specialists) a strategy is evaluated with.
 * Paths are relative to the suite file.
 */
export const suiteConfigSchema = z.strictObject({
  /** Editors' JSON schema pointer; ignored. */
  $schema: z.string().optional(),
  name: z.string().min(1),
  description: z.string().min(1),
  /** A `.jsonl`/`.csv` file or a folder of them. */
  conversations: relativePath,
  /** Column mapping for CSV conversations in a user's own layout. */
  mapping: columnMappingSchema.optional(),
  /** The train/test split file (`split.json`). */
  split: relativePath.optional(),
  /** The folder holding one folder per knowledge base. */
  knowledge: relativePath.optional(),
  /** Id of the front agent: the one that talks to the customer and delegates. */
  front: agentId,
  agents: z.array(agentConfigSchema).min(1),
  /** Delegation allowlist: agent id → the agent ids it may delegate to. Default: front → every other agent. */
  allow: z.record(agentId, z.array(agentId)).optional(),
  /**
   * The languages the team may answer in, preferred first (BCP 47). The customer's language is
   * always preferred; when no agent speaks it, a reply in one of these passes verification (and the
   * record says so). Default: none, so replies must be in the customer's language.
   */
  replyLanguages: z.array(z.string().min(2)).optional(),
  /** The human team the failure ladder ends with. */
  escalation: z.strictObject({ name: z.string().min(1), description: z.string().min(1) }),
});

/** A suite file as written, before defaults. */
export type SuiteConfigInput = z.input<typeof suiteConfigSchema>;
/** A suite file, validated, with defaults applied (paths still as written). */
export type SuiteConfig = z.output<typeof suiteConfigSchema>;
