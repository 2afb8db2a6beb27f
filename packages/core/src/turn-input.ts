/** A message of the conversation so far, as the delegator saw it. */
export interface ConversationMessage {
  role: 'user' | 'assistant';
  content: string;
}

/**
 * One user turn to answer: the message and the conversation before it. In the harness the history
 * is the *recorded* one (teacher forcing), so every strategy answers identical inputs.
 */
export interface TurnInput {
  message: string;
  history: ConversationMessage[];
  conversationId?: string;
  turnIndex?: number;
  /** The user's language when known (BCP 47); detected from the message otherwise. */
  language?: string;
  /** Structured facts about the conversation (order id, plan…), for the named-fields context policy. */
  fields?: Record<string, unknown>;
  sessionId?: string;
  userId?: string;
}
