import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { DatasetError, toFileError } from '../eval-error.js';
import type { ColumnMapping } from './column-mapping.js';
import { describeZodIssue, formatFieldPath } from './describe-zod-issue.js';
import { type AgentConfig, suiteConfigSchema } from './suite-config.js';

/** A loaded suite: the validated configuration with every path resolved against the suite file. */
export interface Suite {
  /** The suite file as given. */
  file: string;
  name: string;
  description: string;
  /** Path of the conversations file or folder. */
  conversations: string;
  mapping: ColumnMapping | undefined;
  /** Path of the split file, when the suite has one. */
  split: string | undefined;
  /** Path of the knowledge folder, when the suite has one. */
  knowledge: string | undefined;
  /** Knowledge base id → its folder, for every folder under `knowledge`, sorted by id. */
  knowledgeBases: Record<string, string>;
  front: string;
  agents: AgentConfig[];
  /** Delegation allowlist with the default applied: agent id → ids it may delegate to. */
  allow: Record<string, string[]>;
  escalation: { name: string; description: string };
  /** The languages the team may answer in when no agent speaks the customer's (`replyLanguages`). */
  replyLanguages?: string[];
}

/** Options of {@link loadSuite}. */
export interface LoadSuiteOptions {
  /** Whether the split file must exist (default true); false for the tool that writes it. */
  requireSplitFile?: boolean;
}

/**
 * Loads and checks a suite file: the schema (capability cards included), unique agent ids, the
 * front agent and every allowlist id naming an agent, every referenced path and knowledge base
 * existing, and retrieval agents having knowledge to answer from.
 *
 * @throws DatasetError (code `invalid-config`) naming the suite file and the field, e.g.
 *   `datasets/support/suite.json: agents[3].knowledge[0]: no knowledge base "bills" in …`;
 *   EvalError `not-found` when the suite file is missing.
 * @example
 * ```ts
 * const suite = await loadSuite('datasets/support/suite.json');
 * for await (const conversation of readConversations(suite.conversations)) …
 * ```
 */
export async function loadSuite(file: string, options: LoadSuiteOptions = {}): Promise<Suite> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw toFileError(error, file);
  });
  const fail = (field: string | undefined, detail: string, line?: number, cause?: unknown): never => {
    throw new DatasetError({ file, line, field, detail }, { code: 'invalid-config', cause });
  };
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    // Some V8 messages quote the offending text, line breaks included; keep the message on one line.
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');
    const position = /position (\d+)/.exec(reason)?.[1];
    const line = position === undefined ? undefined : text.slice(0, Number(position)).split('\n').length;
    return fail(undefined, `invalid JSON: ${reason}`, line, error);
  }
  const result = suiteConfigSchema.safeParse(json, { reportInput: true });
  if (!result.success) {
    const { field, detail } = describeZodIssue(result.error.issues[0]!);
    return fail(field, detail, undefined, result.error);
  }
  const config = result.data;
  const base = dirname(file);
  const resolve = (path: string) => (isAbsolute(path) ? path : join(base, path));

  const ids = new Map<string, number>();
  config.agents.forEach((agent, index) => {
    const first = ids.get(agent.card.id);
    if (first !== undefined) {
      fail(
        `agents[${index}].card.id`,
        `duplicate agent id ${JSON.stringify(agent.card.id)} (also agents[${first}])`,
      );
    }
    ids.set(agent.card.id, index);
  });
  const known = [...ids.keys()].join(', ');
  const checkAgent = (field: string, id: string) => {
    if (!ids.has(id)) fail(field, `no agent with id ${JSON.stringify(id)} (agents: ${known})`);
  };
  checkAgent('front', config.front);
  for (const [from, targets] of Object.entries(config.allow ?? {})) {
    checkAgent(formatFieldPath(['allow', from]), from);
    targets.forEach((target, index) => {
      checkAgent(formatFieldPath(['allow', from, index]), target);
    });
  }

  const conversations = resolve(config.conversations);
  await mustExist(conversations, 'conversations', fail);
  const split = config.split === undefined ? undefined : resolve(config.split);
  if (split !== undefined && options.requireSplitFile !== false) await mustExist(split, 'split', fail);
  const knowledge = config.knowledge === undefined ? undefined : resolve(config.knowledge);
  const knowledgeBases: Record<string, string> = {};
  if (knowledge !== undefined) {
    const entries = await readdir(knowledge, { withFileTypes: true }).catch(() =>
      fail('knowledge', `no folder ${JSON.stringify(knowledge)}`),
    );
    for (const entry of entries
      .filter((item) => item.isDirectory())
      .sort((a, b) => (a.name < b.name ? -1 : 1))) {
      knowledgeBases[entry.name] = join(knowledge, entry.name);
    }
  }
  config.agents.forEach((agent, index) => {
    if (agent.kind === 'retrieval' && agent.knowledge.length === 0) {
      fail(
        `agents[${index}].knowledge`,
        'a retrieval agent needs at least one knowledge base to answer from',
      );
    }
    agent.knowledge.forEach((kb, kbIndex) => {
      if (knowledgeBases[kb] === undefined) {
        fail(
          `agents[${index}].knowledge[${kbIndex}]`,
          knowledge === undefined
            ? `the suite has no knowledge folder to find ${JSON.stringify(kb)} in`
            : `no knowledge base ${JSON.stringify(kb)} in ${knowledge} (knowledge bases: ${Object.keys(knowledgeBases).join(', ')})`,
        );
      }
    });
  });

  const allow =
    config.allow ??
    Object.fromEntries([
      [config.front, config.agents.map((agent) => agent.card.id).filter((id) => id !== config.front)],
    ]);
  return {
    file,
    name: config.name,
    description: config.description,
    conversations,
    mapping: config.mapping,
    split,
    knowledge,
    knowledgeBases,
    front: config.front,
    agents: config.agents,
    allow,
    escalation: config.escalation,
    ...(config.replyLanguages ? { replyLanguages: config.replyLanguages } : {}),
  };
}

async function mustExist(
  path: string,
  field: string,
  fail: (field: string, detail: string) => never,
): Promise<void> {
  await stat(path).catch(() => fail(field, `no such file or folder ${JSON.stringify(path)}`));
}
