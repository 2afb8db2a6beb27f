import type { Agent } from '../agent.js';
import { BatonError } from '../baton-error.js';
import type { CandidateScore } from '../delegation-record.js';
import type { RunScope } from '../run-scope.js';
import type { Selection, SelectionRequest, Selector } from '../selector.js';
import type { DelegateProfile, ExpectationSource, ProfileEvidence } from './delegate-profile.js';
import { expectedQuality } from './expected-quality.js';
import { type ExpectedMetric, ProfileIndex } from './profile-index.js';
import type { RequestDescriber, RequestDescription } from './request-describer.js';
import { sampleBeta, type UniformSource } from './sample-beta.js';

/**
 * How much quality a measured router gives up for cost and speed: utility = E[quality] −
 * `cost` × expected USD − `latency` × expected seconds. Both default to 0 (quality alone decides).
 */
export interface MeasuredWeights {
  /** Quality points (0–1 scale) one US dollar per turn is worth. */
  cost?: number;
  /** Quality points one second of latency per turn is worth. */
  latency?: number;
}

/** Options of {@link measuredSelector}. */
export interface MeasuredSelectorOptions {
  /** What the delegates were measured to do (validated: see `parseDelegateProfile`). */
  profile: DelegateProfile;
  weights?: MeasuredWeights;
  /**
   * Describes a request (its domain and intent-cluster probabilities, a human's probability).
   * Default: only the language the team detected.
   */
  describe?: RequestDescriber;
  /** Prior strength k of the shrinkage, in pseudo-turns (see `expectedQuality`). Default 10. */
  priorStrength?: number;
  /** Domain and intent probabilities below this are ignored. Default 0.05. */
  minProbability?: number;
  /**
   * Rank only the `size` best candidates of another selector (default 2), e.g. a trained router:
   * choosing the maximum of many noisy estimates favours whichever agent was luckiest in the
   * profile (the winner's curse), and a shortlist keeps the choice among plausible agents. Default:
   * every eligible candidate is ranked.
   */
  shortlist?: { selector: Selector; size?: number };
  /**
   * Online exploration: Thompson sampling over the Beta posteriors of quality, drawing with this
   * uniform source (inject a seeded one for reproducible runs). Offline evaluation leaves it unset:
   * the router then only exploits (posterior means).
   */
  explore?: { random: UniformSource };
  /** Clock for the deadline check; default `Date.now`. */
  now?: () => number;
}

/** A measured selector, with the index it reads (and that online learning writes). */
export interface MeasuredSelector extends Selector {
  readonly index: ProfileIndex;
}

/** The default prior strength k: ten measured turns weigh as much as the prior. */
export const defaultPriorStrength = 10;

const tierOrder: Record<string, number> = { low: 0, medium: 1, high: 2 };

interface Scored {
  agent: Agent;
  evidence: ProfileEvidence;
  tokens: number | undefined;
}

/**
 * Selects delegates by measured performance: each eligible candidate's expected answer quality on
 * this kind of request (from the profile, shrunk towards the agent's overall mean where a slice is
 * small), minus its expected cost and latency by the weights. The capability card's `cost.usdPerCall`
 * and `latency.p50Ms` are the priors of an agent the profile never measured. Candidates whose
 * expected cost, tokens or latency exceed what the scope's budget and deadline have left are
 * dropped (and named in the reason). The front agent is scored the same way as `self`, and the
 * description's `human` probability becomes `human`; pair it with `measuredAssess`.
 *
 * Every candidate carries the profile entries that decided its score (`candidates[].profile`), so
 * the delegation record says why it was chosen. A candidate's `score` is its utility clamped to
 * [0, 1].
 *
 * @example
 * ```ts
 * const select = measuredSelector({ profile, weights: { cost: 10 }, describe: classifierDescriber({ domains }) });
 * ```
 */
