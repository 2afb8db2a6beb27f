import { describe, expect, it } from 'vitest';
import { EvalError } from '../eval-error.js';
import type { Comparison, StrategySummary } from '../run-summary.js';
import { compareStrategies } from './compare-strategies.js';
import { lexicalItems, makeItem, trainedItems } from './example-items.fixture.js';
import { evaluateGate, fewestBoundedConversations, parseGateRules } from './gate.js';
import { summarizeStrategy } from './summarize-strategy.js';

const bootstrap = { seed: 7, resamples: 500 };
const lexical = summarizeStrategy(lexicalItems, { ...bootstrap, repeat: 1 });
const trained = summarizeStrategy(trainedItems, { ...bootstrap, repeat: 1 });
const items = [...lexicalItems, ...trainedItems];

function usageError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (EvalError.isInstance(error) && error.code === 'usage') return error.message;
    throw error;
  }
  throw new Error('expected a usage error');
}

describe('parseGateRules', () => {
  it('parses repeated and comma-separated metric=number values', () => {
    expect(
      parseGateRules({
        failUnder: ['answerQuality=0.6', 'routingAccuracy=0.8, passRate=0.5'],
        max: ['fallbackRate=0.2'],
        maxRegression: ['answerQuality=0.02'],
      }),
    ).toEqual([
      { kind: 'fail-under', metric: 'answerQuality', threshold: 0.6 },
      { kind: 'fail-under', metric: 'routingAccuracy', threshold: 0.8 },
      { kind: 'fail-under', metric: 'passRate', threshold: 0.5 },
      { kind: 'max', metric: 'fallbackRate', threshold: 0.2 },
      { kind: 'max-regression', metric: 'answerQuality', threshold: 0.02 },
    ]);
    expect(parseGateRules({})).toEqual([]);
    expect(parseGateRules({ max: { fallbackRate: 0.2, escalationRate: 0.1 } })).toEqual([
      { kind: 'max', metric: 'fallbackRate', threshold: 0.2 },
      { kind: 'max', metric: 'escalationRate', threshold: 0.1 },
    ]);
    expect(usageError(() => parseGateRules({ max: { fallback: 0.2 } }))).toContain(
      'unknown metric "fallback"',
    );
  });

  it('names the valid metrics when one is unknown', () => {
    expect(usageError(() => parseGateRules({ max: ['fallback=0.2'] }))).toBe(
      '--max "fallback=0.2": unknown metric "fallback"; valid metrics: answerQuality, answeredQuality, tokenF1, fallbackRate, escalationRate, unnecessaryEscalationRate, missedEscalationRate, humanCleanup, recordedHter, routingAccuracy, passRate',
    );
  });

  it('rejects values that are not metric=number in 0–1', () => {
    expect(usageError(() => parseGateRules({ failUnder: ['answerQuality'] }))).toBe(
      '--fail-under "answerQuality": expected metric=number, e.g. answerQuality=0.6',
    );
    expect(usageError(() => parseGateRules({ failUnder: ['answerQuality=high'] }))).toBe(
      '--fail-under "answerQuality=high": "high" is not a number',
    );
    expect(usageError(() => parseGateRules({ failUnder: ['answerQuality='] }))).toContain('is not a number');
    expect(usageError(() => parseGateRules({ failUnder: ['answerQuality=60'] }))).toBe(
      '--fail-under "answerQuality=60": the threshold must be between 0 and 1',
    );
    expect(usageError(() => parseGateRules({ maxRegression: ['humanCleanup=-0.1'] }))).toBe(
      '--max-regression "humanCleanup=-0.1": the margin must be between 0 and 1',
    );
  });
});

