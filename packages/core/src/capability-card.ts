import { z } from 'zod';

/** One thing an agent can do, described for selection: by people, by lexical match and by models. */
export const skillSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  description: z.string().min(1),
  /** Example requests this skill serves; the lexical and embedding selectors index them. */
  examples: z.array(z.string().min(1)).default([]),
  tags: z.array(z.string().min(1)).default([]),
});

/** A skill of a {@link CapabilityCard}. */
export type Skill = z.infer<typeof skillSchema>;

/**
 * What an agent can do, in which domains and languages, with which tools, at what cost: the input of
 * capability assessment and delegate selection. Shaped so that an A2A agent card maps onto it
 * ({@link fromA2AAgentCard}).
 */
export const capabilityCardSchema = z.object({
  /** Stable id, unique on a roster. */
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, 'use letters, digits, ".", "_" or "-"'),
  name: z.string().min(1),
  description: z.string().min(1),
  skills: z.array(skillSchema).default([]),
  /** Domains served, e.g. `billing`, `technical`; the harness scores routing against these. */
  domains: z.array(z.string().min(1)).default([]),
  /** BCP 47 language tags the agent answers in natively, e.g. `en`, `es`. */
  languages: z.array(z.string().min(2)).default(['en']),
  /** Tool names granted to this agent. A delegate can never use more than its grant. */
  tools: z.array(z.string().min(1)).default([]),
  /** Whether the agent may see personal data; others receive redacted context. */
  clearance: z.object({ pii: z.boolean().default(false) }).default({ pii: false }),
  /** Names of guardrails the agent runs, e.g. `regulated-advice`. */
  guardrails: z.array(z.string().min(1)).default([]),
  cost: z
    .object({
      /** Rough relative cost: breaks ties between equally scored delegates (cheaper first). */
      tier: z.enum(['low', 'medium', 'high']).optional(),
      /**
       * Typical cost of one call: breaks ties after the tier, and the default specify step gives a
       * task a cost budget of a few calls.
       */
      usdPerCall: z.number().nonnegative().optional(),
    })
    .optional(),
  latency: z
    .object({
      /**
       * Median latency: breaks ties after cost (faster first), and the default specify step gives a
       * task a wall-time budget of a few times this.
       */
      p50Ms: z.number().nonnegative().optional(),
    })
    .optional(),
  version: z.string().optional(),
});

/** A validated capability card. */
export type CapabilityCard = z.infer<typeof capabilityCardSchema>;
/** What users write before defaults are applied. */
export type CapabilityCardInput = z.input<typeof capabilityCardSchema>;

/** The subset of an A2A (Agent2Agent protocol) agent card that maps onto a capability card. */
export const a2aAgentCardSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string().default(''),
  version: z.string().optional(),
  url: z.string().optional(),
  defaultInputModes: z.array(z.string()).optional(),
  skills: z
    .array(
      z.looseObject({
        id: z.string().min(1),
        name: z.string().min(1),
        description: z.string().default(''),
        tags: z.array(z.string()).default([]),
        examples: z.array(z.string()).default([]),
      }),
    )
    .default([]),
});

/** An A2A agent card as published at `/.well-known/agent-card.json`. */
export type A2AAgentCard = z.input<typeof a2aAgentCardSchema>;

/**
 * Parses and validates a capability card, applying defaults.
 *
 * @throws ZodError naming the offending field when the card is invalid.
 */
export function defineCapabilityCard(input: CapabilityCardInput): CapabilityCard {
  return capabilityCardSchema.parse(input);
}

/**
 * Turns an A2A agent card into a capability card. A2A has no domains or languages: pass them, or
 * they are taken from skill tags (`domain:billing`, `lang:es`).
 *
 * @example
 * ```ts
 * const card = fromA2AAgentCard(await (await fetch(url)).json(), { id: 'billing' });
 * ```
 */
export function fromA2AAgentCard(
  input: unknown,
  options: { id?: string; domains?: string[]; languages?: string[] } = {},
): CapabilityCard {
  const a2a = a2aAgentCardSchema.parse(input);
  const tags = a2a.skills.flatMap((skill) => skill.tags);
  const tagged = (prefix: string) =>
    tags.filter((tag) => tag.startsWith(prefix)).map((tag) => tag.slice(prefix.length));
  const domains = options.domains ?? unique(tagged('domain:'));
  const languages = options.languages ?? unique(tagged('lang:'));
  return capabilityCardSchema.parse({
    id: options.id ?? slug(a2a.name),
    name: a2a.name,
    description: a2a.description || a2a.name,
    version: a2a.version,
    skills: a2a.skills.map((skill) => ({
      id: skill.id,
      name: skill.name,
      description: skill.description || skill.name,
      examples: skill.examples,
      tags: skill.tags.filter((tag) => !tag.startsWith('domain:') && !tag.startsWith('lang:')),
    })),
    domains,
    languages: languages.length > 0 ? languages : ['en'],
  });
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function slug(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'agent'
  );
}
