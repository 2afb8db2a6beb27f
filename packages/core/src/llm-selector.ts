import { z } from 'zod';
import type { Agent } from './agent.js';
import type { ChatModel, ToolDefinition } from './chat-model.js';
import type { Selector } from './selector.js';

const delegateArguments = z.object({
  agent: z.string(),
  task: z.string().min(1),
  reason: z.string().default(''),
});
const escalateArguments = z.object({ reason: z.string().default('') });

/**
 * Lets a model choose the delegate by tool call: it sees the allowed delegates' capability cards as
 * the `agent` enum of a `delegate` tool (so it cannot name any other agent), phrases the sub-task,
 * may escalate with `escalate_to_human`, or answers directly. An id outside the allowed list is
 * never executed: it is proposed alone, so the delegation records its refusal (`excluded`), and any
 * text the model wrote beside that call is dropped.
 *
 * @example
 * ```ts
 * const select = llmSelector({ model: createModel('openai:gpt-4.1-mini') });
 * ```
 */
export function llmSelector(options: { model: ChatModel; instructions?: string }): Selector {
  // The roster text and tools for the last candidate list seen: a team offers the same agents on
  // every turn, so they are built once rather than per call (and the tools' schema lengths, which
  // the budget estimate measures, stay known).
  let last: Offer | undefined;
  const offer = (candidates: readonly Agent[]): Offer => {
    if (last && sameAgents(last.agents, candidates)) return last;
    last = buildOffer(candidates);
    return last;
  };
  return {
    name: 'llm',
    async select(request, scope) {
      const { ids, roster, tools } = offer(request.candidates);
      const response = await scope.callModel(
        options.model,
        {
          messages: [
            {
              role: 'system',
              content: `${options.instructions ?? `You are ${request.front.card.name}, the front desk of a support team. Decide who should handle the customer's latest message. Delegate to the best specialist, escalate to a human when nobody fits, or answer yourself only for greetings and thanks.`}\n\nSpecialists:\n${roster}`,
            },
            ...request.turn.history.map((message) =>
              message.role === 'user'
                ? { role: 'user' as const, content: message.content }
                : { role: 'assistant' as const, content: message.content },
            ),
            { role: 'user', content: request.text },
          ],
          tools,
          toolChoice: 'auto',
          temperature: 0,
        },
        { agentId: request.front.id },
      );
      const calls = response.message.toolCalls;
      const escalation = calls.find((call) => call.name === 'escalate_to_human');
      if (escalation) {
        const parsed = escalateArguments.safeParse(safeJson(escalation.arguments));
        return { candidates: [], human: 1, reason: parsed.success ? parsed.data.reason : 'model escalated' };
      }
      let refused: string | undefined;
      for (const call of calls) {
        if (call.name !== 'delegate') continue;
        const raw = safeJson(call.arguments);
        const parsed = delegateArguments.safeParse(raw);
        if (!parsed.success) {
          // An unreadable call is not a choice: only an agent it names that may not be used is
          // proposed (so its refusal is recorded); an allowed one is not run on a call without a task.
          const named = agentNamed(raw);
          if (named !== undefined && !ids.includes(named)) refused ??= named;
          continue;
        }
        if (!ids.includes(parsed.data.agent)) {
          refused ??= parsed.data.agent;
          continue;
        }
        return {
          candidates: [
            { agentId: parsed.data.agent, score: 1, reason: parsed.data.reason || 'chosen by the model' },
            ...ids.filter((id) => id !== parsed.data.agent).map((agentId) => ({ agentId, score: 0 })),
          ],
          goal: parsed.data.task,
          reason: parsed.data.reason || `model chose ${parsed.data.agent}`,
        };
      }
      if (refused !== undefined) {
        // The model named an agent it may not use. It is proposed alone, so the delegation refuses
        // it and records why (`not-allowed` or `unknown-agent`) and nobody else is picked in its
        // place; the text the model wrote beside the call ("transferring you to the admin agent…")
        // is dropped, never sent to the customer.
        return {
          candidates: [{ agentId: refused, score: 1, reason: 'proposed by the model' }],
          reason: `the model proposed ${refused}, which is not an allowed delegate`,
        };
      }
      // Text beside a delegate call that could not be read is not an answer either.
      const text = calls.some((call) => call.name === 'delegate')
        ? undefined
        : response.message.content?.trim();
      return text
        ? { candidates: [], self: 1, directAnswer: text, reason: 'the model answered itself' }
        : { candidates: [], self: 1, reason: 'the model chose no valid delegate' };
    },
  };
}

/** What the selecting model is offered for one list of candidates. */
interface Offer {
  agents: readonly Agent[];
  ids: string[];
  /** One line per candidate, for the system prompt. */
  roster: string;
  tools: ToolDefinition[];
}

function sameAgents(first: readonly Agent[], second: readonly Agent[]): boolean {
  if (first.length !== second.length) return false;
  for (let index = 0; index < first.length; index += 1) if (first[index] !== second[index]) return false;
  return true;
}

function buildOffer(candidates: readonly Agent[]): Offer {
  const ids = candidates.map((agent) => agent.id);
  const roster = candidates
    .map((agent) => {
      const skills = agent.card.skills.map((skill) => `${skill.name}: ${skill.description}`).join('; ');
      return `- ${agent.id} (${agent.card.languages.join(', ')}): ${agent.card.description}${skills ? ` Skills: ${skills}` : ''}`;
    })
    .join('\n');
  const tools: ToolDefinition[] = [
    {
      name: 'delegate',
      description: 'Delegate the request (or one part of it) to a specialist agent.',
      parameters: {
        type: 'object',
        properties: {
          agent: { type: 'string', enum: ids, description: 'The specialist to delegate to.' },
          task: {
            type: 'string',
            description: "The sub-task, phrased for the specialist, in the customer's words where possible.",
          },
          reason: { type: 'string', description: 'Why this specialist.' },
        },
        required: ['agent', 'task', 'reason'],
        additionalProperties: false,
      },
    },
    {
      name: 'escalate_to_human',
      description: 'Hand the conversation to a human when no specialist fits or the customer needs a person.',
      parameters: {
        type: 'object',
        properties: { reason: { type: 'string' } },
        required: ['reason'],
        additionalProperties: false,
      },
    },
  ];
  // Every request shares these: frozen, so a model wrapper or a listener that edits a request's
  // tools in place fails loudly instead of changing every later call (and the ids checked below).
  return { agents: [...candidates], ids: deepFreeze(ids), roster, tools: deepFreeze(tools) };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const entry of Object.values(value)) deepFreeze(entry);
  }
  return value;
}

function agentNamed(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('agent' in value)) return undefined;
  const { agent } = value as { agent: unknown };
  return typeof agent === 'string' && agent.trim() !== '' ? agent : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
