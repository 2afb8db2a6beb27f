import { z } from 'zod';
import type { Agent, AgentInput, AgentOutput } from './agent.js';
import type { AgentTool } from './agent-tool.js';
import { BatonError } from './baton-error.js';
import { type CapabilityCardInput, capabilityCardSchema } from './capability-card.js';
import type { ChatMessage, ChatModel, ChatRequest, ToolCall, Usage } from './chat-model.js';
import { addUsage, emptyUsage } from './chat-model.js';
import type { KnowledgeArticle } from './knowledge-article.js';
import { KnowledgeIndex } from './knowledge-index.js';
import type { RunScope } from './run-scope.js';

/** Options of {@link createLlmAgent}. */
export interface LlmAgentOptions {
  card: CapabilityCardInput;
  model: ChatModel;
  /** The agent's standing instructions (its system prompt). */
  instructions: string;
  /** Tools the agent may call; only those named in `card.tools` are ever offered or executed. */
  tools?: readonly AgentTool<unknown>[];
  /** Knowledge the agent answers from; the best articles for each task go into its prompt. */
  knowledge?: readonly KnowledgeArticle[];
  /** How many articles to put in the prompt (default 3). */
  knowledgeLimit?: number;
  /** Model round-trips allowed for tool use (default 5). */
  maxSteps?: number;
  temperature?: number;
  maxOutputTokens?: number;
}

const handBackTool = 'hand_back';

/**
 * An agent that answers with a language model: instructions, the task spec, retrieved knowledge and
 * the transferred context go in; tool calls run (only granted tools); a structured result is
 * requested as JSON schema output and validated when the task names an output schema.
 *
 * @example
 * ```ts
 * const billing = createLlmAgent({
 *   card: { id: 'billing', name: 'Billing', description: 'Plans, invoices, refunds', domains: ['billing'] },
 *   model,
 *   instructions: 'You are the billing specialist of Tillwell support.',
 * });
 * ```
 */
export function createLlmAgent(options: LlmAgentOptions): Agent {
  const card = capabilityCardSchema.parse(options.card);
  const granted = new Set(card.tools);
  const tools = (options.tools ?? []).filter((tool) => granted.has(tool.definition.name));
  const index =
    options.knowledge && options.knowledge.length > 0 ? new KnowledgeIndex(options.knowledge) : undefined;
  const maxSteps = options.maxSteps ?? 5;

  return {
    id: card.id,
    card,
    kind: 'llm',
    async run(input: AgentInput, scope: RunScope): Promise<AgentOutput> {
      // Grants narrow down the tree: a delegate never gets a tool its delegator's branch lacks.
      const usable = tools.filter(
        (tool) => scope.toolGrant === undefined || scope.toolGrant.has(tool.definition.name),
      );
      const usableByName = new Map(usable.map((tool) => [tool.definition.name, tool]));
      const hits = index?.search(input.task.goal, { limit: options.knowledgeLimit ?? 3 }) ?? [];
      const messages: ChatMessage[] = [
        {
          role: 'system',
          content: systemPrompt(
            options.instructions,
            input,
            hits.map((hit) => hit.article),
          ),
        },
        ...input.context.messages.map(
          (message): ChatMessage =>
            message.role === 'user'
              ? { role: 'user', content: message.content }
              : { role: 'assistant', content: message.content },
        ),
        { role: 'user', content: input.task.goal },
      ];
      const toolDefinitions = usable.map((tool) => tool.definition);
      if (input.handoff) {
        toolDefinitions.push({
          name: handBackTool,
          description:
            'Hand the conversation back to the front desk when the request is outside your domain.',
          parameters: { type: 'object', properties: { reason: { type: 'string' } }, required: ['reason'] },
        });
      }
      let usage: Usage = emptyUsage;
      let costUsd = 0;
      for (let step = 0; step < maxSteps; step += 1) {
        const request: ChatRequest = {
          messages,
          ...(toolDefinitions.length > 0 ? { tools: toolDefinitions } : {}),
          ...(input.task.output ? { responseFormat: jsonFormat(input.task.output) } : {}),
          ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
          ...(options.maxOutputTokens !== undefined ? { maxOutputTokens: options.maxOutputTokens } : {}),
        };
        const response = await scope.callModel(options.model, request, { agentId: card.id });
        usage = addUsage(usage, response.usage);
        costUsd += response.costUsd ?? 0;
        const calls = response.message.toolCalls;
        if (calls.length === 0) {
          const text = response.message.content ?? '';
          const sources = hits.map((hit) => ({ id: hit.article.id, title: hit.article.title }));
          if (!input.task.output) return { text, status: 'answered', sources, usage, costUsd };
          return {
            text,
            status: 'answered',
            data: parseOutput(input.task.output, text, card.id),
            sources,
            usage,
            costUsd,
          };
        }
        const handBack = calls.find((call) => call.name === handBackTool);
        if (handBack && input.handoff) {
          return { text: reasonOf(handBack), status: 'hand-back', usage, costUsd };
        }
        messages.push({ role: 'assistant', content: response.message.content, toolCalls: calls });
        const results = await Promise.all(calls.map((call) => runTool(call, usableByName, scope, card.id)));
        calls.forEach((call, position) => {
          messages.push({ role: 'tool', toolCallId: call.id, content: results[position] ?? '' });
        });
      }
      throw new BatonError(
        'invalid-output',
        `Agent "${card.id}" used all ${maxSteps} steps without a final answer.`,
      );
    },
  };
}

