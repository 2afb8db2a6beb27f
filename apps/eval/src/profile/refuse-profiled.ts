import type { Conversation } from '../dataset/conversation.js';
import { EvalError } from '../eval-error.js';

/**
 * Passes conversations through, stopping the run (exit 2) at the first one the delegate profile
 * was measured on: a measured router must never be scored on the conversations it learned from,
 * just as a trained router must not.
 *
 * @param conversations - The conversations to evaluate.
 * @param profile - The profile's conversation ids and where the profile came from (for the message).
 * @throws EvalError `usage` naming the conversation and the profile.
 */
export async function* refuseProfiledConversations(
  conversations: AsyncIterable<Conversation>,
  profile: { conversations: ReadonlySet<string>; from: string },
): AsyncGenerator<Conversation> {
  for await (const conversation of conversations) {
    if (profile.conversations.has(conversation.id)) {
      throw new EvalError(
        'usage',
        `conversation ${conversation.id} is evaluated but the delegate profile (${profile.from}) was measured on it; a measured router must not be scored on what it learned from (build the profile from the other side of the split).`,
      );
    }
    yield conversation;
  }
}
