import { EvalError } from '../eval-error.js';
import type { Comparison, GateCheck, StrategySummary } from '../run-summary.js';
import { expandedTailPercent } from '../stats/expanded-percentile.js';
import { nonInferiority } from '../stats/non-inferiority.js';
import {
  isSummaryMetricName,
  type SummaryMetricName,
  summaryMetricNames,
  summaryMetrics,
} from './summary-metrics.js';

/** A check's kind, which is also its command-line flag (`--fail-under`, `--max`, `--max-regression`). */
export type GateKind = GateCheck['kind'];

/** One parsed gate option, e.g. `--fail-under answerQuality=0.6` or `--fail-under politeness=0.5`. */
export interface GateRule {
  kind: GateKind;
  /** A built-in summary metric, or the name of a pluggable scorer (`custom: true`). */
  metric: string;
  /**
   * The minimum (`fail-under`), maximum (`max`) or margin δ (`max-regression`): in 0–1 for the
   * built-in metrics; any number for a custom scorer's (a δ is never negative).
   */
  threshold: number;
  /** Set when `metric` names a pluggable scorer's score (`metrics.custom`). */
  custom?: true;
}

/** How {@link parseGateRules} knows the pluggable scorers' names. */
export interface ParseGateRulesOptions {
  /** The names of the run's pluggable scorers: gates may name them like built-in metrics. */
  customMetrics?: readonly string[];
}

/**
 * Values of one gate option: `metric=number` strings as a command line gives them, or a record
 * `{ metric: number }` as a config file does.
 */
export type GateValues = readonly string[] | Readonly<Record<string, number>>;

/** The raw gate options as a command line or a config file gives them. */
export interface GateOptions {
  /** `metric=minimum`: the mean must be at least the minimum. */
  failUnder?: GateValues;
  /** `metric=maximum`: the mean must be at most the maximum. */
  max?: GateValues;
  /** `metric=δ`: not worse than the baseline by more than δ (non-inferiority). */
  maxRegression?: GateValues;
}

/**
 * Parses gate options into rules. Each value is `metric=number`; several may be given, as
 * repeated flags or separated by commas (`answerQuality=0.6,routingAccuracy=0.8`), or as a record
 * `{ answerQuality: 0.6 }`.
 *
 * @param options - The values of `--fail-under`, `--max` and `--max-regression`.
 * @param known - The pluggable scorers' names, which gates may name like built-in metrics.
 * @returns The rules, in the order given (`fail-under`, then `max`, then `max-regression`).
 * @throws EvalError `usage` naming the flag and the value: for a value that is not
 *   `metric=number`, an unknown metric (listing the valid names), or a number outside 0–1.
 *
 * @example
 * ```ts
 * parseGateRules({ failUnder: ['answerQuality=0.6'], max: ['fallbackRate=0.2'], maxRegression: ['answerQuality=0.02'] });
 * // [{ kind: 'fail-under', metric: 'answerQuality', threshold: 0.6 }, …]
 * ```
 */
export function parseGateRules(options: GateOptions, known: ParseGateRulesOptions = {}): GateRule[] {
  const custom = new Set(known.customMetrics ?? []);
  return [
    ...parseValues('fail-under', options.failUnder, custom),
    ...parseValues('max', options.max, custom),
    ...parseValues('max-regression', options.maxRegression, custom),
  ];
}

