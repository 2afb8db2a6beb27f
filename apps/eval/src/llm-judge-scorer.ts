import { addUsage, type ChatModel, emptyUsage } from '@baton/core';
import { z } from 'zod';
import type { Scorer } from './scorer.js';

/** The rubric the judge follows unless the user gives their own. */
export const defaultRubric = `You check a customer-support answer against the facts an acceptable reply must convey (its nuggets), using the reply a human support agent actually sent as the ground truth.
For each numbered nugget decide:
- "present": the answer conveys this fact (any wording, any language the customer can read);
- "missing": the answer does not convey it;
- "contradicted": the answer states something that conflicts with it (another amount, another menu path, the opposite rule).
Then write the minimal post-edit: the answer as a careful human agent would send it after the fewest edits — keep every correct sentence as written, fix or remove what is wrong or useless, add what is missing from the human reply. If the answer needs no change, return it unchanged.`;

const verdictSchema = z.object({
  nuggets: z.array(
    z.object({ index: z.number().int().min(1), verdict: z.enum(['present', 'missing', 'contradicted']) }),
  ),
  postEdit: z.string(),
  rationale: z.string(),
});

/**
 * Answer quality judged by a model, nugget by nugget: the judge marks each of the reference's
 * nuggets present, missing or contradicted (contradicted counts as missing), and writes the
 * minimal post-edit of the answer, which human cleanup is then measured against. The score is
 * present ÷ nuggets. The rubric, the model and every verdict are recorded with the item. A
 * judgement that cannot be parsed, or that does not give one verdict per nugget, is retried once,
 * then recorded as an error (score null) rather than guessed.
 */
export function llmJudgeScorer(options: { model: ChatModel; rubric?: string; name?: string }): Scorer {
  const rubric = options.rubric ?? defaultRubric;
  const judge = `${options.model.provider}:${options.model.modelId}`;
  return {
    specificationVersion: 'v1',
    name: options.name ?? 'answerQuality',
    description: `llm-judge(${judge}) nugget verdicts`,
    writesPostEdit: true,
    async score({ turn, answer, signal }) {
      if (turn.reference === null) return { value: null };
      const nuggets = turn.nuggets;
      let lastError = '';
      // Every attempt is paid for: its usage is kept with the item, scored or not.
      let usage = emptyUsage;
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const response = await options.model.generate(
          {
            messages: [
              {
                role: 'system',
                content: `${rubric}\nReply with JSON: {"nuggets": [{"index": 1, "verdict": "present" | "missing" | "contradicted"}, …], "postEdit": "…", "rationale": "one sentence"}.`,
              },
              {
                role: 'user',
                content: [
                  `Customer message:\n${turn.input}`,
                  `Human agent's reply (ground truth):\n${turn.reference}`,
                  `Nuggets:\n${nuggets.map((nugget, index) => `${index + 1}. ${nugget}`).join('\n') || '(none)'}`,
                  `Answer to check:\n${answer}`,
                ].join('\n\n'),
              },
            ],
            responseFormat: {
              type: 'json-schema',
              name: 'nugget_verdicts',
              schema: {
                type: 'object',
                properties: {
                  nuggets: {
                    type: 'array',
                    items: {
                      type: 'object',
                      properties: {
                        index: { type: 'integer', minimum: 1 },
                        verdict: { type: 'string', enum: ['present', 'missing', 'contradicted'] },
                      },
                      required: ['index', 'verdict'],
                      additionalProperties: false,
                    },
                  },
                  postEdit: { type: 'string' },
                  rationale: { type: 'string' },
                },
                required: ['nuggets', 'postEdit', 'rationale'],
                additionalProperties: false,
              },
              strict: true,
            },
            temperature: 0,
            maxOutputTokens: 1500,
          },
          { signal },
        );
        usage = addUsage(usage, response.usage);
        try {
          const verdict = verdictSchema.parse(JSON.parse(response.message.content ?? ''));
          const byIndex = new Map<number, (typeof verdict.nuggets)[number]['verdict']>();
          for (const entry of verdict.nuggets) {
            // One verdict per nugget: a second verdict for a nugget, or one for a nugget that does
            // not exist, is a malformed judgement, not something to pick from.
            if (entry.index > nuggets.length)
              throw new Error(`verdict for nugget ${entry.index} of ${nuggets.length}`);
            if (byIndex.has(entry.index)) throw new Error(`two verdicts for nugget ${entry.index}`);
            byIndex.set(entry.index, entry.verdict);
          }
          const missingIndex = nuggets.findIndex((_nugget, index) => !byIndex.has(index + 1));
          if (missingIndex >= 0) throw new Error(`no verdict for nugget ${missingIndex + 1}`);
          const judgements = nuggets.map((nugget, index) => ({ nugget, verdict: byIndex.get(index + 1)! }));
          const present = judgements.filter((judgement) => judgement.verdict === 'present').length;
          return {
            value: nuggets.length === 0 ? null : Math.round((present / nuggets.length) * 10000) / 10000,
            postEdit: verdict.postEdit,
            details: {
              method: 'llm-judge',
              judge,
              rubric,
              nuggetSource: turn.nuggetSource,
              nuggets: judgements,
              postEdit: verdict.postEdit,
              rationale: verdict.rationale,
              usage,
            },
          };
        } catch (error) {
          lastError = error instanceof Error ? error.message : String(error);
        }
      }
      return { value: null, details: { judge, rubric, error: `unparseable judgement: ${lastError}`, usage } };
    },
  };
}
