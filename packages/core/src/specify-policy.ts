import type { Agent } from './agent.js';
import type { Selection } from './selector.js';
import { defineTask, type TaskSpec } from './task-spec.js';

/** Task specification (step 3): turns the request into a task for the chosen delegate. */
export type SpecifyPolicy = (request: {
  text: string;
  language: string;
  selection: Selection;
  delegate: Agent | undefined;
}) => TaskSpec;

/**
 * The default specification: the customer's request as the goal (or the goal an LLM router phrased),
 * the customer's language as a constraint, and acceptance criteria every support answer should meet.
 */
export const defaultSpecify: SpecifyPolicy = ({ text, language, selection, delegate }) =>
  defineTask({
    goal: selection.goal ?? text,
    language,
    ...(delegate?.card.domains[0] !== undefined ? { domain: delegate.card.domains[0] } : {}),
    constraints: [
      `Answer in the customer's language (${language}).`,
      'Stay within your domain; say so if the request is outside it.',
    ],
    acceptanceCriteria: ['Answers the customer’s actual question.', 'States only facts from your knowledge.'],
  });
