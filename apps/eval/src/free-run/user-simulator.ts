import type { ChatModel, ChatRequest, ConversationMessage, Usage } from '@baton/core';

/** What the simulated customer writes, alone or after a goodbye, when the conversation is over. */
export const userStopToken = '[DONE]';

/** What the simulator is told: the customer's own words, and nothing else of the recording. */
export interface UserSimulatorInput {
  /** The conversation so far (recorded and simulated customer messages, the strategy's answers), ending with an answer. */
  history: readonly ConversationMessage[];
  /** The customer's first recorded message: what they came for. */
  firstMessage: string;
  /** The customer's recorded messages not yet sent, in order: their script. */
  script: readonly string[];
}

/** The simulated customer's next move. */
export type UserSimulatorTurn =
  | { done: false; message: string; usage: Usage; costUsd: number }
  | {
      done: true;
      /** The goodbye before the stop token, if any. */
      closing?: string;
      usage: Usage;
      costUsd: number;
    };

/** Plays the customer once the recording no longer fits (see {@link createUserSimulator}). */
export interface UserSimulator {
  /** `provider:model` of the user model. */
  readonly model: string;
  next(input: UserSimulatorInput, options?: { signal?: AbortSignal }): Promise<UserSimulatorTurn>;
}

const instructions = `You play a customer in a support chat, so that a support assistant can be tested. You write only the customer's next message.

You came with a goal: what your first message asks for, and the points of your script, which are the messages you meant to send next, in order. Pursue that goal in your own words.
- Write in the language and tone of your first message: one short chat message, no quotation marks, no name.
- Answer the assistant's questions only with facts from your messages and your script. When you do not know something, say so; never invent order numbers, amounts, names or dates.
- If the assistant did not answer what you asked, ask again or say what is missing. When it did, go on with the next point of your script.
- You do not know the answers to your own questions; never supply them yourself.
- When your goal is reached, when the assistant hands you to a human, or when you have nothing left to ask, reply with ${userStopToken} (a short goodbye before it is fine).`;

/**
 * The request the simulator sends: its instructions, the customer's goal (the first recorded
 * message and the recorded messages still to come, as a script) and the conversation so far as a
 * transcript in one user message, so that every chat host accepts it (no assistant-first turns).
 * Only the customer's own recorded words are in it: no recorded reply, nugget or gold label.
 * Temperature 0, so a recording of it replays and reruns agree.
 */
export function userSimulatorRequest(input: UserSimulatorInput): ChatRequest {
  const script =
    input.script.length === 0
      ? '(nothing left: you have sent every message you planned)'
      : input.script.map((message, index) => `${index + 1}. ${message}`).join('\n');
  const transcript = input.history
    .map((message) => `${message.role === 'user' ? 'Customer' : 'Assistant'}: ${message.content}`)
    .join('\n\n');
  return {
    messages: [
      { role: 'system', content: instructions },
      {
        role: 'user',
        content: [
          `Your first message:\n${input.firstMessage}`,
          `Your script (what you still meant to say, in order):\n${script}`,
          `The conversation so far:\n${transcript}`,
          `Write the customer's next message, or ${userStopToken}.`,
        ].join('\n\n'),
      },
    ],
    temperature: 0,
    maxOutputTokens: 300,
  };
}

/**
 * Reads the model's reply: the stop token anywhere ends the conversation (what comes before it is
 * a goodbye, kept but not answered); an empty reply ends it too; anything else is the next message.
 */
export function parseUserTurn(
  content: string,
): { done: true; closing?: string } | { done: false; message: string } {
  const text = content.trim();
  const stop = text.indexOf(userStopToken);
  if (stop >= 0) {
    const closing = text.slice(0, stop).trim();
    return closing === '' ? { done: true } : { done: true, closing };
  }
  return text === '' ? { done: true } : { done: false, message: text };
}

/**
 * An LLM user simulator: after the first divergence it plays the customer, pursuing the recorded
 * goal in its own words, until it sends {@link userStopToken} (or the run's turn limit ends the
 * conversation). Its calls go through the model's transport, so `--record`/`--replay` cassettes
 * hold them like every other model call.
 *
 * @example
 * ```ts
 * const simulator = createUserSimulator({ model: createModel('openai:gpt-4.1-mini', { fetch: cassette }) });
 * const turn = await simulator.next({ history, firstMessage: 'can I pay by PayPal?', script: ['and the invoice?'] });
 * ```
 */
export function createUserSimulator(options: { model: ChatModel }): UserSimulator {
  const { model } = options;
  return {
    model: `${model.provider}:${model.modelId}`,
    async next(input, callOptions) {
      const response = await model.generate(
        userSimulatorRequest(input),
        callOptions?.signal ? { signal: callOptions.signal } : {},
      );
      const parsed = parseUserTurn(response.message.content ?? '');
      return { ...parsed, usage: response.usage, costUsd: response.costUsd ?? 0 };
    },
  };
}