function parseValues(
  kind: GateKind,
  values: GateValues | undefined,
  custom: ReadonlySet<string>,
): GateRule[] {
  const rules: GateRule[] = [];
  const texts = isStringList(values)
    ? values
    : Object.entries(values ?? {}).map(([metric, threshold]) => `${metric}=${threshold}`);
  for (const value of texts) {
    for (const part of value.split(',')) {
      const text = part.trim();
      const fail = (reason: string): never => {
        throw new EvalError('usage', `--${kind} ${JSON.stringify(text)}: ${reason}`);
      };
      const equals = text.indexOf('=');
      if (equals < 0) fail('expected metric=number, e.g. answerQuality=0.6');
      const metric = text.slice(0, equals).trim();
      const number = text.slice(equals + 1).trim();
      const isCustom = !isSummaryMetricName(metric) && custom.has(metric);
      if (!isSummaryMetricName(metric) && !isCustom) {
        const names = [...summaryMetricNames, ...[...custom].sort()];
        fail(`unknown metric "${metric}"; valid metrics: ${names.join(', ')}`);
      }
      if (!isCustom && !summaryMetrics[metric as SummaryMetricName].compared) {
        fail(`"${metric}" belongs to the recorded bot alone, which is never gated`);
      }
      const threshold = number === '' ? Number.NaN : Number(number);
      if (!Number.isFinite(threshold)) fail(`"${number}" is not a number`);
      // A custom scorer's scale is its own (a 1–5 rubric, a count); built-in metrics are 0–1.
      if (isCustom ? kind === 'max-regression' && threshold < 0 : threshold < 0 || threshold > 1) {
        fail(
          kind === 'max-regression'
            ? `the margin must be ${isCustom ? 'at least 0' : 'between 0 and 1'}`
            : 'the threshold must be between 0 and 1',
        );
      }
      rules.push({ kind, metric, threshold, ...(isCustom ? { custom: true as const } : {}) });
    }
  }
  return rules;
}

// Means are sums of floats: a mean that equals the threshold mathematically (.6 from five scores)
// can land an ulp beyond it. A gate must not flip on rounding (as in nonInferiority).
const tolerance = 1e-12;

function isStringList(values: GateValues | undefined): values is readonly string[] {
  return Array.isArray(values);
}

/** Input of {@link evaluateGate}. */
export interface EvaluateGateInput {
  rules: readonly GateRule[];
  /** Every strategy's summary, in report order. */
  strategies: readonly StrategySummary[];
  /** Paired comparisons with the baseline (for `max-regression`). */
  comparisons: readonly Comparison[];
  baseline: string;
  /**
   * Strategies the checks apply to. Default: every strategy except the baseline (probes and the
   * recorded bot are never gated), or the baseline alone when it is the only one. `max-regression`
   * never applies to the baseline itself.
   */
  targets?: readonly string[];
  /** The bootstrap's resamples per interval (default 2,000): how few conversations it can bound. */
  resamples?: number;
}

/**
 * Evaluates the gate rules into one check per target strategy and rule (strategy by strategy):
 *
 * - `fail-under`: passes when the mean is at least the threshold (a mean exactly at it passes,
 *   with a 1e-12 allowance for rounding).
 * - `max`: passes when the mean is at most the threshold (likewise).
 * - `max-regression` δ: non-inferiority against the baseline — passes only when the worse bound
 *   of the 95% interval of candidate − baseline stays within δ (the low bound ≥ −δ when higher
 *   is better, the high bound ≤ +δ otherwise). `actual` is that worse bound.
 *
 * A mean, comparison or interval that does not exist (an empty denominator, nothing paired, the
 * baseline alone) fails its check: no data is not a pass. Messages are one line.
 *
 * @param input - Rules, summaries, comparisons, baseline and targets.
 * @returns Whether every check passed, and the checks.
 * @throws EvalError `usage` for a target that is not one of the strategies.
 *
 * @example
 * ```ts
 * const gate = evaluateGate({ rules, strategies, comparisons, baseline: 'route-lexical' });
 * for (const check of gate.checks) if (!check.passed) console.error(check.message);
 * process.exitCode = gate.passed ? 0 : 1;
 * ```
 */
