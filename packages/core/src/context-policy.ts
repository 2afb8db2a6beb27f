import type { ChatModel } from './chat-model.js';
import type { RunScope } from './run-scope.js';
import { splitSentences } from './text-terms.js';
import type { ConversationMessage, TurnInput } from './turn-input.js';

/** What a context policy chose to send to a delegate (before redaction). */
export interface ContextSelection {
  messages: ConversationMessage[];
  summary?: string;
  fields?: Record<string, unknown>;
}

/**
 * Step 4 of delegation, context transfer: decides which part of the conversation a delegate sees.
 * Redaction of personal data is applied afterwards by the engine, per delegate.
 */
export interface ContextPolicy {
  readonly name: string;
  select(turn: TurnInput, scope: RunScope): Promise<ContextSelection> | ContextSelection;
}

/** The whole conversation so far. */
export function fullContext(): ContextPolicy {
  return { name: 'full', select: (turn) => ({ messages: turn.history }) };
}

/**
 * The last `count` messages: cheap, and enough for most follow-ups ("and the other one?").
 *
 * @example
 * ```ts
 * const transfer = lastMessages(4);
 * ```
 */
export function lastMessages(count: number): ContextPolicy {
  if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a non-negative integer');
  return {
    name: `last-${count}`,
    select: (turn) => ({ messages: count === 0 ? [] : turn.history.slice(-count) }),
  };
}

/**
 * Only the named structured fields of the turn, no transcript: for delegates that need facts, not
 * the conversation (and should not see it).
 */
export function namedFields(names: readonly string[]): ContextPolicy {
  return {
    name: `fields:${names.join(',')}`,
    select: (turn) => {
      const fields: Record<string, unknown> = {};
      for (const name of names) if (turn.fields && name in turn.fields) fields[name] = turn.fields[name];
      return { messages: [], fields };
    },
  };
}

/**
 * A summary of the conversation instead of the transcript, plus the last `keep` messages. With a
 * model the summary is abstractive; without one it is extractive (the first sentence of each earlier
 * user message), so the policy works offline.
 */
export function summaryContext(
  options: { model?: ChatModel; keep?: number; maxOutputTokens?: number } = {},
): ContextPolicy {
  const keep = options.keep ?? 2;
  return {
    name: options.model ? 'summary:model' : 'summary:extractive',
    async select(turn, scope) {
      const earlier = turn.history.slice(0, Math.max(0, turn.history.length - keep));
      const messages = turn.history.slice(earlier.length);
      if (earlier.length === 0) return { messages };
      if (!options.model) {
        const points = earlier
          .filter((message) => message.role === 'user')
          .map((message) => splitSentences(message.content)[0] ?? message.content);
        return { messages, summary: `Earlier the customer said: ${points.join(' / ')}` };
      }
      const response = await scope.callModel(
        options.model,
        {
          messages: [
            {
              role: 'system',
              content: 'Summarise this support conversation in at most three sentences for a colleague.',
            },
            {
              role: 'user',
              content: earlier.map((message) => `${message.role}: ${message.content}`).join('\n'),
            },
          ],
          maxOutputTokens: options.maxOutputTokens ?? 200,
        },
        { agentId: 'context-summary' },
      );
      return { messages, summary: response.message.content ?? '' };
    },
  };
}
