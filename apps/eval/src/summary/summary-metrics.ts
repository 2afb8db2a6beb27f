/**
 * The per-strategy rates that get a bootstrap interval, a paired comparison and a gate, in the
 * order every report lists them.
 */
export const summaryMetricNames = [
  'answerQuality',
  'answeredQuality',
  'tokenF1',
  'fallbackRate',
  'escalationRate',
  'unnecessaryEscalationRate',
  'missedEscalationRate',
  'humanCleanup',
  'recordedHter',
  'routingAccuracy',
  'passRate',
] as const;

/** One of {@link summaryMetricNames}. */
export type SummaryMetricName = (typeof summaryMetricNames)[number];

/** How a summary metric reads: its label, direction and denominator (see the README). */
export interface SummaryMetricInfo {
  /** Lower-case label for prose and tables, e.g. `answer quality`. */
  label: string;
  higherIsBetter: boolean;
  /** The turns the mean is taken over, in words, for "no data" messages. */
  denominator: string;
  /** Secondary metrics are reported but not headlined (the table lists them after the headline ones). */
  secondary?: boolean;
  /** Compared with the baseline (the `recorded` row's own true HTER is not). */
  compared: boolean;
}

/** Label, direction and denominator of every {@link SummaryMetricName}. */
export const summaryMetrics: Readonly<Record<SummaryMetricName, SummaryMetricInfo>> = {
  answerQuality: {
    label: 'answer quality',
    higherIsBetter: true,
    denominator: 'turns with nuggets to check (escalations: 1 if a human was needed, else 0; failures 0)',
    compared: true,
  },
  answeredQuality: {
    label: 'answered-only quality',
    higherIsBetter: true,
    denominator: 'answered turns with nuggets to check',
    secondary: true,
    compared: true,
  },
  tokenF1: {
    label: 'token F1',
    higherIsBetter: true,
    denominator: 'turns with a reference, escalations excluded (failures 0)',
    secondary: true,
    compared: true,
  },
  fallbackRate: {
    label: 'fallback rate',
    higherIsBetter: false,
    denominator: 'turns of a delegating strategy that attempted a delegation or failed',
    compared: true,
  },
  escalationRate: { label: 'escalation rate', higherIsBetter: false, denominator: 'turns', compared: true },
  unnecessaryEscalationRate: {
    label: 'unnecessary escalations',
    higherIsBetter: false,
    denominator: 'labelled turns that needed no human',
    compared: true,
  },
  missedEscalationRate: {
    label: 'missed escalations',
    higherIsBetter: false,
    denominator: 'labelled turns that needed a human',
    compared: true,
  },
  humanCleanup: {
    label: 'human cleanup',
    higherIsBetter: false,
    denominator: 'turns with a reference (escalations and failures 1)',
    compared: true,
  },
  recordedHter: {
    label: 'recorded HTER (true)',
    higherIsBetter: false,
    denominator: 'turns with a recorded draft',
    compared: false,
  },
  routingAccuracy: {
    label: 'routing accuracy',
    higherIsBetter: true,
    denominator: 'turns with gold domains',
    compared: true,
  },
  passRate: {
    label: 'pass rate',
    higherIsBetter: true,
    denominator: 'turns with a pass/fail',
    compared: true,
  },
};

/**
 * Whether `name` is one of {@link summaryMetricNames}.
 *
 * @param name - Any string, e.g. from a command line.
 */
export function isSummaryMetricName(name: string): name is SummaryMetricName {
  return (summaryMetricNames as readonly string[]).includes(name);
}
