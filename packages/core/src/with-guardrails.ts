import type { Agent, AgentOutput } from './agent.js';
import { emptyUsage } from './chat-model.js';
import type { Guardrail } from './guardrail.js';

/**
 * Wraps an agent so its guardrails inspect every input first. A triggered guardrail either declines
 * (the agent answers with the guardrail's reply, `status: 'declined'`) or asks for a human
 * (`status: 'needs-human'`, which sends the delegation straight to the human rung).
 */
export function withGuardrails(agent: Agent, guardrails: readonly Guardrail[]): Agent {
  const names = guardrails.map((guardrail) => guardrail.name);
  const card = { ...agent.card, guardrails: [...new Set([...agent.card.guardrails, ...names])] };
  return {
    id: agent.id,
    card,
    kind: agent.kind,
    async run(input, scope): Promise<AgentOutput> {
      for (const guardrail of guardrails) {
        const result = await guardrail.check(input);
        if (scope.emitting) {
          scope.emit({
            type: 'guardrail-end',
            id: `${scope.parentEventId ?? 'run'}:${guardrail.name}`,
            parentId: scope.parentEventId,
            agentId: agent.id,
            guardrail: guardrail.name,
            triggered: result.triggered,
            ...(result.action ? { action: result.action } : {}),
            reason: result.reason,
          });
        }
        if (result.triggered) {
          return {
            text: result.reply ?? result.reason,
            status: result.action === 'escalate' ? 'needs-human' : 'declined',
            confidence: 1,
            usage: emptyUsage,
            costUsd: 0,
          };
        }
      }
      return agent.run(input, scope);
    },
  };
}
