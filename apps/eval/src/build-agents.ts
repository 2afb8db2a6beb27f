import {
  type Agent,
  type ChatModel,
  createLlmAgent,
  createRetrievalAgent,
  type KnowledgeArticle,
  regulatedAdviceGuardrail,
  withGuardrails,
} from '@baton/core';
import { readKnowledgeBase } from './dataset/knowledge-base.js';
import type { Suite } from './dataset/load-suite.js';
import { EvalError } from './eval-error.js';

/** The agents of a suite, built and ready to be put on a roster. */
export interface SuiteAgents {
  front: Agent;
  delegates: Agent[];
  allow: Record<string, string[]>;
  /** Every article of every knowledge base the agents use, for groundedness checks. */
  articles: KnowledgeArticle[];
  /** The suite's reply-language policy (`replyLanguages`), for the teams built on these agents. */
  replyLanguages?: string[];
}

/** How the suite's agents answer: extractively from their knowledge (offline) or with a model. */
export type AgentMode = 'retrieval' | 'llm';

/**
 * Builds the suite's agents. In `retrieval` mode every agent answers extractively from its
 * knowledge bases (offline, free); in `llm` mode every agent answers with the model, grounded in the
 * same knowledge. Agents whose card names the `regulated-advice` guardrail get it in both modes.
 * A deployed agent (`{ "a2a": url }`) is reached over A2A in both modes, its card read from it.
 */
export async function buildAgents(
  suite: Suite,
  options: { mode: AgentMode; model?: ChatModel },
): Promise<SuiteAgents> {
  if (options.mode === 'llm' && !options.model) {
    throw new EvalError('usage', 'LLM agents need a model: pass --model (e.g. --model openai:gpt-4.1-mini).');
  }
  const cache = new Map<string, Promise<KnowledgeArticle[]>>();
  const knowledgeOf = async (ids: readonly string[]) => {
    const parts = await Promise.all(
      ids.map((id) => {
        const folder = suite.knowledgeBases[id];
        if (!folder) throw new EvalError('invalid-config', `${suite.file}: no knowledge base "${id}"`);
        let articles = cache.get(id);
        if (!articles) {
          articles = readKnowledgeBase(folder, { kb: id }).then((list) =>
            list.map(({ id: articleId, title, body, tags, language }) => ({
              id: articleId,
              title,
              body,
              tags,
              language,
            })),
          );
          cache.set(id, articles);
        }
        return articles;
      }),
    );
    return parts.flat();
  };
  const built: Agent[] = [];
  for (const [index, config] of suite.agents.entries()) {
    if (config.kind === 'a2a') {
      built.push(await remoteAgent(suite, index, config.a2a, config.card.id));
      continue;
    }
    const articles = await knowledgeOf(config.knowledge);
    const isFront = config.card.id === suite.front;
    let agent: Agent =
      options.mode === 'llm' && options.model
        ? createLlmAgent({
            card: config.card,
            model: options.model,
            instructions:
              config.instructions ??
              `You are ${config.card.name} of a customer support team. ${config.card.description} Answer briefly and only from the knowledge given.`,
            knowledge: articles,
          })
        : createRetrievalAgent({ card: config.card, articles, smallTalk: isFront });
    if (config.card.guardrails.includes('regulated-advice'))
      agent = withGuardrails(agent, [regulatedAdviceGuardrail()]);
    built.push(agent);
  }
  const front = built.find((agent) => agent.id === suite.front);
  if (!front)
    throw new EvalError(
      'invalid-config',
      `${suite.file}: front agent "${suite.front}" is not among the agents`,
    );
  const articles = [...(await Promise.all([...cache.values()]))].flat();
  return {
    front,
    delegates: built.filter((agent) => agent !== front),
    allow: suite.allow,
    articles,
    ...(suite.replyLanguages ? { replyLanguages: suite.replyLanguages } : {}),
  };
}

/** A deployed delegate: its card comes from the agent, under the id the suite knows it by. */
async function remoteAgent(suite: Suite, index: number, url: string, id: string): Promise<Agent> {
  // Loaded on first use: only suites with deployed delegates need the A2A client (and its SDK).
  const a2a = await import('@baton/a2a');
  try {
    return await a2a.createA2aAgent({ url, capabilityCard: { id } });
  } catch (error) {
    if (!a2a.A2aError.isInstance(error)) throw error;
    throw new EvalError('invalid-config', `${suite.file}: agents[${index}]: ${error.message}`, {
      cause: error,
    });
  }
}
