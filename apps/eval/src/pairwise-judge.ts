import { addUsage, type ChatModel, emptyUsage } from '@baton/core';
import { z } from 'zod';
import type { ItemResult } from './item-result.js';

/**
 * The verdict of one pairwise judgement, from the candidate's side; `unscored` when an order got
 * no usable answer from the judge (unparseable, or the call failed): not a disagreement.
 */
export type PairwiseVerdict = 'win' | 'loss' | 'tie' | 'inconsistent' | 'unscored';

const choiceSchema = z.object({ better: z.enum(['A', 'B', 'tie']), rationale: z.string() });

const pairwiseRubric = `You compare two customer-support answers to the same customer message, given the reply a human agent actually sent as the reference.
Prefer the answer that is correct, complete and helpful like the reference, in the customer's language; ignore length and style otherwise.
Reply with JSON: {"better": "A" | "B" | "tie", "rationale": "one sentence"}.`;

/**
 * Judges a candidate's answer against the baseline's for the same turn, twice — once with each
 * answer first — so that a judge's position bias cancels out. Both orders must agree for a win or a
 * loss; disagreeing orders give `inconsistent`, and the share of consistent pairs is the judge's
 * agreement with itself. Scores are recorded with the rubric and model.
 */
export async function judgePair(options: {
  model: ChatModel;
  baseline: ItemResult;
  candidate: ItemResult;
  signal?: AbortSignal;
}): Promise<{ verdict: PairwiseVerdict; details: Record<string, unknown> }> {
  const { baseline, candidate } = options;
  let usage = emptyUsage;
  const errors: string[] = [];
  const ask = async (first: string, second: string) => {
    let response: Awaited<ReturnType<ChatModel['generate']>>;
    try {
      response = await options.model.generate(
        {
          messages: [
            { role: 'system', content: pairwiseRubric },
            {
              role: 'user',
              content: `Customer message:\n${candidate.input}\n\nReference (human agent's reply):\n${candidate.reference}\n\nAnswer A:\n${first}\n\nAnswer B:\n${second}`,
            },
          ],
          responseFormat: {
            type: 'json-schema',
            name: 'preference',
            schema: {
              type: 'object',
              properties: {
                better: { type: 'string', enum: ['A', 'B', 'tie'] },
                rationale: { type: 'string' },
              },
              required: ['better', 'rationale'],
              additionalProperties: false,
            },
            strict: true,
          },
          temperature: 0,
          maxOutputTokens: 200,
        },
        options.signal ? { signal: options.signal } : {},
      );
    } catch (error) {
      if (options.signal?.aborted) throw error;
      // A failed call (a 400, retries used up) leaves this pair unscored; it does not stop the run.
      errors.push(error instanceof Error ? error.message : String(error));
      return undefined;
    }
    usage = addUsage(usage, response.usage);
    const parsed = choiceSchema.safeParse(safeJson(response.message.content ?? ''));
    if (!parsed.success)
      errors.push(`unparseable judgement: ${response.message.content ?? ''}`.slice(0, 200));
    return parsed.success ? parsed.data : undefined;
  };
  const candidateFirst = await ask(candidate.answer ?? '', baseline.answer ?? '');
  const baselineFirst = await ask(baseline.answer ?? '', candidate.answer ?? '');
  const judge = `${options.model.provider}:${options.model.modelId}`;
  // Express both judgements from the candidate's side.
  const fromCandidate = (choice: 'A' | 'B' | 'tie' | undefined, candidateIs: 'A' | 'B') =>
    choice === undefined ? undefined : choice === 'tie' ? 'tie' : choice === candidateIs ? 'win' : 'loss';
  const first = fromCandidate(candidateFirst?.better, 'A');
  const second = fromCandidate(baselineFirst?.better, 'B');
  // An order without a verdict says nothing about the judge's consistency: the pair is unscored.
  const verdict: PairwiseVerdict =
    first === undefined || second === undefined ? 'unscored' : first === second ? first : 'inconsistent';
  return {
    verdict,
    details: {
      judge,
      rubric: pairwiseRubric,
      baseline: baseline.strategy,
      candidateFirst: candidateFirst ?? 'unparseable',
      baselineFirst: baselineFirst ?? 'unparseable',
      ...(errors.length > 0 ? { errors } : {}),
      usage,
    },
  };
}

/** A pairwise verdict as a number for averaging: win 1, tie 0.5, loss 0; inconsistent and unscored are left out. */
export function pairwiseValue(verdict: PairwiseVerdict): number | null {
  return verdict === 'win' ? 1 : verdict === 'tie' ? 0.5 : verdict === 'loss' ? 0 : null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