export function evaluateGate(input: EvaluateGateInput): { passed: boolean; checks: GateCheck[] } {
  const { rules, strategies, baseline } = input;
  const byName = new Map(strategies.map((strategy) => [strategy.name, strategy]));
  // Probes and the recorded bot are reference rows, never gated.
  const contenders = strategies.filter((strategy) => (strategy.role ?? 'strategy') === 'strategy');
  const defaultTargets =
    contenders.length > 1
      ? contenders.filter((strategy) => strategy.name !== baseline).map((strategy) => strategy.name)
      : contenders.map((strategy) => strategy.name);
  const targets = input.targets ?? defaultTargets;
  const checks: GateCheck[] = [];
  for (const target of targets) {
    const strategy = byName.get(target);
    if (strategy === undefined) {
      throw new EvalError(
        'usage',
        `gate: no strategy "${target}" to check; strategies: ${[...byName.keys()].join(', ')}`,
      );
    }
    for (const rule of rules) {
      const check =
        rule.kind === 'max-regression'
          ? checkRegression(rule, target, baseline, input.comparisons, input.resamples ?? 2000)
          : checkBound(rule, strategy);
      checks.push(unscoredCheck(check, rule, [strategy, byName.get(baseline)]));
    }
  }
  return { passed: checks.every((check) => check.passed), checks };
}

/** The metrics an answer the quality scorer could not score is missing from. */
const qualityMetrics: ReadonlySet<string> = new Set(['answerQuality', 'answeredQuality', 'passRate']);

/**
 * A check on answer quality or the pass rate fails when answers of the strategy (or, for a
 * regression, of the baseline) went unscored: its number leaves them out, so it is not a pass.
 */
function unscoredCheck(
  check: GateCheck,
  rule: GateRule,
  strategies: readonly (StrategySummary | undefined)[],
): GateCheck {
  if (rule.custom || !qualityMetrics.has(rule.metric) || !check.passed) return check;
  const involved = rule.kind === 'max-regression' ? strategies : strategies.slice(0, 1);
  const unscored = involved.filter((strategy) => (strategy?.unscored ?? 0) > 0);
  if (unscored.length === 0) return check;
  const counts = unscored.map((strategy) => `${strategy!.name} ${strategy!.unscored}`).join(', ');
  return {
    ...check,
    passed: false,
    message: `${check.message}, but answers the quality scorer could not score are left out (${counts}); incomplete scores are not a pass`,
  };
}

function checkBound(rule: GateRule, strategy: StrategySummary): GateCheck {
  const { kind, metric, threshold } = rule;
  const atLeast = kind === 'fail-under';
  const check = {
    name: `${metric} ${atLeast ? '>=' : '<='} ${threshold}`,
    kind,
    strategy: strategy.name,
    metric,
    threshold,
  };
  const estimate = rule.custom
    ? strategy.metrics.custom?.[metric]
    : strategy.metrics[metric as SummaryMetricName];
  const actual = estimate?.mean ?? null;
  if (actual === null) {
    const denominator = rule.custom
      ? `turns the scorer gave a number`
      : summaryMetrics[metric as SummaryMetricName].denominator;
    return {
      ...check,
      actual,
      passed: false,
      message: `${strategy.name} ${metric} has no data (no ${denominator}); no data is not a pass`,
    };
  }
  const passed = atLeast ? actual >= threshold - tolerance : actual <= threshold + tolerance;
  const [shownActual, shownThreshold] = formatApart(actual, threshold);
  const sign = atLeast ? (passed ? '>=' : '<') : passed ? '<=' : '>';
  return {
    ...check,
    actual,
    passed,
    message: `${strategy.name} ${metric} ${shownActual} ${sign} ${shownThreshold}`,
  };
}