export function measuredSelector(options: MeasuredSelectorOptions): MeasuredSelector {
  const priorStrength = options.priorStrength ?? defaultPriorStrength;
  if (!(priorStrength > 0) || !Number.isFinite(priorStrength)) {
    throw new BatonError(
      'invalid-argument',
      `priorStrength must be a positive number, got ${priorStrength}.`,
    );
  }
  const minProbability = options.minProbability ?? 0.05;
  const costWeight = options.weights?.cost ?? 0;
  const latencyWeight = options.weights?.latency ?? 0;
  const now = options.now ?? Date.now;
  const index = new ProfileIndex(options.profile);
  const explore = options.explore;
  const draw = explore ? (alpha: number, beta: number) => sampleBeta(alpha, beta, explore.random) : undefined;

  const expectation = (agent: Agent, metric: ExpectedMetric) => {
    const measured = index.measured(agent.id, metric);
    if (measured !== undefined) return { value: measured, source: 'profile' as ExpectationSource };
    const card =
      metric === 'costUsd'
        ? agent.card.cost?.usdPerCall
        : metric === 'latencyMs'
          ? agent.card.latency?.p50Ms
          : undefined;
    if (card !== undefined) return { value: card, source: 'card' as ExpectationSource };
    const pooled = index.pooledMeasured(metric);
    if (pooled !== undefined) return { value: pooled, source: 'pooled' as ExpectationSource };
    return { value: null, source: 'none' as ExpectationSource };
  };

  const score = (agent: Agent, description: RequestDescription): Scored => {
    const quality = expectedQuality({
      index,
      agentId: agent.id,
      description,
      priorStrength,
      minProbability,
      ...(draw ? { draw } : {}),
    });
    const cost = expectation(agent, 'costUsd');
    const latency = expectation(agent, 'latencyMs');
    const utility =
      quality.value - costWeight * (cost.value ?? 0) - latencyWeight * ((latency.value ?? 0) / 1000);
    return {
      agent,
      tokens: expectation(agent, 'tokens').value ?? undefined,
      evidence: {
        overall: { ...quality.overall, estimate: round(quality.overall.estimate) },
        slices: quality.slices.map((slice) => ({ ...slice, estimate: round(slice.estimate) })),
        expectedQuality: round(quality.value),
        costUsd: cost,
        latencyMs: latency,
        utility: round(utility),
        ...(draw ? { sampled: true } : {}),
      },
    };
  };

  return {
    name: 'measured',
    index,
    async select(request: SelectionRequest, scope: RunScope): Promise<Selection> {
      const described = options.describe ? await options.describe(request) : {};
      const description: RequestDescription = { language: request.language, ...described };
      const front = score(request.front, description);
      let pool = request.candidates;
      let shortlisted: string | undefined;
      if (options.shortlist) {
        const proposed = await options.shortlist.selector.select(request, scope);
        const ids = proposed.candidates.slice(0, options.shortlist.size ?? 2).map((entry) => entry.agentId);
        // Only agents the request offers: a shortlist can never widen the allowlist.
        pool = request.candidates.filter((agent) => ids.includes(agent.id));
        shortlisted = `shortlist (${options.shortlist.selector.name}): ${pool.map((agent) => agent.id).join(', ') || 'none'}`;
      }
      const overBudget: string[] = [];
      const affordable: Scored[] = [];
      const left = scope.budget.remaining();
      const timeLeft = Math.min(
        left.wallTimeMs,
        scope.deadline === undefined ? Number.POSITIVE_INFINITY : scope.deadline - now(),
      );
      for (const agent of pool) {
        const scored = score(agent, description);
        const why = budgetProblem(scored, { costUsd: left.costUsd, tokens: left.tokens, timeMs: timeLeft });
        if (why) overBudget.push(`${agent.id} (${why})`);
        else affordable.push(scored);
      }
      affordable.sort(
        (a, b) =>
          b.evidence.utility - a.evidence.utility ||
          (tierOrder[a.agent.card.cost?.tier ?? 'medium'] ?? 1) -
            (tierOrder[b.agent.card.cost?.tier ?? 'medium'] ?? 1) ||
          compare(a.agent.id, b.agent.id),
      );
      const candidates: CandidateScore[] = affordable.map((scored) => ({
        agentId: scored.agent.id,
        score: clamp01(scored.evidence.utility),
        reason: describeEvidence(scored.evidence),
        profile: scored.evidence,
      }));
      const top = candidates[0];
      const parts = [
        top
          ? `best measured: ${top.agentId} (${top.reason})`
          : pool.length === 0
            ? 'no delegate to choose from'
            : 'no delegate within budget',
        `front desk ${request.front.id}: utility ${front.evidence.utility}`,
        ...(shortlisted ? [shortlisted] : []),
        ...(overBudget.length > 0 ? [`over budget: ${overBudget.join(', ')}`] : []),
      ];
      return {
        candidates,
        self: clamp01(front.evidence.utility),
        ...(description.human !== undefined ? { human: round(description.human) } : {}),
        reason: parts.join('; '),
      };
    },
  };
}

function budgetProblem(
  scored: Scored,
  left: { costUsd: number; tokens: number; timeMs: number },
): string | undefined {
  const { costUsd, latencyMs } = scored.evidence;
  if (costUsd.value !== null && costUsd.value > left.costUsd) {
    return `expected $${costUsd.value.toFixed(4)} > $${Math.max(0, left.costUsd).toFixed(4)} left`;
  }
  if (scored.tokens !== undefined && scored.tokens > left.tokens) {
    return `expected ${Math.round(scored.tokens)} tokens > ${Math.max(0, left.tokens)} left`;
  }
  if (latencyMs.value !== null && latencyMs.value > left.timeMs) {
    return `expected ${Math.round(latencyMs.value)} ms > ${Math.max(0, Math.round(left.timeMs))} ms left`;
  }
  return undefined;
}

function describeEvidence(evidence: ProfileEvidence): string {
  const slices = evidence.slices
    .filter((slice) => slice.probability >= 0.2)
    .map(
      (slice) =>
        `${slice.dimension} ${slice.value}${slice.probability < 1 ? ` p=${slice.probability}` : ''} n=${slice.n} → ${slice.estimate}`,
    );
  const trade = evidence.utility !== evidence.expectedQuality ? `, utility ${evidence.utility}` : '';
  return `E[q] ${evidence.expectedQuality} from overall n=${evidence.overall.n} → ${evidence.overall.estimate}${slices.length > 0 ? `; ${slices.join('; ')}` : ''}${trade}`;
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, round(value)));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
