import { describe, expect, it } from 'vitest';
import { EvalError } from '../eval-error.js';
import { pairedBootstrap, pairedBootstrapOfTurns, pairedBootstrapTogether } from './paired-bootstrap.js';
import { SeededRandom } from './seeded-random.js';

/** Turns `c{i}-t{j}`: `conversations` conversations of `turns` turns, valued by `value(i, j)`. */
function turns(
  conversations: number,
  turnsEach: number,
  value: (conversation: number, turn: number) => number,
) {
  return Array.from({ length: conversations * turnsEach }, (_, index) => {
    const conversation = Math.floor(index / turnsEach);
    const turn = index % turnsEach;
    return { id: `c${conversation}-t${turn}`, cluster: `c${conversation}`, value: value(conversation, turn) };
  });
}

describe('pairedBootstrap', () => {
  it('finds no difference between identical strategies', () => {
    const baseline = turns(10, 3, (conversation, turn) => ((conversation + turn) % 4) / 4);
    const result = pairedBootstrap(baseline, baseline);
    expect(result).toMatchObject({ meanDifference: 0, ci95: [0, 0], p: 1, n: 30, clusters: 10 });
  });

  it('measures candidate minus baseline', () => {
    // Every candidate turn scores 1 and every baseline turn 0.5: difference +0.5 everywhere, so
    // every resample is +0.5, none is ≤ 0: q = (0 + 1)/(2000 + 1), the smallest possible share, and
    // p its expanded two-sided value for 5 conversations, P(|T(4)| > z(q)/√(5/4)) = 0.0422517
    // (scipy: 2·t.sf(−norm.ppf(1/2001)/√1.25, 4)), where the plain interval's 2q was 2/2001: with so
    // few conversations 2,000 resamples barely resolve p < 0.05.
    const baseline = turns(5, 2, () => 0.5);
    const candidate = turns(5, 2, () => 1);
    expect(pairedBootstrap(baseline, candidate)).toMatchObject({
      meanDifference: 0.5,
      ci95: [0.5, 0.5],
      p: expect.closeTo(0.0422517, 6),
      baselineMean: 0.5,
      candidateMean: 1,
    });
    expect(pairedBootstrap(candidate, baseline).meanDifference).toBe(-0.5);
  });

  it('agrees with its interval: small p when the interval excludes 0, large p when it does not', () => {
    // Differences constant within a conversation: +1 in some conversations, −1 in the others.
    // Resampling 40 conversations, the number with +1 is Binomial(40, share), so the bootstrap p
    // tends to 2·min(P(X ≤ 20), P(X ≥ 20)) (a mean of exactly 0 counts on both sides):
    //   30 of 40 (+0.5 mean): Binomial(40, 0.75) → p ≈ 0 (the +1 correction gives 2/2001);
    //   22 of 40 (+0.1 mean): Binomial(40, 0.55) → p ≈ 2·P(X ≤ 20) = 0.631 (scipy binom.cdf).
    // Monte Carlo error with 2000 resamples is about ±0.02 (2 standard errors).
    const baseline = turns(40, 5, () => 0);
    const clear = pairedBootstrap(
      baseline,
      turns(40, 5, (conversation) => (conversation < 30 ? 1 : -1)),
    );
    const unclear = pairedBootstrap(
      baseline,
      turns(40, 5, (conversation) => (conversation < 22 ? 1 : -1)),
    );

    expect(clear.meanDifference).toBeCloseTo(0.5, 12);
    expect(clear.ci95![0]).toBeGreaterThan(0);
    expect(clear.p).toBeLessThan(0.005);
    expect(unclear.meanDifference).toBeCloseTo(0.1, 12);
    expect(unclear.ci95![0]).toBeLessThan(0);
    expect(unclear.ci95![1]).toBeGreaterThan(0);
    expect(unclear.p).toBeGreaterThan(0.631 - 0.05);
    expect(unclear.p).toBeLessThan(0.631 + 0.05);
  });

  it('gives a bit-identical result whatever order the turns come in', () => {
    const baseline = turns(9, 4, (conversation, turn) => [0.1, 0.2, 0.3][(conversation + turn) % 3]!);
    const candidate = turns(9, 4, (conversation, turn) => [0.7, 0.1, 0.3, 0.2][(conversation * turn) % 4]!);
    const forward = pairedBootstrap(baseline, candidate, { seed: 3 });
    expect(pairedBootstrap([...baseline].reverse(), [...candidate].reverse(), { seed: 3 })).toEqual(forward);
    const rotated = [...candidate.slice(11), ...candidate.slice(0, 11)];
    expect(pairedBootstrap(baseline, rotated, { seed: 3 })).toEqual(forward);
  });

  it('reports turns that only one strategy has instead of dropping them silently', () => {
    const baseline = turns(2, 2, () => 0); // c0-t0 c0-t1 c1-t0 c1-t1
    const candidate = [...turns(2, 2, () => 1).slice(1), { id: 'c9-t0', cluster: 'c9', value: 1 }];
    const result = pairedBootstrap(baseline, candidate);
    expect(result.unmatched).toEqual({ baselineOnly: ['c0-t0'], candidateOnly: ['c9-t0'] });
    expect(result.n).toBe(3);
  });

  it('gives no p-value with a single conversation', () => {
    const result = pairedBootstrap(
      turns(1, 4, () => 0),
      turns(1, 4, (_, turn) => turn),
    );
    expect(result.meanDifference).toBe(1.5);
    expect(result.ci95).toEqual([1.5, 1.5]);
    expect(result.p).toBeUndefined();
  });

  it('reports nothing but the unmatched ids when no turn matches', () => {
    const result = pairedBootstrap(
      turns(1, 1, () => 0),
      [],
    );
    expect(result).toMatchObject({ meanDifference: undefined, ci95: undefined, p: undefined, n: 0 });
    expect(result.unmatched.baselineOnly).toEqual(['c0-t0']);
  });

  it('rejects duplicate ids and a turn filed under two conversations', () => {
    const baseline = turns(1, 2, () => 0);
    expect(() => pairedBootstrap([...baseline, baseline[0]!], baseline)).toThrow(/twice/);
    expect(() => pairedBootstrap(baseline, [{ ...baseline[0]!, cluster: 'elsewhere' }])).toThrow(EvalError);
  });
});

