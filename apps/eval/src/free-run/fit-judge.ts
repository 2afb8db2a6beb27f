import { addUsage, type ChatModel, emptyUsage, type Usage } from '@baton/core';
import { z } from 'zod';

/** What the judge is shown about one answer of a free run. */
export interface FitJudgeInput {
  /** The customer's message the strategy answered (recorded or simulated). */
  customerMessage: string;
  /** The strategy's answer. */
  answer: string;
  /** The recorded human reply to this message; absent for a simulated message. */
  recordedReply?: string;
  /** The customer's next recorded message; absent after the recording or in the simulated part. */
  nextMessage?: string;
  /** The customer's open goals: each recorded reply still to be conveyed, with its nuggets. */
  goals: readonly { id: number; customerMessage: string; reply: string; nuggets: readonly string[] }[];
}

/** The judge's structured verdict, as recorded on the item. */
export interface FitJudgement {
  /** Whether the next recorded message still fits; `true` when there is none to fit. */
  fits: boolean;
  /** Ids of the goals the answer conveys. */
  conveyed: number[];
  reason: string;
  usage: Usage;
}

/** Decides fit and goals with a model (`--judge` in a free run). */
export interface FitJudge {
  readonly model: string;
  /**
   * The verdict, or the reason there is none (unparseable twice, or the call failed): the rule
   * decides then. Either way with the usage of every call made.
   */
  judge(
    input: FitJudgeInput,
    options?: { signal?: AbortSignal },
  ): Promise<FitJudgement | { error: string; usage: Usage }>;
}

const instructions = `You check a support conversation that is replayed with a different assistant. A customer's recorded conversation with a human agent is being replayed: the customer's next recorded message will be used only if it still makes sense after the assistant's answer.
Decide:
- "fits": true when the customer's next recorded message is still a natural continuation after the assistant's answer: the answer gave the customer what the recorded reply gave them, as far as the next message relies on it, and asked nothing that the next message leaves unanswered. When there is no next message, answer true.
- "conveyed": the ids of the customer's goals whose facts the answer conveys (any wording, any language the customer reads). A goal is a reply the customer still needs, listed with the facts (nuggets) it must convey.
- "reason": one sentence.`;

const verdictSchema = z.object({
  fits: z.boolean(),
  conveyed: z.array(z.number().int()),
  reason: z.string(),
});

/**
 * The LLM judge of a free run: one call per answer returns a structured JSON verdict — whether
 * the next recorded customer message still fits, which open goals the answer conveys, and why.
 * A reply that cannot be parsed is asked again once; after that the offline rule decides and the
 * item says so.
 */
export function createFitJudge(options: { model: ChatModel }): FitJudge {
  const { model } = options;
  return {
    model: `${model.provider}:${model.modelId}`,
    async judge(input, callOptions) {
      let lastError = '';
      let usage = emptyUsage;
      for (let attempt = 0; attempt < 2; attempt += 1) {
        let response: Awaited<ReturnType<ChatModel['generate']>>;
        try {
          response = await model.generate(
            {
              messages: [
                {
                  role: 'system',
                  content: `${instructions}\nReply with JSON: {"fits": true | false, "conveyed": [1, …], "reason": "…"}.`,
                },
                { role: 'user', content: describe(input) },
              ],
              responseFormat: {
                type: 'json-schema',
                name: 'free_run_fit',
                schema: {
                  type: 'object',
                  properties: {
                    fits: { type: 'boolean' },
                    conveyed: { type: 'array', items: { type: 'integer' } },
                    reason: { type: 'string' },
                  },
                  required: ['fits', 'conveyed', 'reason'],
                  additionalProperties: false,
                },
                strict: true,
              },
              temperature: 0,
              maxOutputTokens: 400,
            },
            callOptions?.signal ? { signal: callOptions.signal } : {},
          );
        } catch (error) {
          if (callOptions?.signal?.aborted) throw error;
          // The call failed (retries used up, a rejected request): no verdict, so the rule decides.
          return {
            error: `judge call failed: ${error instanceof Error ? error.message : String(error)}`,
            usage,
          };
        }
        usage = addUsage(usage, response.usage);
        try {
          const verdict = verdictSchema.parse(JSON.parse(response.message.content ?? ''));
          const known = new Set(input.goals.map((goal) => goal.id));
          return {
            fits: input.nextMessage === undefined ? true : verdict.fits,
            conveyed: verdict.conveyed.filter((id) => known.has(id)),
            reason: verdict.reason,
            usage,
          };
        } catch (error) {
          lastError = error instanceof Error ? error.message : String(error);
        }
      }
      return { error: `unparseable judgement: ${lastError}`, usage };
    },
  };
}

function describe(input: FitJudgeInput): string {
  const goals =
    input.goals.length === 0
      ? '(none open)'
      : input.goals
          .map(
            (goal) =>
              `${goal.id}. The customer asked: ${goal.customerMessage}\n   The human agent replied: ${goal.reply}\n   Facts: ${goal.nuggets.join('; ')}`,
          )
          .join('\n');
  return [
    `Customer's message:\n${input.customerMessage}`,
    ...(input.recordedReply === undefined
      ? []
      : [`The human agent's recorded reply to it:\n${input.recordedReply}`]),
    `The assistant's answer:\n${input.answer}`,
    `The customer's next recorded message:\n${input.nextMessage ?? '(none)'}`,
    `The customer's open goals:\n${goals}`,
  ].join('\n\n');
}
