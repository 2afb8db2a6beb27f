import { z } from 'zod';

/**
 * A machine-checkable acceptance criterion of a task: the default verifiers check these without a
 * model (see {@link criteriaVerifier}); free-text criteria (`TaskSpec.acceptanceCriteria`) need the
 * LLM verifier. Plain data, so records and traces can show them.
 */
export const acceptanceCriterionSchema = z.discriminatedUnion('type', [
  z.object({
    /** Each fact must be conveyed: its numbers and codes exactly, most of its content words. */
    type: z.literal('required-facts'),
    facts: z.array(z.string().min(1)).min(1),
  }),
  z.object({
    /** The structured result must match the task's output schema (`TaskSpec.output`). */
    type: z.literal('output-schema'),
  }),
  z.object({
    /** The answer must be in one of these languages (BCP 47), preferred first. */
    type: z.literal('reply-language'),
    languages: z.array(z.string().min(2)).min(1),
  }),
  z.object({
    /** The answer may be at most this long. */
    type: z.literal('max-length'),
    /** User-perceived characters (grapheme clusters: an emoji or a flag is one), not UTF-16 units. */
    characters: z.number().int().positive().optional(),
    /** Words by Unicode's word boundaries, so Chinese, Japanese and Thai replies have words too. */
    words: z.number().int().positive().optional(),
  }),
  z.object({
    /** None of these phrases may appear (case and accents ignored). */
    type: z.literal('must-not-contain'),
    phrases: z.array(z.string().min(1)).min(1),
  }),
]);

/** A typed acceptance criterion; see {@link acceptanceCriterionSchema}. */
export type AcceptanceCriterion = z.infer<typeof acceptanceCriterionSchema>;