function checkRegression(
  rule: GateRule,
  candidate: string,
  baseline: string,
  comparisons: readonly Comparison[],
  resamples: number,
): GateCheck {
  const { kind, metric, threshold } = rule;
  const check = {
    name: `${metric} regression <= ${threshold} vs ${baseline}`,
    kind,
    strategy: candidate,
    metric,
    threshold,
  };
  const prefix = `${candidate} ${metric} vs ${baseline}:`;
  if (candidate === baseline) {
    return {
      ...check,
      actual: null,
      passed: false,
      message: `${prefix} the baseline cannot be compared with itself; no data is not a pass`,
    };
  }
  const comparison = comparisons.find(
    (entry) => entry.baseline === baseline && entry.candidate === candidate && entry.metric === metric,
  );
  const higherIsBetter =
    comparison?.higherIsBetter ??
    (rule.custom ? true : summaryMetrics[metric as SummaryMetricName].higherIsBetter);
  const verdict = nonInferiority({
    ci95: comparison?.ci95 ?? undefined,
    margin: threshold,
    higherIsBetter,
  });
  if (comparison?.ci95 == null || verdict.worseBound === undefined) {
    return {
      ...check,
      actual: null,
      passed: false,
      message: `${prefix} no paired turns to compare; no data is not a pass`,
    };
  }
  // The bootstrap resamples conversations: from a single one every resample is that conversation,
  // so its interval is the point estimate, with no width; from a few, the interval's tail is rarer
  // than one resample in all of them, so the bound is the most extreme resample, narrower than a
  // 95% interval of so few can be. That is too little data, not evidence.
  const fewest = fewestBoundedConversations(resamples);
  if (comparison.method === 'paired-bootstrap' && comparison.n < fewest) {
    return {
      ...check,
      actual: null,
      passed: false,
      message:
        comparison.n < 2
          ? `${prefix} only ${comparison.n} conversation paired, too few for an interval; no data is not a pass`
          : `${prefix} only ${comparison.n} conversations paired, too few for a 95% interval from ${resamples} resamples (${fewest} at least); no data is not a pass`,
    };
  }
  const [low, high] = comparison.ci95;
  const bound = higherIsBetter ? 'CI low' : 'CI high';
  const sign = higherIsBetter ? (verdict.passed ? '>=' : '<') : verdict.passed ? '<=' : '>';
  const [shownBound, shownLimit] = formatApart(verdict.worseBound, verdict.limit, { signed: true });
  const interval = `diff ${signed(comparison.diff)}, 95% CI [${signed(low)}, ${signed(high)}]`;
  return {
    ...check,
    actual: verdict.worseBound,
    passed: verdict.passed,
    message: `${prefix} ${bound} ${shownBound} ${sign} ${shownLimit} (${interval})`,
  };
}

/**
 * Formats a value and the threshold it is held against with the threshold's own precision (at
 * least 2 decimals), adding digits while they would print alike, so that a message never reads
 * "0.60 < 0.60".
 */
function formatApart(value: number, threshold: number, options: { signed?: boolean } = {}): [string, string] {
  const format = options.signed ? (number: number, digits: number) => signed(number, digits) : toFixed;
  const given = String(threshold).split('.')[1]?.length ?? 0;
  let digits = Math.max(2, Math.min(given, 6));
  const apart = Math.abs(value - threshold) > tolerance;
  while (digits < 6 && apart && format(value, digits) === format(threshold, digits)) digits += 1;
  return [format(value, digits), format(threshold, digits)];
}

function toFixed(value: number, digits: number): string {
  // Avoid "-0.00" for a value that rounds to zero.
  const text = value.toFixed(digits);
  return Number(text) === 0 ? (0).toFixed(digits) : text;
}

function signed(value: number | null, digits = 3): string {
  if (value === null) return 'n/a';
  const text = toFixed(value, digits);
  return text.startsWith('-') || Number(text) === 0 ? text : `+${text}`;
}

/**
 * The fewest conversations whose 95% interval `resamples` bootstrap resamples can bound: those
 * whose expanded interval's tail share is at least one resample in resamples + 1, the resolution
 * of its p-value (5 at 2,000 resamples, 6 at 500).
 */
export function fewestBoundedConversations(resamples: number): number {
  let clusters = 2;
  while (expandedTailPercent(clusters) / 100 < 1 / (resamples + 1)) clusters += 1;
  return clusters;
}
