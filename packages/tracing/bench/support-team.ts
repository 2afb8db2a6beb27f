import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Agent,
  createLlmAgent,
  createRetrievalAgent,
  createTeam,
  type KnowledgeArticle,
  knowledgeArticleSchema,
  type Team,
  verifyRecover,
} from '@baton/core';
import { scriptedChatModel } from '@baton/core/testing';
import { z } from 'zod';

/**
 * Real `@baton/core` teams over the support suite, for the overhead benchmark: the offline team
 * the harness runs by default (retrieval agents from `suite.json`, lexical selection,
 * verification and the failure ladder), and the same roster as LLM agents on a scripted,
 * zero-latency model (the core's overhead alone, the worst case for tracing's share).
 */

const suiteSchema = z.object({
  front: z.string(),
  agents: z.array(
    z.object({
      kind: z.string(),
      card: z.object({ id: z.string() }).passthrough(),
      knowledge: z.array(z.string()).default([]),
      instructions: z.string().default(''),
    }),
  ),
});

function readArticles(folder: string): KnowledgeArticle[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((file) => file.endsWith('.md'))
    .map((file) => {
      const text = readFileSync(join(folder, file), 'utf8');
      const [, front = '', body = ''] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text) ?? [];
      const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(front)?.[1]?.trim();
      return knowledgeArticleSchema.parse({
        id: field('id') ?? file,
        title: field('title') ?? file,
        body,
        tags: (field('tags') ?? '')
          .split(',')
          .map((tag) => tag.trim())
          .filter(Boolean),
        language: field('language') ?? 'en',
      });
    });
}

/** The support suite's teams; agents whose knowledge folder is missing are left out. */
export function supportTeams(datasetRoot: string): { retrieval: Team; scriptedLlm: Team } {
  const suite = suiteSchema.parse(JSON.parse(readFileSync(join(datasetRoot, 'suite.json'), 'utf8')));
  const model = scriptedChatModel(() => ({
    content: 'Card sales are paid out the next business day.',
    usage: { inputTokens: 40, outputTokens: 12 },
  }));
  const retrieval: Agent[] = [];
  const llm: Agent[] = [];
  let retrievalFront: Agent | undefined;
  let llmFront: Agent | undefined;
  for (const entry of suite.agents) {
    const articles = entry.knowledge.flatMap((folder) =>
      readArticles(join(datasetRoot, 'knowledge', folder)),
    );
    const isFront = entry.card.id === suite.front;
    if (articles.length === 0 && !isFront) continue;
    const card = entry.card as Parameters<typeof createRetrievalAgent>[0]['card'];
    const asRetrieval = createRetrievalAgent({ card, articles, smallTalk: isFront });
    const asLlm = createLlmAgent({ card, model, instructions: entry.instructions, knowledge: articles });
    if (isFront) {
      retrievalFront = asRetrieval;
      llmFront = asLlm;
    } else {
      retrieval.push(asRetrieval);
      llm.push(asLlm);
    }
  }
  if (!retrievalFront || !llmFront) throw new Error(`The suite has no front agent "${suite.front}".`);
  return {
    retrieval: createTeam({ front: retrievalFront, delegates: retrieval, strategy: verifyRecover() }),
    scriptedLlm: createTeam({ front: llmFront, delegates: llm, strategy: verifyRecover() }),
  };
}
