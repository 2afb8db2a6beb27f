import { answerDirectly } from './answer-directly.js';
import { type ContextPolicy, lastMessages } from './context-policy.js';
import type { Strategy } from './strategy.js';
import { defineTask } from './task-spec.js';

/**
 * The baseline: the front agent answers every turn alone, with no delegation. Any other strategy
 * has to beat this to justify itself.
 */
export function solo(options: { transfer?: ContextPolicy } = {}): Strategy {
  const transfer = options.transfer ?? lastMessages(6);
  return {
    specificationVersion: 'v1',
    name: 'solo',
    description: 'the front agent answers alone (baseline)',
    delegates: false,
    respond: (turn, { roster, scope, language }) =>
      answerDirectly({
        agent: roster.front,
        task: defineTask({ goal: turn.message, language }),
        turn,
        scope,
        transfer,
      }),
  };
}
