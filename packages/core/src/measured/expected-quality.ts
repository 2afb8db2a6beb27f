import type { ProfileDimension, ProfileEntryUsed } from './delegate-profile.js';
import type { ProfileIndex, QualityCell } from './profile-index.js';
import type { RequestDescription } from './request-describer.js';

/** Inputs of {@link expectedQuality}. */
export interface ExpectedQualityInput {
  index: ProfileIndex;
  agentId: string;
  description: RequestDescription;
  /**
   * Prior strength k, in pseudo-turns: how many measured turns weigh as much as the prior. A slice
   * with n turns moves n / (n + k) of the way from the agent's overall mean to its own mean.
   */
  priorStrength: number;
  /** Domain and intent probabilities below this are ignored (their mass counts as "unknown"). */
  minProbability: number;
  /** Thompson sampling: draw each quality from its Beta(α, β) posterior instead of taking the mean. */
  draw?: (alpha: number, beta: number) => number;
}

/** What {@link expectedQuality} found, with the entries it used. */
export interface ExpectedQualityResult {
  /** Expected answer quality, 0–1. */
  value: number;
  overall: { n: number; mean: number | null; estimate: number };
  slices: ProfileEntryUsed[];
}

/** The quality prior of an agent when the profile measured nobody at all (a uniform Beta(1, 1)). */
export const uninformedQuality = 0.5;

/**
 * An agent's expected answer quality on a request, from its profile, by empirical-Bayes shrinkage:
 *
 * 1. The agent's overall mean is shrunk towards the pooled mean of every measured agent, μ₀:
 *    μ̃ = (n·m + k·μ₀) / (n + k) — the mean of the Beta posterior with prior Beta(k·μ₀, k·(1−μ₀))
 *    after n turns of mean m. An agent the profile never measured gets μ₀ itself.
 * 2. Each slice the request may belong to is shrunk towards the agent's overall mean:
 *    θ̃ᵥ = (nᵥ·mᵥ + k·μ̃) / (nᵥ + k), so a small slice says little and an unseen one says nothing.
 * 3. Per dimension, the slices are weighted by the request's probabilities (mass below
 *    `minProbability` or unaccounted for goes to μ̃): θ̃_D = Σ pᵥ·θ̃ᵥ + (1 − Σ pᵥ)·μ̃, and its lift
 *    is L_D = θ̃_D / μ̃.
 * 4. The lifts multiply (a log-additive main-effects model, as rates behave):
 *    E[q] = μ̃ · L_language · L_domain · L_intent, clamped to [0, 1]; a dimension the request is not
 *    described on has lift 1. (Domain and intent are nested, but a geometric mean of their lifts
 *    did no better in 5-fold cross-validation on the support suite's train split; see the README.)
 *
 * With `draw`, every μ̃ and θ̃ᵥ is a draw from its Beta posterior instead (Thompson sampling); the
 * slices' priors stay centred on the posterior mean of μ.
 */
export function expectedQuality(input: ExpectedQualityInput): ExpectedQualityResult {
  const { index, agentId, description, priorStrength: k } = input;
  const pooled = index.pooledQuality ?? uninformedQuality;
  const overallCell = index.quality(agentId);
  const overallPosterior = posterior(overallCell, pooled, k);
  const overallMean = overallPosterior.alpha / (overallPosterior.alpha + overallPosterior.beta);
  const overall = input.draw ? input.draw(overallPosterior.alpha, overallPosterior.beta) : overallMean;

  const used: ProfileEntryUsed[] = [];
  const lifts = new Map<ProfileDimension, number>();
  const dimensions: [ProfileDimension, readonly { value: string; probability: number }[]][] = [
    ['language', description.language ? [{ value: description.language, probability: 1 }] : []],
    ['domain', description.domains ?? []],
    ['intent', description.intents ?? []],
  ];
  for (const [dimension, beliefs] of dimensions) {
    const kept = beliefs
      .filter((belief) => belief.probability >= input.minProbability && belief.probability > 0)
      .sort((a, b) => b.probability - a.probability || compare(a.value, b.value));
    if (kept.length === 0) continue;
    const mass = kept.reduce((sum, belief) => sum + belief.probability, 0);
    const scale = mass > 1 ? 1 / mass : 1;
    let weighted = 0;
    for (const belief of kept) {
      const cell = index.quality(agentId, { dimension, value: belief.value });
      const slicePosterior = posterior(cell, overallMean, k);
      const estimate = input.draw
        ? input.draw(slicePosterior.alpha, slicePosterior.beta)
        : slicePosterior.alpha / (slicePosterior.alpha + slicePosterior.beta);
      const probability = belief.probability * scale;
      weighted += probability * estimate;
      used.push({
        dimension,
        value: belief.value,
        probability: round(probability),
        ...cellOf(cell),
        estimate,
      });
    }
    const sliceQuality = weighted + (1 - Math.min(1, mass * scale)) * overall;
    lifts.set(dimension, overall > 0 ? sliceQuality / overall : 1);
  }
  let value = overall;
  for (const dimension of ['language', 'domain', 'intent'] as const) value *= lifts.get(dimension) ?? 1;
  value = clamp01(value);
  return {
    value,
    overall: { ...cellOf(overallCell), estimate: overall },
    slices: used,
  };
}

/** Beta posterior of a cell whose prior has mean `prior` and strength `k` pseudo-turns. */
function posterior(cell: QualityCell, prior: number, k: number): { alpha: number; beta: number } {
  const mean = cell.mean ?? 0;
  const n = cell.mean === null ? 0 : cell.n;
  // A tiny floor keeps both shapes positive when the prior sits at 0 or 1 and nothing contradicts it.
  const floor = 1e-6;
  return {
    alpha: Math.max(floor, k * prior + n * mean),
    beta: Math.max(floor, k * (1 - prior) + n * (1 - mean)),
  };
}

function cellOf(cell: QualityCell): { n: number; mean: number | null } {
  return { n: round(cell.n), mean: cell.mean };
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