describe('evaluateGate', () => {
  const comparisons = compareStrategies(items, { baseline: 'lexical', ...bootstrap });
  // The example's three conversations are too few for a bootstrap to bound a 95% interval (see
  // "fails non-inferiority over fewer conversations…"): the checks of the interval's logic read
  // its intervals as if they came from thirty.
  const fromThirty = (list: readonly Comparison[]): Comparison[] =>
    list.map((comparison) =>
      comparison.method === 'paired-bootstrap' ? { ...comparison, n: 30 } : comparison,
    );

  it('checks thresholds on every strategy except the baseline', () => {
    const rules = parseGateRules({
      failUnder: ['answerQuality=0.5', 'answerQuality=0.6'],
      max: ['fallbackRate=0.5', 'escalationRate=0.1'],
    });
    const gate = evaluateGate({ rules, strategies: [lexical, trained], comparisons, baseline: 'lexical' });
    // trained: quality .52 (≥ .5 passes, < .6 fails), fallback .6 (> .5 fails), escalation 0 (≤ .1).
    expect(gate.passed).toBe(false);
    expect(
      gate.checks.map(({ strategy, name, passed, actual, message }) => ({
        strategy,
        name,
        passed,
        actual,
        message,
      })),
    ).toMatchInlineSnapshot(`
        [
          {
            "actual": 0.52,
            "message": "trained answerQuality 0.52 >= 0.50",
            "name": "answerQuality >= 0.5",
            "passed": true,
            "strategy": "trained",
          },
          {
            "actual": 0.52,
            "message": "trained answerQuality 0.52 < 0.60",
            "name": "answerQuality >= 0.6",
            "passed": false,
            "strategy": "trained",
          },
          {
            "actual": 0.6,
            "message": "trained fallbackRate 0.60 > 0.50",
            "name": "fallbackRate <= 0.5",
            "passed": false,
            "strategy": "trained",
          },
          {
            "actual": 0,
            "message": "trained escalationRate 0.00 <= 0.10",
            "name": "escalationRate <= 0.1",
            "passed": true,
            "strategy": "trained",
          },
        ]
      `);
  });

  it('fails a quality or pass-rate check over answers the quality scorer could not score', () => {
    const rules = parseGateRules({
      failUnder: ['answerQuality=0.5', 'escalationRate=0'],
      maxRegression: ['passRate=1'],
    });
    const gate = evaluateGate({
      rules,
      strategies: [lexical, { ...trained, unscored: 2 }],
      comparisons,
      baseline: 'lexical',
    });
    const byName = new Map(gate.checks.map((check) => [check.name, check]));
    expect(byName.get('answerQuality >= 0.5')).toMatchObject({ passed: false, actual: 0.52 });
    expect(byName.get('answerQuality >= 0.5')!.message).toContain('could not score are left out (trained 2)');
    // Escalations do not depend on the quality scorer: that check stands.
    expect(byName.get('escalationRate >= 0')).toMatchObject({ passed: true });
    // A regression check also looks at the baseline's answers.
    const baselineUnscored = evaluateGate({
      rules: parseGateRules({ maxRegression: ['answerQuality=1'] }),
      strategies: [{ ...lexical, unscored: 1 }, trained],
      comparisons: fromThirty(comparisons),
      baseline: 'lexical',
    });
    expect(baselineUnscored.passed).toBe(false);
    expect(baselineUnscored.checks[0]!.message).toContain('(lexical 1)');
  });

  it('passes a mean exactly at the threshold, also when rounding put it an ulp beyond', () => {
    // trained: pass rate 3 / 5 = .6 and fallback rate 3 / 5 = .6, exactly at both thresholds.
    const atThreshold = evaluateGate({
      rules: parseGateRules({ failUnder: ['passRate=0.6'], max: ['fallbackRate=0.6'] }),
      strategies: [lexical, trained],
      comparisons,
      baseline: 'lexical',
    });
    expect(atThreshold.checks.map((check) => check.message)).toEqual([
      'trained passRate 0.60 >= 0.60',
      'trained fallbackRate 0.60 <= 0.60',
    ]);
    // .1 + .2 + .3 = .6000000000000001 in binary: still "at most .6".
    const rounded = {
      ...trained,
      metrics: {
        ...trained.metrics,
        humanCleanup: { ...trained.metrics.humanCleanup, mean: 0.1 + 0.2 + 0.3 },
      },
    };
    const check = evaluateGate({
      rules: parseGateRules({ max: ['humanCleanup=0.6'] }),
      strategies: [lexical, rounded],
      comparisons,
      baseline: 'lexical',
    }).checks[0]!;
    expect(check).toMatchObject({ passed: true, message: 'trained humanCleanup 0.60 <= 0.60' });
  });

  it('passes non-inferiority when the worse bound stays within δ and fails when it crosses', () => {
    const rules = parseGateRules({ maxRegression: ['humanCleanup=0.02'] });
    // trained − lexical cleanup (lower is better): conversation sums c1 −.2 over 2 turns, c2 −.4
    // over 1, c3 −.1 over 2; the expanded interval of three conversations takes the resamples'
    // extremes, so the 95% CI runs from c2 c2 c2 (−.4) to c3 c3 c3 (−.05): the worse (high) bound
    // −.05 ≤ +.02.
    const passing = evaluateGate({
      rules,
      strategies: [lexical, trained],
      comparisons: fromThirty(comparisons),
      baseline: 'lexical',
    });
    expect(passing.passed).toBe(true);
    expect(passing.checks[0]).toMatchObject({
      kind: 'max-regression',
      name: 'humanCleanup regression <= 0.02 vs lexical',
      message:
        'trained humanCleanup vs lexical: CI high -0.05 <= +0.02 (diff -0.140, 95% CI [-0.400, -0.050])',
    });
    expect(passing.checks[0]!.actual).toBeCloseTo(-0.05, 12);

    // The other way round the interval is [.05, .4]: high .4 > .02 fails, and δ = .4 passes
    // (a bound exactly at the margin is "not more than δ").
    const reversed = compareStrategies(items, { baseline: 'trained', ...bootstrap });
    const against = (margin: string) =>
      evaluateGate({
        rules: parseGateRules({ maxRegression: [`humanCleanup=${margin}`] }),
        strategies: [trained, lexical],
        comparisons: fromThirty(reversed),
        baseline: 'trained',
      });
    expect(against('0.02').checks[0]).toMatchObject({
      passed: false,
      message:
        'lexical humanCleanup vs trained: CI high +0.40 > +0.02 (diff +0.140, 95% CI [+0.050, +0.400])',
    });
    expect(against('0.4').passed).toBe(true);
  });

  it('fails non-inferiority over fewer conversations than the resamples can bound', () => {
    // Three conversations: the expanded interval's tail (6.8e-8 of the resamples) is rarer than one
    // resample in 2,001, so its bound is the most extreme resample, narrower than a 95% interval of
    // three can be; five are the fewest 2,000 resamples bound, six for 500.
    const rules = parseGateRules({ maxRegression: ['humanCleanup=0.5'] });
    const gate = (resamples?: number) =>
      evaluateGate({
        rules,
        strategies: [lexical, trained],
        comparisons,
        baseline: 'lexical',
        ...(resamples === undefined ? {} : { resamples }),
      }).checks[0]!;
    expect(gate()).toMatchObject({
      passed: false,
      actual: null,
      message:
        'trained humanCleanup vs lexical: only 3 conversations paired, too few for a 95% interval from 2000 resamples (5 at least); no data is not a pass',
    });
    expect(gate(500).message).toContain('from 500 resamples (6 at least)');
    expect(fewestBoundedConversations(2000)).toBe(5);
    expect(fewestBoundedConversations(200)).toBe(8);
  });

  it('reads the worse bound on the high side when lower is better', () => {
    const comparison: Comparison = {
      baseline: 'lexical',
      candidate: 'trained',
      metric: 'fallbackRate',
      diff: 0.01,
      ci95: [-0.01, 0.03],
      p: 0.4,
      method: 'paired-bootstrap',
      n: 30,
      higherIsBetter: false,
    };
    const run = (margin: string) =>
      evaluateGate({
        rules: parseGateRules({ maxRegression: [`fallbackRate=${margin}`] }),
        strategies: [lexical, trained],
        comparisons: [comparison],
        baseline: 'lexical',
      }).checks[0]!;
    // High bound .03 > .02 fails; .03 ≤ .03 passes.
    expect(run('0.02')).toMatchObject({
      passed: false,
      actual: 0.03,
      message:
        'trained fallbackRate vs lexical: CI high +0.03 > +0.02 (diff +0.010, 95% CI [-0.010, +0.030])',
    });
    expect(run('0.03').passed).toBe(true);
  });

  it('fails non-inferiority resampled from a single conversation, whose interval has no width', () => {
    const turn = (strategy: string, turnIndex: number, answerQuality: number) =>
      makeItem({ strategy, conversationId: 'c1', turnIndex, scores: { answerQuality } });
    // One conversation: per-turn differences −.6, +.6, −.6, +.6, 0; every resample is c1, so the
    // "interval" is [0, 0], which must not pass for evidence of non-inferiority.
    const base = [0.9, 0.2, 0.8, 0.3, 0.5];
    const cand = [0.3, 0.8, 0.2, 0.9, 0.5];
    const oneConversation = [
      ...base.map((value, index) => turn('lexical', index, value)),
      ...cand.map((value, index) => turn('trained', index, value)),
    ];
    const comparisons = compareStrategies(oneConversation, { baseline: 'lexical', ...bootstrap });
    const quality = comparisons.find((comparison) => comparison.metric === 'answerQuality')!;
    expect(quality).toMatchObject({ ci95: [0, 0], n: 1 });
    const gate = evaluateGate({
      rules: parseGateRules({ maxRegression: ['answerQuality=0.02'] }),
      strategies: [lexical, trained],
      comparisons,
      baseline: 'lexical',
    });
    expect(gate.passed).toBe(false);
    expect(gate.checks[0]).toMatchObject({
      passed: false,
      actual: null,
      message:
        'trained answerQuality vs lexical: only 1 conversation paired, too few for an interval; no data is not a pass',
    });
  });

  it('fails a check that has no data instead of passing it', () => {
    const unlabelled = summarizeStrategy(
      [makeItem({ strategy: 'solo', conversationId: 'c1', turnIndex: 0, scores: { routingCorrect: null } })],
      { ...bootstrap, repeat: 1 },
    );
    const gate = evaluateGate({
      rules: parseGateRules({ failUnder: ['routingAccuracy=0.5'], maxRegression: ['answerQuality=0.05'] }),
      strategies: [lexical, unlabelled],
      comparisons: [],
      baseline: 'lexical',
    });
    expect(gate.passed).toBe(false);
    expect(gate.checks.map((check) => check.message)).toEqual([
      'solo routingAccuracy has no data (no turns with gold domains); no data is not a pass',
      'solo answerQuality vs lexical: no paired turns to compare; no data is not a pass',
    ]);
  });

  it('checks the baseline alone when it is the only strategy', () => {
    const gate = evaluateGate({
      rules: parseGateRules({ failUnder: ['answerQuality=0.4'], maxRegression: ['answerQuality=0.05'] }),
      strategies: [lexical],
      comparisons: [],
      baseline: 'lexical',
    });
    expect(gate.checks.map(({ strategy, passed }) => ({ strategy, passed }))).toEqual([
      { strategy: 'lexical', passed: true },
      { strategy: 'lexical', passed: false },
    ]);
    expect(gate.checks[1]!.message).toBe(
      'lexical answerQuality vs lexical: the baseline cannot be compared with itself; no data is not a pass',
    );
  });

  it('applies to the targets given and rejects unknown ones', () => {
    const rules = parseGateRules({ failUnder: ['answerQuality=0.5'] });
    const strategies: StrategySummary[] = [lexical, trained];
    const gate = evaluateGate({ rules, strategies, comparisons, baseline: 'lexical', targets: ['lexical'] });
    // lexical (.8 + .6 + 1 + 0 + .5) / 5 = .58 ≥ .5.
    expect(gate.checks.map((check) => check.message)).toEqual(['lexical answerQuality 0.58 >= 0.50']);
    expect(
      usageError(() =>
        evaluateGate({ rules, strategies, comparisons, baseline: 'lexical', targets: ['nope'] }),
      ),
    ).toBe('gate: no strategy "nope" to check; strategies: lexical, trained');
  });

  it('never gates a floor probe or the recorded bot, even when they are the only other rows', () => {
    const rules = parseGateRules({ failUnder: ['answerQuality=0.5'] });
    const echo: StrategySummary = { ...trained, name: 'echo', role: 'probe' };
    const recorded: StrategySummary = { ...trained, name: 'recorded', role: 'recorded' };
    const all = evaluateGate({
      rules,
      strategies: [lexical, echo, trained, recorded],
      comparisons,
      baseline: 'lexical',
    });
    expect(all.checks.map((check) => check.strategy)).toEqual(['trained']);
    // With no other strategy, the baseline is the one gated, never the reference rows.
    const alone = evaluateGate({
      rules,
      strategies: [lexical, echo, recorded],
      comparisons: [],
      baseline: 'lexical',
    });
    expect(alone.checks.map((check) => check.strategy)).toEqual(['lexical']);
  });

  it('adds digits until value and threshold no longer print alike', () => {
    const almost = {
      ...trained,
      metrics: { ...trained.metrics, answerQuality: { mean: 0.5999, ci95: null, n: 1 } },
    };
    const gate = evaluateGate({
      rules: parseGateRules({ failUnder: ['answerQuality=0.6'] }),
      strategies: [lexical, almost],
      comparisons,
      baseline: 'lexical',
    });
    expect(gate.checks[0]!.message).toBe('trained answerQuality 0.5999 < 0.6000');
  });

  it('passes with no rules', () => {
    expect(
      evaluateGate({ rules: [], strategies: [lexical, trained], comparisons, baseline: 'lexical' }),
    ).toEqual({
      passed: true,
      checks: [],
    });
  });
});

