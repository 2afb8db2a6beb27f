import type { ConversationMessage } from '@baton/core';
import { type Conversation, goldDomains, referenceReply } from './dataset/conversation.js';

/** One recorded user turn, ready to replay: its input, the recorded history before it, its reference. */
export interface ReplayTurn {
  itemId: string;
  conversationId: string;
  turnIndex: number;
  input: string;
  /** The recorded conversation before this turn (teacher forcing: the human's replies, not the bot's). */
  history: ConversationMessage[];
  /** The human's final reply to this turn. */
  reference: string;
  recordedDraft?: string;
  gold: { domains: string[]; intent?: string; language?: string };
  metadata: Record<string, unknown>;
}

/**
 * The turns of a conversation to replay: every user turn that has a recorded reply. Each carries
 * the recorded history before it, so every strategy answers the same inputs (teacher forcing).
 */
export function replayTurns(conversation: Conversation): ReplayTurn[] {
  const turns: ReplayTurn[] = [];
  const history: ConversationMessage[] = [];
  conversation.turns.forEach((turn, turnIndex) => {
    if (turn.role === 'user') {
      const reply = referenceReply(conversation, turnIndex);
      if (reply) {
        turns.push({
          itemId: `${conversation.id}#${turnIndex}`,
          conversationId: conversation.id,
          turnIndex,
          input: turn.text,
          history: [...history],
          reference: reply.text,
          ...(reply.draft !== undefined ? { recordedDraft: reply.draft } : {}),
          gold: {
            domains: [...goldDomains(turn)],
            ...(turn.intent !== undefined ? { intent: turn.intent } : {}),
            ...(turn.language !== undefined ? { language: turn.language } : {}),
          },
          metadata: conversation.metadata ?? {},
        });
      }
    }
    history.push({ role: turn.role === 'user' ? 'user' : 'assistant', content: turn.text });
  });
  return turns;
}
