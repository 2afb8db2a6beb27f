import type { Agent } from './agent.js';
import type { BudgetLimits } from './budget.js';
import { replyLanguages } from './language/index.js';
import type { RunScope } from './run-scope.js';
import type { Selection } from './selector.js';
import { defineTask, type TaskSpec } from './task-spec.js';
import type { AcceptanceCriterion } from './verify/acceptance-criterion.js';

/** What the specify step knows when it writes a task. */
export interface SpecifyRequest {
  /** The request (or the part of it this delegation is for). */
  text: string;
  /** The customer's language. */
  language: string;
  selection: Selection;
  /** The chosen delegate; `undefined` when the front agent answers itself. */
  delegate: Agent | undefined;
  /** Every agent that could answer (the front agent's delegates and the front agent). */
  team?: readonly Agent[];
  /** The languages the team may answer in (see `createTeam({ replyLanguages })`). */
  replyLanguages?: readonly string[];
  /** The enclosing scope: its deadline and what is left of its budget bound the task's. */
  scope?: RunScope;
}

/** Task specification (step 3): turns the request into a task for the chosen delegate. */
export type SpecifyPolicy = (request: SpecifyRequest) => TaskSpec;

/** Options of {@link specifyFromCard}. */
export interface SpecifyFromCardOptions {
  /** Longest answer accepted, in words (a typed `max-length` criterion). Default 250. */
  maxWords?: number;
  /**
   * Phrases no answer may contain (a typed `must-not-contain` criterion). Default: the redaction
   * placeholders (`[email]`, `[phone]`…), which must never reach a customer.
   */
  mustNotContain?: readonly string[];
  /** The task's cost budget is the card's `cost.usdPerCall` times this (retries included). Default 3. */
  costAllowance?: number;
  /** The task's wall-time budget is the card's `latency.p50Ms` times this. Default 4. */
  latencyAllowance?: number;
}

const placeholders = ['[email]', '[phone]', '[iban]', '[card]', '[name]', '[address]', '[id]'];

/**
 * A specify step that fills the task from the delegate's capability card and the scope: the goal
 * (the router's phrasing, else the request), instructions naming the delegate's role and domain,
 * the reply languages (the customer's, then the team's supported ones when no agent speaks it),
 * free-text acceptance criteria for the LLM verifier, typed criteria the default verifiers check
 * (maximum length, must-not-contain), the format (`json` when an output schema is asked for),
 * a budget from the card's cost and latency, bounded by what the scope has left, and the scope's
 * deadline. The delegation record shows all of it.
 *
 * @example
 * ```ts
 * const strategy = defineStrategy({ name: 'brief', select: lexicalSelector(), specify: specifyFromCard({ maxWords: 120 }) });
 * ```
 */
export function specifyFromCard(options: SpecifyFromCardOptions = {}): SpecifyPolicy {
  const maxWords = options.maxWords ?? 250;
  const mustNotContain = options.mustNotContain ?? placeholders;
  const costAllowance = options.costAllowance ?? 3;
  const latencyAllowance = options.latencyAllowance ?? 4;
  return ({ text, language, selection, delegate, team, replyLanguages: supported, scope }) => {
    const card = delegate?.card;
    const domain = card?.domains[0];
    const languages = replyLanguages({
      customer: language,
      ...(supported ? { supported } : {}),
      team: team ?? (delegate ? [delegate] : []),
    });
    const criteria: AcceptanceCriterion[] = [{ type: 'max-length', words: maxWords }];
    if (mustNotContain.length > 0) criteria.push({ type: 'must-not-contain', phrases: [...mustNotContain] });
    const budget = budgetFrom(delegate, scope, costAllowance, latencyAllowance);
    const others = languages.slice(1);
    return defineTask({
      goal: (selection.goal ?? text).trim(),
      ...(card
        ? {
            instructions: `You handle this for the customer as ${card.name}${
              card.domains.length > 0 ? ` (${card.domains.join(', ')})` : ''
            }.`,
          }
        : {}),
      language,
      ...(languages.length > 1 ? { replyLanguages: languages } : {}),
      ...(domain !== undefined ? { domain } : {}),
      constraints: [
        others.length > 0
          ? `Answer in the customer's language (${language}) if you can, otherwise in ${others.join(' or ')}.`
          : `Answer in the customer's language (${language}).`,
        'Stay within your domain; say so if the request is outside it.',
      ],
      acceptanceCriteria: [
        'Answers the customer’s actual question.',
        'States only facts from your knowledge.',
      ],
      criteria,
      format: 'text',
      ...(budget ? { budget } : {}),
      ...(scope?.deadline !== undefined ? { deadline: scope.deadline } : {}),
    });
  };
}

/**
 * The default specification ({@link specifyFromCard} with its defaults).
 */
export const defaultSpecify: SpecifyPolicy = specifyFromCard();

function budgetFrom(
  delegate: Agent | undefined,
  scope: RunScope | undefined,
  costAllowance: number,
  latencyAllowance: number,
): BudgetLimits | undefined {
  const card = delegate?.card;
  const left = scope?.budget.remaining();
  const budget: BudgetLimits = {};
  const cost = card?.cost?.usdPerCall;
  if (cost !== undefined) budget.costUsd = Math.min(cost * costAllowance, left?.costUsd ?? Infinity);
  const latency = card?.latency?.p50Ms;
  if (latency !== undefined)
    budget.wallTimeMs = Math.min(latency * latencyAllowance, left?.wallTimeMs ?? Infinity);
  return Object.keys(budget).length > 0 ? budget : undefined;
}