async function runTool(
  call: ToolCall,
  tools: Map<string, AgentTool<unknown>>,
  scope: RunScope,
  agentId: string,
): Promise<string> {
  const tool = tools.get(call.name);
  // A model may name any tool it likes; only granted tools ever execute.
  if (!tool) return `Error: tool "${call.name}" is not granted to this agent.`;
  let parsedJson: unknown;
  try {
    parsedJson = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
  } catch {
    return `Error: the arguments for "${call.name}" are not valid JSON.`;
  }
  const parsed = tool.parameters.safeParse(parsedJson);
  if (!parsed.success) return `Error: invalid arguments for "${call.name}": ${z.prettifyError(parsed.error)}`;
  try {
    scope.ensureCanProceed();
    return await tool.execute(parsed.data, { scope, agentId });
  } catch (error) {
    if (BatonError.isInstance(error) && (error.code === 'aborted' || error.code === 'budget-exceeded'))
      throw error;
    return `Error: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function systemPrompt(instructions: string, input: AgentInput, articles: KnowledgeArticle[]): string {
  const { task } = input;
  const parts = [instructions.trim(), `## Task\n${task.goal}`];
  if (task.instructions) parts.push(`## Instructions\n${task.instructions}`);
  if (task.constraints.length > 0)
    parts.push(`## Constraints\n${task.constraints.map((line) => `- ${line}`).join('\n')}`);
  if (task.acceptanceCriteria.length > 0) {
    parts.push(`## A good answer\n${task.acceptanceCriteria.map((line) => `- ${line}`).join('\n')}`);
  }
  if (task.language) parts.push(`Answer in the customer's language (${task.language}).`);
  if (input.context.summary) parts.push(`## Conversation so far (summary)\n${input.context.summary}`);
  if (input.context.fields && Object.keys(input.context.fields).length > 0) {
    parts.push(`## Known facts\n${JSON.stringify(input.context.fields)}`);
  }
  if (articles.length > 0) {
    parts.push(
      `## Knowledge (answer from these articles; say so when they do not cover the question)\n${articles
        .map((article) => `### ${article.title} [${article.id}]\n${article.body}`)
        .join('\n\n')}`,
    );
  }
  const feedback = input.previousAttempts.flatMap((attempt) =>
    attempt.verdicts.filter((verdict) => !verdict.passed).map((verdict) => verdict.reason),
  );
  if (feedback.length > 0)
    parts.push(
      `## An earlier answer was rejected because\n${feedback.map((line) => `- ${line}`).join('\n')}`,
    );
  return parts.join('\n\n');
}

function jsonFormat(schema: z.ZodType<unknown>): ChatRequest['responseFormat'] {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  delete json.$schema;
  return { type: 'json-schema', name: 'result', schema: json, strict: false };
}

function parseOutput(schema: z.ZodType<unknown>, text: string, agentId: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BatonError('invalid-output', `Agent "${agentId}" did not return valid JSON.`, { cause: error });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new BatonError(
      'invalid-output',
      `Agent "${agentId}" returned JSON that does not match the output schema: ${z.prettifyError(parsed.error)}`,
      {
        cause: parsed.error,
      },
    );
  }
  return parsed.data;
}

function reasonOf(call: ToolCall): string {
  try {
    const parsed = JSON.parse(call.arguments) as { reason?: unknown };
    return typeof parsed.reason === 'string' ? parsed.reason : 'handed back';
  } catch {
    return 'handed back';
  }
}
