import type { ChatModel } from './chat-model.js';
import type { ContextPolicy } from './context-policy.js';
import { defineStrategy } from './define-strategy.js';
import { llmSelector } from './llm-selector.js';
import type { Strategy } from './strategy.js';

/**
 * The front model chooses the delegate by tool call and phrases the sub-task (or escalates, or
 * answers small talk itself). Needs a model.
 */
export function routeLlm(options: {
  model: ChatModel;
  instructions?: string;
  transfer?: ContextPolicy;
}): Strategy {
  return defineStrategy({
    name: 'route-llm',
    description: `model ${options.model.provider}:${options.model.modelId} chooses by tool call`,
    select: llmSelector({
      model: options.model,
      ...(options.instructions ? { instructions: options.instructions } : {}),
    }),
    // The model's choice is the assessment: it already decided between delegating, answering and escalating.
    assess: (selection) => {
      if ((selection.human ?? 0) > 0)
        return { action: 'escalate', reason: selection.reason ?? 'model escalated' };
      if (selection.candidates.length === 0)
        return { action: 'self', reason: selection.reason ?? 'model answered' };
      return { action: 'delegate', reason: selection.reason ?? 'model chose' };
    },
    ...(options.transfer ? { transfer: options.transfer } : {}),
  });
}
