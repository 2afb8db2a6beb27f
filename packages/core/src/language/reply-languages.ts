import type { Agent } from '../agent.js';

/**
 * The languages a reply may be in, best first: the customer's own, then — only when no delegate of
 * the team speaks it — the team's supported reply languages in the order given. A support desk
 * without an Italian specialist answers an Italian customer in English (as its people do) rather
 * than escalating every Italian message; a desk with a Spanish delegate still answers Spanish
 * customers in Spanish.
 *
 * @param options.customer - the customer's language (BCP 47)
 * @param options.supported - the languages the team may answer in, preferred first (a policy of the
 *   team or the suite; empty: only the customer's language)
 * @param options.team - the agents that could answer (the delegates the front agent may use, and
 *   the front agent itself)
 *
 * @example
 * ```ts
 * replyLanguages({ customer: 'it', supported: ['en', 'es'], team: [billing] }); // ['it', 'en', 'es']
 * ```
 */
export function replyLanguages(options: {
  customer: string;
  supported?: readonly string[];
  team: readonly Agent[];
}): string[] {
  const { customer } = options;
  const native = options.team.some((agent) => agent.card.languages.includes(customer));
  if (native) return [customer];
  return [customer, ...(options.supported ?? []).filter((language) => language !== customer)];
}
