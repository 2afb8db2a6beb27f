import { describe, expect, it } from 'vitest';
import { EvalError } from '../eval-error.js';
import { mcnemar, pairOutcomes } from './mcnemar.js';

describe('mcnemar', () => {
  it('uses the exact binomial test for few discordant pairs', () => {
    // b = 10, c = 2: p = 2·P(X ≤ 2), X ~ Binomial(12, ½) = 2·(1 + 12 + 66)/4096 = 158/4096
    // = 0.03857421875 (scipy.stats.binomtest(2, 12).pvalue gives the same).
    const result = mcnemar({ bothPass: 50, baselineOnly: 10, candidateOnly: 2, bothFail: 38 });
    expect(result.method).toBe('exact');
    expect(result.p).toBeCloseTo(0.03857421875, 14);
    expect(result.statistic).toBeCloseTo(49 / 12, 12); // (|10 − 2| − 1)² / 12
    expect(result.difference).toBeCloseTo(-0.08, 12); // (2 − 10) / 100
  });

  it('uses chi-square with continuity correction for many discordant pairs', () => {
    // Agresti, Categorical Data Analysis (presidential approval, two surveys of 1600 people):
    // [[794, 150], [86, 570]]. R's mcnemar.test example: McNemar's chi-squared = 16.818,
    // p-value = 4.115e-05. (|150 − 86| − 1)² / 236 = 3969/236 = 16.8178; scipy chi2.sf → 4.11456e-05.
    const result = mcnemar({ bothPass: 794, baselineOnly: 150, candidateOnly: 86, bothFail: 570 });
    expect(result.method).toBe('chi-square-corrected');
    expect(result.statistic).toBeCloseTo(3969 / 236, 12);
    expect(result.p).toBeCloseTo(4.114562281345944e-5, 15);
  });

  it('matches the published Newcombe interval for paired proportions', () => {
    // Cavo et al. (2012), as analysed in Fagerland, Lydersen & Laake, Statistical Analysis of
    // Contingency Tables (2017), ch. 8: [[59, 6], [16, 80]], first vs second measurement. With the
    // first as candidate: c = 6 (candidate only), b = 16 (baseline only), n = 161.
    // Difference (65 − 75)/161 = −0.0621; Newcombe square-and-add 95% CI −0.1186 to −0.0046
    // (also the expected output in the contingencytables R package's tests). Exact McNemar:
    // 2·P(X ≤ 6), X ~ Binomial(22, ½) = 0.052478790283203125 (scipy binomtest).
    const result = mcnemar({ bothPass: 59, candidateOnly: 6, baselineOnly: 16, bothFail: 80 });
    expect(result.difference).toBeCloseTo(-10 / 161, 12);
    expect(result.ci95![0]).toBeCloseTo(-0.1186, 4);
    expect(result.ci95![1]).toBeCloseTo(-0.0046, 4);
    expect(result.p).toBeCloseTo(0.052478790283203125, 14);
  });

  it('computes exact p-values for large tables when asked', () => {
    // b = 500, c = 400: 2·P(X ≤ 400), X ~ Binomial(900, ½) = 0.000956444… (scipy binomtest).
    const result = mcnemar(
      { bothPass: 0, baselineOnly: 500, candidateOnly: 400, bothFail: 0 },
      { method: 'exact' },
    );
    expect(result.method).toBe('exact');
    expect(Math.abs(result.p - 0.0009564441369189373) / 0.0009564441369189373).toBeLessThan(1e-9);
  });

  it('finds no evidence when the discordant pairs balance or are absent', () => {
    expect(mcnemar({ bothPass: 3, baselineOnly: 5, candidateOnly: 5, bothFail: 3 })).toMatchObject({
      statistic: 0,
      p: 1,
      difference: 0,
    });
    expect(
      mcnemar({ bothPass: 3, baselineOnly: 0, candidateOnly: 0, bothFail: 3 }, { method: 'chi-square' }),
    ).toMatchObject({ statistic: 0, p: 1, difference: 0 });
    expect(mcnemar({ bothPass: 0, baselineOnly: 0, candidateOnly: 0, bothFail: 0 })).toMatchObject({
      n: 0,
      p: 1,
      difference: undefined,
      ci95: undefined,
    });
  });

  it('keeps the interval within [−1, 1] at the extremes', () => {
    const [low, high] = mcnemar({ bothPass: 0, baselineOnly: 0, candidateOnly: 7, bothFail: 0 }).ci95!;
    expect(high).toBeLessThanOrEqual(1);
    expect(low).toBeGreaterThan(0);
  });

  it('rejects counts that are not non-negative integers', () => {
    expect(() => mcnemar({ bothPass: -1, baselineOnly: 0, candidateOnly: 0, bothFail: 0 })).toThrow(
      EvalError,
    );
    expect(() => mcnemar({ bothPass: 0, baselineOnly: 0.5, candidateOnly: 0, bothFail: 0 })).toThrow(
      /baselineOnly/,
    );
  });
});

