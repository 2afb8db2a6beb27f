import { z } from 'zod';
import type { ChatModel } from '../chat-model.js';
import type { Verifier } from '../verifier.js';

const judgement = z.object({
  passed: z.boolean(),
  score: z.number().min(0).max(1).optional(),
  reason: z.string(),
});

/**
 * Asks a model whether the result satisfies the task's goal and acceptance criteria. The model
 * answers in JSON (`{ passed, score, reason }`, a passing answer scoring 0.5 or more); an
 * unparseable judgement, or one whose score contradicts its verdict, fails closed.
 */
export function llmVerifier(options: {
  model: ChatModel;
  rubric?: string;
  maxOutputTokens?: number;
}): Verifier {
  return {
    name: 'llm-check',
    async verify(output, { task }, scope) {
      const response = await scope.callModel(
        options.model,
        {
          messages: [
            {
              role: 'system',
              content:
                (options.rubric ??
                  'You check a support answer before it is sent. Pass it only if it addresses the request correctly and completely, in the requested language, without inventing facts.') +
                '\nReply with JSON: {"passed": boolean, "score": number between 0 and 1, "reason": string}, where score is how well the answer meets the request (0.5 or more for an answer you pass, below 0.5 for one you fail).',
            },
            {
              role: 'user',
              content: [
                `Request: ${task.goal}`,
                task.acceptanceCriteria.length > 0
                  ? `Acceptance criteria:\n- ${task.acceptanceCriteria.join('\n- ')}`
                  : '',
                task.language ? `Required language: ${task.language}` : '',
                `Answer:\n${output.text}`,
              ]
                .filter(Boolean)
                .join('\n\n'),
            },
          ],
          responseFormat: {
            type: 'json-schema',
            name: 'judgement',
            schema: z.toJSONSchema(judgement) as Record<string, unknown>,
          },
          maxOutputTokens: options.maxOutputTokens ?? 200,
          temperature: 0,
        },
        { agentId: 'verifier' },
      );
      try {
        const parsed = judgement.parse(JSON.parse(response.message.content ?? ''));
        // A pass scored as a failure (or the reverse) is a judgement that contradicts itself, most
        // often a model reading `score` as its confidence: failed closed, like an unreadable one,
        // rather than sending an answer the model may have meant to stop.
        if (parsed.score !== undefined && parsed.passed !== parsed.score >= 0.5) {
          return {
            verifier: 'llm-check',
            passed: false,
            score: parsed.score,
            reason: `the checking model's judgement contradicts itself (${parsed.passed ? 'passed' : 'failed'} with score ${parsed.score}): ${parsed.reason}`,
          };
        }
        return {
          verifier: 'llm-check',
          passed: parsed.passed,
          ...(parsed.score !== undefined ? { score: parsed.score } : {}),
          reason: parsed.reason,
        };
      } catch {
        return {
          verifier: 'llm-check',
          passed: false,
          reason: 'the checking model returned no valid judgement',
        };
      }
    },
  };
}
