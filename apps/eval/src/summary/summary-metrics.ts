/**
 * The per-strategy rates that get a bootstrap interval, a paired comparison and a gate, in the
 * order every report lists them.
 */
export const summaryMetricNames = [
  'answerQuality',
  'fallbackRate',
  'escalationRate',
  'humanCleanup',
  'routingAccuracy',
  'passRate',
] as const;

/** One of {@link summaryMetricNames}. */
export type SummaryMetricName = (typeof summaryMetricNames)[number];

/** How a summary metric reads: its label, direction and denominator (see METRICS.md). */
export interface SummaryMetricInfo {
  /** Lower-case label for prose and tables, e.g. `answer quality`. */
  label: string;
  higherIsBetter: boolean;
  /** The turns the mean is taken over, in words, for "no data" messages. */
  denominator: string;
}

/** Label, direction and denominator of every {@link SummaryMetricName}. */
export const summaryMetrics: Readonly<Record<SummaryMetricName, SummaryMetricInfo>> = {
  answerQuality: {
    label: 'answer quality',
    higherIsBetter: true,
    denominator: 'turns with a quality score (escalated turns excluded)',
  },
  fallbackRate: { label: 'fallback rate', higherIsBetter: false, denominator: 'delegation-attempted turns' },
  escalationRate: { label: 'escalation rate', higherIsBetter: false, denominator: 'turns' },
  humanCleanup: { label: 'human cleanup', higherIsBetter: false, denominator: 'turns with a cleanup score' },
  routingAccuracy: {
    label: 'routing accuracy',
    higherIsBetter: true,
    denominator: 'turns with gold domains',
  },
  passRate: { label: 'pass rate', higherIsBetter: true, denominator: 'turns with a pass/fail' },
};

/**
 * Whether `name` is one of {@link summaryMetricNames}.
 *
 * @param name - Any string, e.g. from a command line.
 */
export function isSummaryMetricName(name: string): name is SummaryMetricName {
  return (summaryMetricNames as readonly string[]).includes(name);
}
