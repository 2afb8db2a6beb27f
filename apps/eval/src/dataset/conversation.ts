import { z } from 'zod';

const nonBlankText = z.string().refine((text) => text.trim() !== '', { message: 'must not be empty' });

const label = z.string().refine((text) => text.trim() !== '', { message: 'must not be empty' });

const languageTag = z
  .string()
  .regex(/^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i, { message: 'expected a language tag such as "en" or "pt-BR"' });

/**
 * A recorded customer message. `domain` and `intent` are gold labels: which specialist should serve
 * the turn (several for a multi-part request) and what the customer wants.
 */
export const userTurnSchema = z.looseObject({
  role: z.literal('user'),
  text: nonBlankText,
  /** One domain, or several for a request that needs several specialists; normalised to a list. */
  domain: z
    .union([label, z.array(label).min(1)])
    .transform((domain): [string, ...string[]] =>
      typeof domain === 'string' ? [domain] : [domain[0]!, ...domain.slice(1)],
    )
    .optional(),
  intent: label.optional(),
  /** BCP 47 tag of the message's language, e.g. `en`, `es`. */
  language: languageTag.optional(),
});

/**
 * The recorded human agent's reply: the reference answer. When a bot drafted it first and the human
 * edited it, `draft` holds the bot's draft and `text` the human's final version. `nuggets` are the
 * facts an acceptable answer must convey (annotated; extracted from `text` when absent).
 */
export const agentTurnSchema = z.looseObject({
  role: z.literal('agent'),
  text: nonBlankText,
  nuggets: z.array(nonBlankText).min(1).max(12).optional(),
  draft: nonBlankText.optional(),
  language: languageTag.optional(),
});

/** A user or agent turn, told apart by `role`. */
export const turnSchema = z.discriminatedUnion('role', [userTurnSchema, agentTurnSchema]);

/**
 * One recorded support conversation. Unknown fields are kept on the conversation and on each turn.
 * Turns need not alternate: real logs hold two customer messages in a row and agent greetings
 * before the first question (see {@link referenceReply} for what that means for scoring), but
 * every conversation has at least one user turn.
 */
export const conversationSchema = z
  .looseObject({
    id: label,
    turns: z.array(turnSchema).min(1),
    /** Conversation-level labels (free-form), e.g. `{ "resolved": true }`. */
    labels: z.record(z.string(), z.unknown()).optional(),
    /** Free-form facts about the conversation, e.g. `{ "channel": "chat", "country": "NL" }`. */
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((conversation) => conversation.turns.some((turn) => turn.role === 'user'), {
    path: ['turns'],
    message: 'needs at least one user turn',
  });

/** A validated recorded conversation. */
export type Conversation = z.output<typeof conversationSchema>;
/** A conversation as written in a file, before validation. */
export type ConversationInput = z.input<typeof conversationSchema>;
/** A validated turn of either role. */
export type Turn = z.output<typeof turnSchema>;
/** A validated customer turn; `domain` is a non-empty list when labelled. */
export type UserTurn = z.output<typeof userTurnSchema>;
/** A validated human-agent turn. */
export type AgentTurn = z.output<typeof agentTurnSchema>;

/**
 * The gold domains of a user turn: one for most turns, several for a multi-part request, none when
 * the turn is unlabelled.
 *
 * @example
 * ```ts
 * goldDomains(turn).includes(chosenAgent.domain)
 * ```
 */
export function goldDomains(turn: UserTurn): readonly string[] {
  return turn.domain ?? [];
}

/**
 * The recorded reply a bot answer to the user turn at `turnIndex` is scored against: the agent turn
 * directly after it. A user turn followed by another user turn (the customer kept typing before the
 * agent answered) has no reply of its own; the agent's answer counts for the last turn of the run.
 */
export function referenceReply(conversation: Conversation, turnIndex: number): AgentTurn | undefined {
  const next = conversation.turns[turnIndex + 1];
  return conversation.turns[turnIndex]?.role === 'user' && next?.role === 'agent' ? next : undefined;
}
