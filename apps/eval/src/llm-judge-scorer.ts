import type { ChatModel } from '@baton/core';
import { z } from 'zod';
import type { Scorer } from './scorer.js';

/** The rubric the judge scores against unless the user gives their own. */
export const defaultRubric = `You grade a customer-support answer against the reply a human support agent actually sent.
Score 1-5:
5 = correct and complete; says what the human reply says (wording may differ), nothing wrong.
4 = correct, minor omissions.
3 = partly correct or incomplete; a customer would need to ask again.
2 = mostly wrong, off-topic, or in the wrong language.
1 = wrong or harmful (invents facts, gives legal/medical/financial advice the human declined).`;

const verdictSchema = z.object({ score: z.number().int().min(1).max(5), rationale: z.string() });

/**
 * Answer quality judged by a model with a rubric and the reference reply, normalised to 0–1
 * (`(score − 1) / 4`). The rubric and the model are recorded with every score. A judgement that
 * cannot be parsed is retried once, then recorded as an error (score null) rather than guessed.
 */
export function llmJudgeScorer(options: { model: ChatModel; rubric?: string; name?: string }): Scorer {
  const rubric = options.rubric ?? defaultRubric;
  const judge = `${options.model.provider}:${options.model.modelId}`;
  return {
    specificationVersion: 'v1',
    name: options.name ?? 'answerQuality',
    description: `llm-judge(${judge})`,
    async score({ turn, answer, signal }) {
      let lastError = '';
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const response = await options.model.generate(
          {
            messages: [
              {
                role: 'system',
                content: `${rubric}\nReply with JSON: {"score": 1-5, "rationale": "one sentence"}.`,
              },
              {
                role: 'user',
                content: `Customer message:\n${turn.input}\n\nHuman agent's reply (reference):\n${turn.reference}\n\nAnswer to grade:\n${answer}`,
              },
            ],
            responseFormat: {
              type: 'json-schema',
              name: 'grade',
              schema: {
                type: 'object',
                properties: {
                  score: { type: 'integer', minimum: 1, maximum: 5 },
                  rationale: { type: 'string' },
                },
                required: ['score', 'rationale'],
                additionalProperties: false,
              },
              strict: true,
            },
            temperature: 0,
            maxOutputTokens: 200,
          },
          { signal },
        );
        try {
          const verdict = verdictSchema.parse(JSON.parse(response.message.content ?? ''));
          return {
            value: (verdict.score - 1) / 4,
            details: {
              judge,
              rubric,
              rawScore: verdict.score,
              rationale: verdict.rationale,
              usage: response.usage,
            },
          };
        } catch (error) {
          lastError = error instanceof Error ? error.message : String(error);
        }
      }
      return { value: null, details: { judge, rubric, error: `unparseable judgement: ${lastError}` } };
    },
  };
}
