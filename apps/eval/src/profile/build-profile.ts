import {
  type AgentProfile,
  type DelegateProfile,
  intentClusterMethod,
  intentClusterOf,
  type ProfileDimension,
  type ProfileEstimate,
  type ProfileMetrics,
  profileDimensions,
} from '@baton/core';
import { rowNames } from '../answer-rows.js';
import type { ItemResult } from '../item-result.js';
import { clusterBootstrap } from '../stats/cluster-bootstrap.js';
import { purposeSeed } from '../stats/purpose-seed.js';
import { itemMetricValue } from '../summary/item-metric-value.js';
import { compareText } from '../summary/turn-units.js';
import { profileDigest } from './profile-digest.js';

/** Options of {@link buildDelegateProfile}. */
export interface BuildProfileOptions {
  /** Bootstrap seed; every interval draws its own stream derived from it. */
  seed: number;
  resamples: number;
  /** Where the items came from (run folder names), for the record. */
  runs: readonly string[];
  /** How quality was scored (the run's scorer description). */
  quality: string;
  /** The side of the split the items came from, or `null` when mixed or unknown. */
  split: string | null;
}

const metricNames = ['quality', 'fallbackRate', 'escalationRate', 'costUsd', 'latencyMs', 'tokens'] as const;
type MetricName = (typeof metricNames)[number];

/** One (agent, turn) observation, its repeats and strategies folded into one unit. */
interface Unit {
  agentId: string;
  itemId: string;
  conversationId: string;
  slices: { dimension: ProfileDimension; value: string }[];
  sums: Record<MetricName, { sum: number; count: number }>;
}

/**
 * Which agent an item measures: the first choice of its one top-level delegation (the agent the
 * router chose; what its ladder then did is part of that choice's outcome), or the agent that
 * answered when the turn was answered without delegating (the front agent answering itself).
 * Items with several top-level delegations (a split request), escalations before any delegation,
 * and the rows that answer without a team (floor probes, the recorded bot) measure no agent.
 *
 * @returns The agent id, or `undefined`.
 */
export function measuredAgentOf(item: ItemResult): string | undefined {
  if (rowNames.has(item.strategy)) return undefined;
  const topLevel = item.delegations.filter((record) => record.depth <= 1);
  if (topLevel.length > 1) return undefined;
  const record = topLevel[0];
  if (record) return record.chosenAgentId ?? undefined;
  if (item.outcome === 'answered' && item.respondedBy.length === 1) return item.respondedBy[0];
  return undefined;
}

/**
 * Turns evaluated items into a delegate performance profile: for each agent ({@link measuredAgentOf})
 * overall and per slice — each gold domain, the gold language, and the intent cluster
 * (`intentClusterOf`, the first token of the gold intent) — the answer quality, fallback and
 * escalation rates (the summary's definitions and denominators), and cost, latency and tokens per
 * turn, each with its n and a 95% bootstrap interval resampled by conversation.
 *
 * A turn measured several times for the same agent (several strategies chose it, or `--repeat`)
 * is one unit, the mean of its values, so agreement between strategies is not counted as extra
 * evidence. Units are put in canonical order first and each interval draws its own seeded stream,
 * so the same items give the same profile whatever their order.
 *
 * @param items - Items of one or more runs, any order.
 * @param options - Seed, resamples and what the items are.
 * @returns The profile, listing every conversation the items came from.
 *
 * @example
 * ```ts
 * const profile = buildDelegateProfile(items, { seed: 1, resamples: 2000, runs: ['2025-06-01'], quality: 'nugget recall', split: 'train' });
 * ```
 */
