import type { RunSummary } from '../src/run-summary.js';

/**
 * A summary without what differs between two runs of the same inputs: the run's id and times,
 * the run folder's own path (in the paths of files the run wrote there), and every strategy's
 * latency (wall time, which a loaded machine stretches). Everything else, means, intervals,
 * comparisons, gates, is a function of the items and must be identical.
 *
 * @param out - The run folder the summary was written to.
 */
export function comparableSummary(summary: RunSummary, out: string): unknown {
  const { runId: _runId, createdAt: _createdAt, durationMs: _durationMs, ...rest } = summary;
  const withoutLatency = {
    ...rest,
    strategies: summary.strategies.map((strategy) => {
      const { latencyMs: _latencyMs, ...metrics } = strategy.metrics;
      return { ...strategy, metrics };
    }),
  };
  return JSON.parse(JSON.stringify(withoutLatency).split(JSON.stringify(out).slice(1, -1)).join('<out>'));
}
