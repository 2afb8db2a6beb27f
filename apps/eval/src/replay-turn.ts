import type { ConversationMessage } from '@baton/core';
import { type Conversation, goldDomains, referenceReply } from './dataset/conversation.js';
import { extractNuggets } from './metrics/extract-nuggets.js';

/** Where a turn's nuggets come from: the dataset's annotation, extraction from the reference, or nowhere. */
export type NuggetSource = 'annotated' | 'extracted' | 'none';

/**
 * One recorded user turn, ready to replay: its input, the recorded history before it, and what it
 * is scored against. Only `input`, `history` and `metadata` reach a strategy; the reference, the
 * nuggets, the draft and the gold labels reach scorers only.
 */
export interface ReplayTurn {
  itemId: string;
  conversationId: string;
  turnIndex: number;
  input: string;
  /** The recorded conversation before this turn (teacher forcing: the human's replies, not the bot's). */
  history: ConversationMessage[];
  /** The human's final reply to this turn; `null` for a routing-only turn (labelled, never answered). */
  reference: string | null;
  /** The facts an acceptable answer must convey; empty when there is no reference or nothing to check. */
  nuggets: string[];
  nuggetSource: NuggetSource;
  recordedDraft?: string;
  gold: { domains: string[]; intent?: string; language?: string };
  metadata: Record<string, unknown>;
}

/**
 * Whether the gold label says the turn needs a human (its domains include `human`); `null` when the
 * turn is unlabelled.
 */
export function humanNeeded(turn: Pick<ReplayTurn, 'gold'>): boolean | null {
  return turn.gold.domains.length === 0 ? null : turn.gold.domains.includes('human');
}

/**
 * The turns of a conversation to replay: every user turn that has a recorded reply, and every
 * labelled user turn without one (a routing-only turn: routing and escalation are scored, quality
 * and cleanup are not applicable). Each carries the recorded history before it, so every strategy
 * answers the same inputs (teacher forcing).
 */
export function replayTurns(conversation: Conversation): ReplayTurn[] {
  const turns: ReplayTurn[] = [];
  const history: ConversationMessage[] = [];
  conversation.turns.forEach((turn, turnIndex) => {
    if (turn.role === 'user') {
      const reply = referenceReply(conversation, turnIndex);
      const domains = [...goldDomains(turn)];
      if (reply || domains.length > 0) {
        const extracted =
          reply && !reply.nuggets ? extractNuggets(reply.text).map((nugget) => nugget.text) : [];
        const nuggets = reply?.nuggets ? [...reply.nuggets] : extracted;
        turns.push({
          itemId: `${conversation.id}#${turnIndex}`,
          conversationId: conversation.id,
          turnIndex,
          input: turn.text,
          history: [...history],
          reference: reply ? reply.text : null,
          nuggets,
          nuggetSource: reply?.nuggets ? 'annotated' : nuggets.length > 0 ? 'extracted' : 'none',
          ...(reply?.draft !== undefined ? { recordedDraft: reply.draft } : {}),
          gold: {
            domains,
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