describe('pairedBootstrapTogether', () => {
  it('gives each candidate exactly what pairedBootstrap gives it alone', () => {
    const random = new SeededRandom(8);
    const turns = (count: number, skip: (index: number) => boolean, value: () => number) =>
      Array.from({ length: count }, (_, index) => ({
        id: `t${index}`,
        cluster: `c${Math.floor(index / 2)}`,
        value: value(),
      })).filter((_, index) => !skip(index));
    const baseline = turns(
      60,
      () => false,
      () => random.nextFloat(),
    );
    const candidates = [
      turns(
        60,
        () => false,
        () => random.nextFloat(),
      ),
      turns(
        60,
        () => false,
        () => random.nextInt(2),
      ),
      // Turns the baseline lacks and lacks some of its own: other matched clusters.
      turns(
        64,
        (index) => index % 7 === 0,
        () => random.nextFloat(),
      ),
      // Every difference the same: nothing to draw.
      baseline.map((turn) => ({ ...turn, value: turn.value + 0.5 })),
      [],
      turns(
        60,
        () => false,
        () => random.nextFloat(),
      ),
    ];
    for (const options of [
      { seed: 4, resamples: 300 },
      { seed: 0, resamples: 7 },
    ]) {
      expect(pairedBootstrapTogether(baseline, candidates, options)).toEqual(
        candidates.map((candidate) => pairedBootstrap(baseline, candidate, options)),
      );
    }
  });
});

describe('pairedBootstrapOfTurns', () => {
  const turns = (ids: string[]) => ({
    ids,
    clusters: ids.map((id) => id.split('#')[0]!),
    values: Float64Array.from(ids, (_, index) => index / 10),
  });

  it('gives pairedBootstrapTogether’s results from sorted columns', () => {
    const baseline = ['a#0', 'a#1', 'b#0', 'c#0'];
    const candidate = ['a#0', 'b#0', 'c#0', 'd#0'];
    const items = (ids: string[]) =>
      ids.map((id, index) => ({ id, cluster: id.split('#')[0]!, value: index / 10 }));
    expect(
      pairedBootstrapOfTurns(turns(baseline), [() => turns(candidate)], { seed: 3, resamples: 100 }),
    ).toEqual(pairedBootstrapTogether(items(baseline), [items(candidate)], { seed: 3, resamples: 100 }));
  });

  it('refuses columns whose ids are not ascending and distinct, which would pair nothing', () => {
    expect(() => pairedBootstrapOfTurns(turns(['b#0', 'a#0']), [turns(['a#0', 'b#0'])])).toThrow(
      /baseline's turn ids must be ascending/,
    );
    expect(() => pairedBootstrapOfTurns(turns(['a#0', 'b#0']), [turns(['a#0', 'a#0'])])).toThrow(
      /candidate's turn ids must be ascending/,
    );
  });
});

describe('pairedBootstrap p and interval', () => {
  it('gives no p below 0.05 next to an interval that holds 0 at its bound', () => {
    // Ten one-turn conversations, the candidate better by 1 on three: 0.7^10 = 2.8% of resamples
    // draw none of them, so about 2.8% of the means are exactly 0 and the 2.5th percentile is 0.
    const baseline = Array.from({ length: 10 }, (_, index) => ({
      id: `${index}`,
      cluster: `c${index}`,
      value: 0,
    }));
    const candidate = baseline.map((item, index) => ({ ...item, value: index < 3 ? 1 : 0 }));
    const result = pairedBootstrap(baseline, candidate, { seed: 1, resamples: 2000 });
    expect(result.ci95![0]).toBe(0);
    expect(result.p!).toBeGreaterThanOrEqual(0.05);
  });
});