describe('gates on a custom scorer', () => {
  const comparisons = compareStrategies(items, { ...bootstrap, baseline: 'lexical' });
  const rules = (options: Parameters<typeof parseGateRules>[0]) =>
    parseGateRules(options, { customMetrics: ['politeness'] });

  it('parses a custom scorer by its name, with thresholds on its own scale', () => {
    expect(rules({ failUnder: ['politeness=0.5'], max: { politeness: 4.5 } })).toEqual([
      { kind: 'fail-under', metric: 'politeness', threshold: 0.5, custom: true },
      { kind: 'max', metric: 'politeness', threshold: 4.5, custom: true },
    ]);
    expect(usageError(() => rules({ failUnder: ['politness=0.5'] }))).toMatch(
      /unknown metric "politness"; valid metrics: answerQuality, .*, passRate, politeness$/,
    );
    expect(usageError(() => rules({ maxRegression: ['politeness=-1'] }))).toContain('at least 0');
    // Without the scorer's name, the name is as unknown as any other.
    expect(usageError(() => parseGateRules({ failUnder: ['politeness=0.5'] }))).toContain(
      'unknown metric "politeness"',
    );
  });

  it('checks the custom mean, and fails non-inferiority when nothing was paired', () => {
    const gate = evaluateGate({
      rules: rules({ failUnder: ['politeness=0.5'], maxRegression: ['politeness=0.1'] }),
      strategies: [lexical, trained],
      comparisons,
      baseline: 'lexical',
    });
    expect(gate.checks.map((check) => [check.name, check.passed, check.message])).toEqual([
      ['politeness >= 0.5', true, 'trained politeness 0.75 >= 0.50'],
      [
        'politeness regression <= 0.1 vs lexical',
        false,
        'trained politeness vs lexical: no paired turns to compare; no data is not a pass',
      ],
    ]);
  });
});
