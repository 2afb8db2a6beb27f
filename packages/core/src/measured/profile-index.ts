import type { DelegateProfile, ProfileDimension, ProfileMetrics } from './delegate-profile.js';

/** A cell's quality evidence: turns measured and their mean (`null` when none). */
export interface QualityCell {
  n: number;
  mean: number | null;
}

/** A slice an online observation belongs to, with the weight it gets there. */
export interface ObservedSlice {
  dimension: ProfileDimension;
  value: string;
  /** 0–1: how likely the request belonged to the slice. */
  weight: number;
}

interface Tally {
  n: number;
  sum: number;
}

/** The expected-value metrics a router trades quality against. */
export type ExpectedMetric = 'costUsd' | 'latencyMs' | 'tokens';

/**
 * A delegate profile indexed for lookups, plus the observations learned online (verification
 * outcomes, when a measured router explores). Online observations add to the profile's counts: the
 * profile stays as read, the index holds the sum.
 */
export class ProfileIndex {
  private readonly overall = new Map<string, ProfileMetrics>();
  private readonly slices = new Map<string, ProfileMetrics>();
  private readonly online = new Map<string, Tally>();
  private pooled: number | undefined;

  /** @param profile - A validated profile. */
  constructor(readonly profile: DelegateProfile) {
    for (const agent of profile.agents) {
      this.overall.set(agent.agentId, agent.overall);
      for (const slice of agent.slices) {
        this.slices.set(sliceKey(agent.agentId, slice.dimension, slice.value), slice.metrics);
      }
    }
    this.pooled = this.computePooledQuality();
  }

  /** An agent's overall quality, or its quality on one slice, with what was learned online. */
  quality(agentId: string, slice?: { dimension: ProfileDimension; value: string }): QualityCell {
    const key = slice ? sliceKey(agentId, slice.dimension, slice.value) : overallKey(agentId);
    const measured = slice ? this.slices.get(key)?.quality : this.overall.get(agentId)?.quality;
    const n = measured?.mean == null ? 0 : measured.n;
    const learned = this.online.get(key);
    if (!learned || learned.n === 0) return { n, mean: n === 0 ? null : (measured?.mean ?? null) };
    const total = n + learned.n;
    const sum = (n === 0 ? 0 : n * (measured?.mean ?? 0)) + learned.sum;
    return { n: total, mean: sum / total };
  }

  /**
   * The mean quality over every measured turn of every agent (turn-weighted), the prior of an agent
   * the profile never measured; `undefined` when the profile measured nothing.
   */
  get pooledQuality(): number | undefined {
    return this.pooled;
  }

  /** An agent's measured mean cost, latency or tokens per turn; `undefined` when never measured. */
  measured(agentId: string, metric: ExpectedMetric): number | undefined {
    const estimate = this.overall.get(agentId)?.[metric];
    return estimate?.mean == null || estimate.n === 0 ? undefined : estimate.mean;
  }

  /** The turn-weighted mean of a metric over every measured agent; `undefined` when none. */
  pooledMeasured(metric: ExpectedMetric): number | undefined {
    let n = 0;
    let sum = 0;
    for (const agentId of [...this.overall.keys()].sort()) {
      const estimate = this.overall.get(agentId)?.[metric];
      if (estimate?.mean == null || estimate.n === 0) continue;
      n += estimate.n;
      sum += estimate.n * estimate.mean;
    }
    return n === 0 ? undefined : sum / n;
  }

  /**
   * Adds one observed outcome (0–1) of an agent: to its overall count with weight 1, and to each
   * slice with the slice's weight.
   */
  observe(agentId: string, slices: readonly ObservedSlice[], value: number): void {
    const clamped = Math.min(1, Math.max(0, value));
    add(this.online, overallKey(agentId), 1, clamped);
    for (const slice of slices) {
      if (slice.weight <= 0) continue;
      add(this.online, sliceKey(agentId, slice.dimension, slice.value), slice.weight, clamped);
    }
    this.pooled = this.computePooledQuality();
  }

  private computePooledQuality(): number | undefined {
    let n = 0;
    let sum = 0;
    // Sorted, so the floating sum is the same whatever order the profile lists its agents in.
    const agents = new Set([...this.overall.keys()]);
    for (const key of this.online.keys()) if (key.startsWith('o\u0000')) agents.add(key.slice(2));
    for (const agentId of [...agents].sort()) {
      const cell = this.quality(agentId);
      if (cell.mean === null || cell.n === 0) continue;
      n += cell.n;
      sum += cell.n * cell.mean;
    }
    return n === 0 ? undefined : sum / n;
  }
}

function overallKey(agentId: string): string {
  return `o\u0000${agentId}`;
}

function sliceKey(agentId: string, dimension: ProfileDimension, value: string): string {
  return `s\u0000${agentId}\u0000${dimension}\u0000${value}`;
}

function add(tallies: Map<string, Tally>, key: string, weight: number, value: number): void {
  const tally = tallies.get(key) ?? { n: 0, sum: 0 };
  tally.n += weight;
  tally.sum += weight * value;
  tallies.set(key, tally);
}
