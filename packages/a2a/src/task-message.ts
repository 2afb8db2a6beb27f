import { randomUUID } from 'node:crypto';
import { type Message, type Part, Role } from '@a2a-js/sdk';
import type { AgentInput, PreviousAttempt, TaskSpec, TransferredContext } from '@baton/core';
import { z } from 'zod';

const messageSchema = z.object({ role: z.enum(['user', 'assistant']), content: z.string() });

/**
 * The structured half of a task message: what a Baton server needs to rebuild the task spec and
 * the transferred context exactly. It travels as a data part `{ "baton": … }` beside a text part
 * that any A2A agent can read.
 */
export const batonTaskPayloadSchema = z.object({
  version: z.literal(1),
  task: z.object({
    goal: z.string().min(1),
    instructions: z.string().optional(),
    constraints: z.array(z.string()).default([]),
    acceptanceCriteria: z.array(z.string()).default([]),
    language: z.string().optional(),
    domain: z.string().optional(),
    /** JSON Schema of the expected structured result, when the task has one. */
    outputSchema: z.record(z.string(), z.unknown()).optional(),
  }),
  context: z.object({
    messages: z.array(messageSchema).default([]),
    summary: z.string().optional(),
    fields: z.record(z.string(), z.unknown()).optional(),
    policy: z.string().default('a2a'),
    redactions: z.number().int().nonnegative().default(0),
  }),
  previousAttempts: z
    .array(
      z.object({
        agentId: z.string(),
        output: z.string().optional(),
        sources: z.array(z.string()).default([]),
        verdicts: z
          .array(
            z.object({
              verifier: z.string(),
              passed: z.boolean(),
              score: z.number().optional(),
              reason: z.string(),
            }),
          )
          .default([]),
        error: z.string().optional(),
      }),
    )
    .default([]),
  handoff: z.boolean().optional(),
});

/** The structured task a Baton client sends, validated. */
export type BatonTaskPayload = z.output<typeof batonTaskPayloadSchema>;

const dataPartValueSchema = z.looseObject({ baton: z.unknown() });

/**
 * Turns an agent's input into one A2A message: a text part with the task spelled out for any agent
 * (goal, instructions, constraints, acceptance criteria, language, expected output, the context
 * and earlier failed attempts) and a data part with the same, structured, for Baton servers.
 *
 * @example
 * ```ts
 * const message = toTaskMessage(input, { contextId: crypto.randomUUID() });
 * ```
 */
