import type { ContextPolicy } from '../context-policy.js';
import { defineStrategy } from '../define-strategy.js';
import type { DelegationRecord } from '../delegation-record.js';
import type { FailureLadder } from '../failure-ladder.js';
import type { Strategy } from '../strategy.js';
import type { Verifier } from '../verifier.js';
import { measuredAssess } from './measured-assess.js';
import { type MeasuredSelectorOptions, measuredSelector } from './measured-selector.js';
import type { ProfileIndex } from './profile-index.js';

/** Options of {@link routeMeasured}. */
export interface RouteMeasuredOptions extends MeasuredSelectorOptions {
  /** Escalate when the description's probability of needing a human is at least this. Default 0.5. */
  escalateAt?: number;
  transfer?: ContextPolicy;
  /** Checks on the result; their outcomes are what online exploration learns from. */
  verify?: readonly Verifier[];
  ladder?: FailureLadder;
  /**
   * While exploring (`explore` set), learn from verification outcomes: an attempt accepted by its
   * verifiers counts as quality 1, a rejected or failed one as 0. Default `true` with `explore`.
   */
  learn?: boolean;
}

/**
 * Routes each turn to the delegate whose *measured* quality on this kind of request is best, at
 * the cost and latency the weights accept: capability cards say what agents claim, the profile
 * what they did. Ranking, shrinkage and the cost/latency trade-off are `measuredSelector`'s; the
 * front agent answers itself when its own measured utility is at least the best delegate's, and a
 * human takes over when the request probably needs one (`measuredAssess`). Allowlists, budgets,
 * cycles and depth hold as for every strategy.
 *
 * Offline (no `explore`) the router only exploits, so an evaluation is deterministic. Online, with
 * `explore: { random }`, it draws qualities from their posteriors (Thompson sampling) and learns
 * from each verified attempt of its first choice.
 *
 * @example
 * ```ts
 * const strategy = routeMeasured({
 *   profile: parseDelegateProfile(JSON.parse(await readFile('profile.json', 'utf8'))),
 *   weights: { cost: 20, latency: 0.01 },
 *   describe: classifierDescriber({ domains: TextClassifier.train(examples) }),
 * });
 * ```
 */
export function routeMeasured(options: RouteMeasuredOptions): Strategy & { readonly index: ProfileIndex } {
  const select = measuredSelector(options);
  const name = 'route-measured';
  const base = defineStrategy({
    name,
    description: `measured quality of ${options.profile.agents.length} agents${options.explore ? ', Thompson sampling' : ''}${options.verify && options.verify.length > 0 ? ', verified' : ', no verification'}`,
    select,
    assess: measuredAssess(options.escalateAt !== undefined ? { escalateAt: options.escalateAt } : {}),
    ...(options.transfer ? { transfer: options.transfer } : {}),
    ...(options.verify ? { verify: options.verify } : {}),
    ...(options.ladder ? { ladder: options.ladder } : {}),
  });
  const learn = options.explore !== undefined && options.learn !== false;
  return {
    ...base,
    index: select.index,
    async respond(turn, context) {
      const answer = await base.respond(turn, context);
      if (learn) for (const record of answer.delegations) learnFrom(record, select.index, name);
      return answer;
    },
  };
}

/** Adds the verified outcome of a delegation's first attempt to the index. */
function learnFrom(record: DelegationRecord, index: ProfileIndex, strategy: string): void {
  if (record.strategy !== strategy || record.chosenAgentId === null) return;
  const first = record.attempts.find((attempt) => attempt.rung === 'primary');
  if (!first || first.agentId !== record.chosenAgentId) return;
  // Unverified answers teach nothing: without verifiers every answer is "accepted".
  let value: number;
  if (first.outcome === 'error') value = 0;
  else if (first.verdicts.length > 0) value = first.outcome === 'accepted' ? 1 : 0;
  else return;
  const evidence = record.candidates.find((candidate) => candidate.agentId === first.agentId)?.profile;
  const slices = (evidence?.slices ?? []).map((slice) => ({
    dimension: slice.dimension,
    value: slice.value,
    weight: slice.probability,
  }));
  index.observe(first.agentId, slices, value);
}