describe('mcnemar with clusters', () => {
  // Ten conversations of six paired turns: three where only the candidate passes (c = 6 each), one
  // where only the baseline does (b = 6), six without discordant pairs. b = 6, c = 18, n = 60.
  const clusters = [
    ...Array.from({ length: 3 }, () => ({ pairs: 6, b: 0, c: 6 })),
    { pairs: 6, b: 6, c: 0 },
    ...Array.from({ length: 6 }, () => ({ pairs: 6, b: 0, c: 0 })),
  ];
  const table = { bothPass: 30, baselineOnly: 6, candidateOnly: 18, bothFail: 6 };

  it('divides the statistic by the design effect when conversations hold several pairs', () => {
    // As independent pairs: exact p = 2·P(X ≤ 6), X ~ Bin(24, ½) = 0.0227 and Newcombe's interval
    // [0.041, 0.346] excludes 0, but four conversations carry every discordant pair.
    expect(mcnemar(table).p).toBeCloseTo(0.022655844688415527, 12);
    // d = 12/60 = .2; Σ(d_g − 6·d)² = 3·4.8² + 7.2² + 6·1.2² = 129.6, × 10/9 = 144; independent
    // b + c − (b − c)²/n = 21.6; D = 144/21.6 = 6.667. (|6 − 18| − 1)²/24 = 5.0417; ÷ D = 0.75625;
    // scipy chi2.sf(0.75625, 1) = 0.384504629380269. Interval: Newcombe's limits √D further out.
    const result = mcnemar(table, { clusters });
    expect(result.method).toBe('chi-square-clustered');
    expect(result.designEffect).toBeCloseTo(20 / 3, 12);
    expect(result.p).toBeCloseTo(0.38450462938026897, 12);
    expect(result.difference).toBeCloseTo(0.2, 12);
    expect(result.ci95![0]).toBeCloseTo(-0.2110407675613729, 12);
    expect(result.ci95![1]).toBeCloseTo(0.5777980980562674, 12);
  });

  it('is the plain test when every conversation holds one pair', () => {
    const single = [
      ...Array.from({ length: 10 }, () => ({ pairs: 1, b: 1, c: 0 })),
      ...Array.from({ length: 2 }, () => ({ pairs: 1, b: 0, c: 1 })),
      ...Array.from({ length: 88 }, () => ({ pairs: 1, b: 0, c: 0 })),
    ];
    const plain = { bothPass: 50, baselineOnly: 10, candidateOnly: 2, bothFail: 38 };
    expect(mcnemar(plain, { clusters: single })).toEqual(mcnemar(plain));
  });

  it('says nothing from a single conversation of several pairs', () => {
    const result = mcnemar(
      { bothPass: 0, baselineOnly: 0, candidateOnly: 8, bothFail: 2 },
      { clusters: [{ pairs: 10, b: 0, c: 8 }] },
    );
    expect(result).toMatchObject({ p: 1, ci95: [-1, 1], difference: 0.8 });
  });

  it('rejects clusters that do not add up to the table', () => {
    expect(() => mcnemar(table, { clusters: clusters.slice(1) })).toThrow(/clusters hold/);
  });
});

describe('pairOutcomes', () => {
  it('counts matched pairs into the 2×2 table and reports the unmatched ids', () => {
    const baseline = [
      { id: 'a', passed: true },
      { id: 'b', passed: true },
      { id: 'c', passed: false },
      { id: 'd', passed: false },
      { id: 'only-baseline', passed: true },
    ];
    const candidate = [
      { id: 'a', passed: true },
      { id: 'b', passed: false },
      { id: 'c', passed: true },
      { id: 'd', passed: false },
      { id: 'only-candidate', passed: true },
    ];
    expect(pairOutcomes(baseline, candidate)).toEqual({
      table: { bothPass: 1, baselineOnly: 1, candidateOnly: 1, bothFail: 1 },
      unmatched: { baselineOnly: ['only-baseline'], candidateOnly: ['only-candidate'] },
    });
  });

  it('rejects an id that appears twice on one side', () => {
    const twice = [
      { id: 'a', passed: true },
      { id: 'a', passed: false },
    ];
    expect(() => pairOutcomes(twice, [])).toThrow(/twice/);
    expect(() => pairOutcomes([], twice)).toThrow(/twice/);
  });
});
