import type { DelegateProfile, ProfileDimension, ProfileMetrics } from './delegate-profile.js';

/** `[n, mean quality]`, optionally with a mean cost (USD), latency (ms) and tokens per turn. */
export type CellSpec = [
  n: number,
  quality: number,
  extra?: { costUsd?: number; latencyMs?: number; tokens?: number },
];

/**
 * A small profile for tests: agents with an overall cell and slices keyed `dimension:value`.
 * Intervals are not what these tests are about, so every interval is the mean itself.
 */
export function profileFixture(
  agents: Record<string, { overall: CellSpec; slices?: Record<string, CellSpec> }>,
  conversations: string[] = ['c1', 'c2'],
): DelegateProfile {
  return {
    version: 1,
    quality: 'nugget recall',
    intentClusters: 'first token',
    seed: 1,
    resamples: 100,
    source: {
      runs: ['fixture'],
      strategies: ['explore-1'],
      split: 'train',
      items: 0,
      conversations: [...conversations].sort(),
      digest: `sha256:${'0'.repeat(64)}`,
    },
    agents: Object.entries(agents).map(([agentId, spec]) => ({
      agentId,
      overall: metricsOf(spec.overall),
      slices: Object.entries(spec.slices ?? {}).map(([key, cell]) => {
        const [dimension, value] = key.split(':') as [ProfileDimension, string];
        return { dimension, value, metrics: metricsOf(cell) };
      }),
    })),
  };
}

function metricsOf([n, quality, extra = {}]: CellSpec): ProfileMetrics {
  const estimate = (mean: number | undefined) =>
    mean === undefined || n === 0
      ? { mean: null, ci95: null, n: 0 }
      : { mean, ci95: [mean, mean] as [number, number], n };
  return {
    quality: estimate(quality),
    fallbackRate: estimate(0),
    escalationRate: estimate(0),
    costUsd: estimate(extra.costUsd),
    latencyMs: estimate(extra.latencyMs),
    tokens: estimate(extra.tokens),
  };
}

/** A seeded uniform source (mulberry32) for deterministic exploration in tests. */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