export function buildDelegateProfile(
  items: readonly ItemResult[],
  options: BuildProfileOptions,
): DelegateProfile {
  const units = new Map<string, Unit>();
  const conversations = new Set<string>();
  const strategies = new Set<string>();
  let measuredItems = 0;
  for (const item of items) {
    if (rowNames.has(item.strategy)) continue;
    conversations.add(item.conversationId);
    strategies.add(item.strategy);
    const agentId = measuredAgentOf(item);
    if (agentId === undefined) continue;
    measuredItems += 1;
    const key = `${agentId}\u0000${item.itemId}`;
    let unit = units.get(key);
    if (!unit) {
      unit = {
        agentId,
        itemId: item.itemId,
        conversationId: item.conversationId,
        slices: slicesOf(item),
        sums: Object.fromEntries(metricNames.map((name) => [name, { sum: 0, count: 0 }])) as Unit['sums'],
      };
      units.set(key, unit);
    }
    for (const name of metricNames) {
      const value = metricValue(item, name);
      if (value === null) continue;
      unit.sums[name].sum += value;
      unit.sums[name].count += 1;
    }
  }
  const byAgent = new Map<string, Unit[]>();
  for (const unit of units.values()) {
    const list = byAgent.get(unit.agentId) ?? [];
    list.push(unit);
    byAgent.set(unit.agentId, list);
  }
  const agents: AgentProfile[] = [...byAgent.keys()].sort(compareText).map((agentId) => {
    const agentUnits = byAgent
      .get(agentId)!
      .sort((a, b) => compareText(a.conversationId, b.conversationId) || compareText(a.itemId, b.itemId));
    const slices = new Map<string, { dimension: ProfileDimension; value: string; units: Unit[] }>();
    for (const unit of agentUnits) {
      for (const slice of unit.slices) {
        const key = `${slice.dimension}\u0000${slice.value}`;
        const entry = slices.get(key) ?? { ...slice, units: [] };
        entry.units.push(unit);
        slices.set(key, entry);
      }
    }
    const order = (dimension: ProfileDimension) => profileDimensions.indexOf(dimension);
    return {
      agentId,
      overall: metricsOf(agentUnits, `${agentId}:overall`, options),
      slices: [...slices.values()]
        .sort((a, b) => order(a.dimension) - order(b.dimension) || compareText(a.value, b.value))
        .map((slice) => ({
          dimension: slice.dimension,
          value: slice.value,
          metrics: metricsOf(slice.units, `${agentId}:${slice.dimension}:${slice.value}`, options),
        })),
    };
  });
  const ids = [...conversations].sort(compareText);
  return {
    version: 1,
    quality: options.quality,
    intentClusters: intentClusterMethod,
    seed: options.seed,
    resamples: options.resamples,
    source: {
      runs: [...options.runs],
      strategies: [...strategies].sort(compareText),
      split: options.split,
      items: measuredItems,
      conversations: ids,
      digest: profileDigest(ids),
    },
    agents,
  };
}

function slicesOf(item: ItemResult): Unit['slices'] {
  const slices: Unit['slices'] = [];
  for (const domain of [...new Set(item.gold.domains)].sort(compareText))
    slices.push({ dimension: 'domain', value: domain });
  if (item.gold.language) slices.push({ dimension: 'language', value: item.gold.language });
  if (item.gold.intent) slices.push({ dimension: 'intent', value: intentClusterOf(item.gold.intent) });
  return slices;
}

function metricValue(item: ItemResult, name: MetricName): number | null {
  switch (name) {
    case 'quality':
      return itemMetricValue(item, 'answerQuality');
    case 'fallbackRate':
      return itemMetricValue(item, 'fallbackRate');
    case 'escalationRate':
      return itemMetricValue(item, 'escalationRate');
    case 'costUsd':
      return item.costUsd;
    case 'latencyMs':
      return item.latencyMs;
    case 'tokens':
      return item.usage.inputTokens + item.usage.outputTokens;
  }
}

function metricsOf(
  units: readonly Unit[],
  purpose: string,
  options: { seed: number; resamples: number },
): ProfileMetrics {
  const estimate = (name: MetricName): ProfileEstimate => {
    const values = units.flatMap((unit) => {
      const { sum, count } = unit.sums[name];
      return count === 0 ? [] : [{ cluster: unit.conversationId, value: sum / count }];
    });
    // Every resample of identical values has their mean: the interval is known without drawing
    // (offline, cost and tokens are 0 and an exploration arm never falls back).
    const first = values[0]?.value;
    if (first !== undefined && values.every((entry) => entry.value === first)) {
      return { mean: first, ci95: [first, first], n: values.length };
    }
    const result = clusterBootstrap(values, {
      seed: purposeSeed(options.seed, `profile:${purpose}:${name}`),
      resamples: options.resamples,
    });
    return {
      mean: result.mean ?? null,
      ci95: result.ci95 === undefined ? null : [result.ci95[0], result.ci95[1]],
      n: result.n,
    };
  };
  return Object.fromEntries(metricNames.map((name) => [name, estimate(name)])) as ProfileMetrics;
}
