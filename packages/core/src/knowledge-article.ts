import { z } from 'zod';

/** One help-centre article an agent's answers are grounded in. */
export const knowledgeArticleSchema = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  body: z.string().min(1),
  tags: z.array(z.string()).default([]),
  /** BCP 47 language of the article. */
  language: z.string().min(2).default('en'),
});

/** A validated knowledge article. */
export type KnowledgeArticle = z.infer<typeof knowledgeArticleSchema>;