export function toTaskMessage(input: AgentInput, options: { contextId: string }): Message {
  const payload = toPayload(input);
  return {
    messageId: randomUUID(),
    contextId: options.contextId,
    taskId: '',
    role: Role.ROLE_USER,
    parts: [textPart(renderPrompt(payload)), dataPart({ baton: payload })],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}

/** What a server reads from a task message. */
export interface ReadTaskMessage {
  input: AgentInput;
  /** False when the message came from a client other than Baton (text only). */
  structured: boolean;
}

/**
 * Rebuilds an agent's input from an A2A message: from the Baton data part when there is one
 * (validated), else from the text parts, which become the goal.
 *
 * @throws Error when the Baton data part is malformed, or the message has no text at all.
 */
export function readTaskMessage(message: Message): ReadTaskMessage {
  for (const part of message.parts) {
    if (part.content?.$case !== 'data') continue;
    const value = dataPartValueSchema.safeParse(part.content.value);
    if (!value.success) continue;
    const payload = batonTaskPayloadSchema.parse(value.data.baton);
    return { input: fromPayload(payload), structured: true };
  }
  const goal = textOf(message.parts, '\n');
  if (goal === '') throw new Error('The message has no text and no Baton task to work on.');
  return {
    input: {
      task: { goal, constraints: [], acceptanceCriteria: [] },
      context: { messages: [], info: { policy: 'a2a', messages: 0, characters: 0, redactions: 0 } },
      previousAttempts: [],
    },
    structured: false,
  };
}

/**
 * The text of a list of parts. Parts join without a separator by default, because a streamed
 * artifact arrives as chunks of one text.
 */
export function textOf(parts: readonly Part[], separator = ''): string {
  return parts
    .flatMap((part) => (part.content?.$case === 'text' ? [part.content.value] : []))
    .join(separator)
    .trim();
}

/** A text part. */
export function textPart(text: string): Part {
  return {
    content: { $case: 'text', value: text },
    metadata: undefined,
    filename: '',
    mediaType: 'text/plain',
  };
}

/** A JSON data part. */
export function dataPart(value: unknown): Part {
  return {
    content: { $case: 'data', value },
    metadata: undefined,
    filename: '',
    mediaType: 'application/json',
  };
}

function toPayload(input: AgentInput): BatonTaskPayload {
  const { task, context } = input;
  const outputSchema = task.output ? jsonSchemaOf(task.output) : undefined;
  return {
    version: 1,
    task: {
      goal: task.goal,
      ...(task.instructions !== undefined ? { instructions: task.instructions } : {}),
      constraints: task.constraints,
      acceptanceCriteria: task.acceptanceCriteria,
      ...(task.language !== undefined ? { language: task.language } : {}),
      ...(task.domain !== undefined ? { domain: task.domain } : {}),
      ...(outputSchema ? { outputSchema } : {}),
    },
    context: {
      messages: context.messages,
      ...(context.summary !== undefined ? { summary: context.summary } : {}),
      ...(context.fields !== undefined ? { fields: context.fields } : {}),
      policy: context.info.policy,
      redactions: context.info.redactions,
    },
    previousAttempts: input.previousAttempts.map((attempt) => ({ ...attempt })),
    ...(input.handoff ? { handoff: true } : {}),
  };
}

function fromPayload(payload: BatonTaskPayload): AgentInput {
  const { task, context } = payload;
  const output = task.outputSchema ? zodOf(task.outputSchema) : undefined;
  const spec: TaskSpec = {
    goal: task.goal,
    ...(task.instructions !== undefined ? { instructions: task.instructions } : {}),
    constraints: task.constraints,
    acceptanceCriteria: task.acceptanceCriteria,
    ...(task.language !== undefined ? { language: task.language } : {}),
    ...(task.domain !== undefined ? { domain: task.domain } : {}),
    ...(output ? { output } : {}),
  };
  let characters = context.summary?.length ?? 0;
  for (const message of context.messages) characters += message.content.length;
  if (context.fields) characters += JSON.stringify(context.fields).length;
  const transferred: TransferredContext = {
    messages: context.messages,
    ...(context.summary !== undefined ? { summary: context.summary } : {}),
    ...(context.fields !== undefined ? { fields: context.fields } : {}),
    info: {
      policy: context.policy,
      messages: context.messages.length,
      characters,
      redactions: context.redactions,
    },
  };
  const previousAttempts: PreviousAttempt[] = payload.previousAttempts;
  return {
    task: spec,
    context: transferred,
    previousAttempts,
    ...(payload.handoff ? { handoff: true } : {}),
  };
}

// A schema zod cannot express as JSON Schema (a transform, a custom check) stays behind: the
// remote then answers in free form and the delegator's schema verifier judges the result.
function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> | undefined {
  try {
    return z.toJSONSchema(schema, { io: 'output', unrepresentable: 'throw' }) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function zodOf(schema: Record<string, unknown>): z.ZodType | undefined {
  try {
    return z.fromJSONSchema(schema);
  } catch {
    return undefined;
  }
}

function renderPrompt(payload: BatonTaskPayload): string {
  const { task, context } = payload;
  const lines: string[] = [task.goal];
  if (task.instructions) lines.push('', `Instructions: ${task.instructions}`);
  if (task.constraints.length > 0)
    lines.push('', 'Constraints:', ...task.constraints.map((item) => `- ${item}`));
  if (task.acceptanceCriteria.length > 0)
    lines.push('', 'Acceptance criteria:', ...task.acceptanceCriteria.map((item) => `- ${item}`));
  if (task.language) lines.push('', `Answer in this language: ${task.language}`);
  if (task.outputSchema)
    lines.push('', `Answer with JSON matching this JSON Schema: ${JSON.stringify(task.outputSchema)}`);
  if (context.summary) lines.push('', `Summary of the conversation: ${context.summary}`);
  if (context.messages.length > 0)
    lines.push(
      '',
      'Conversation so far:',
      ...context.messages.map((message) => `${message.role}: ${message.content}`),
    );
  if (context.fields) lines.push('', `Known facts: ${JSON.stringify(context.fields)}`);
  if (payload.previousAttempts.length > 0) {
    lines.push('', 'Earlier attempts that were not accepted:');
    for (const attempt of payload.previousAttempts) {
      const why =
        attempt.error ??
        attempt.verdicts
          .filter((verdict) => !verdict.passed)
          .map((v) => v.reason)
          .join('; ');
      lines.push(
        `- ${attempt.agentId}${attempt.output ? `: ${JSON.stringify(attempt.output)}` : ''}${why ? ` (${why})` : ''}`,
      );
    }
  }
  return lines.join('\n');
}
