import { EvalError } from '../eval-error.js';

/** One turn's outcomes over repeated runs. */
export interface RepeatedOutcomes {
  /** The turn's id. */
  id: string;
  /** Its conversation; required when counting by conversation. */
  cluster?: string;
  /** Pass/fail of each run, in run order (run r of every turn of a conversation belongs together). */
  outcomes: readonly boolean[];
}

/** Options for {@link passHatK}. */
export interface PassHatKOptions {
  /** Runs that must all pass. Default: the fewest runs any unit has. */
  k?: number;
  /** Count turns (default) or conversations; a conversation passes a run when all its turns do. */
  by?: 'item' | 'cluster';
}

/** pass^k over a set of units. */
export interface PassHatKResult {
  /** Mean over units of the pass^k estimate; `undefined` with no units. */
  value: number | undefined;
  /** The k used; `undefined` when there were no units to take a default from. */
  k: number | undefined;
  /** Units averaged: turns or conversations. */
  units: number;
  by: 'item' | 'cluster';
}

/**
 * pass^k (Yao et al., 2024, τ-bench): the share of turns — or conversations — that pass in **all**
 * k repeated runs, a measure of reliability (pass@k, "at least one of k", measures the opposite).
 *
 * With exactly k runs per unit this is the plain share of units whose runs all passed. With n ≥ k
 * runs it uses the unbiased estimator C(c, k) ÷ C(n, k) per unit (c passes out of n): the chance
 * that k runs drawn without replacement from the n all passed, which estimates p^k without
 * wasting the extra runs. See {@link passHatKEstimate}.
 *
 * By conversation, run r of a conversation passes when run r of every one of its turns passed, so
 * all its turns need the same number of runs.
 *
 * @param items - The turns with their outcomes.
 * @param options - k and the unit.
 * @returns The mean estimate, k and the number of units.
 * @throws EvalError when k is not a positive integer, a unit has fewer than k
 *   runs, a conversation's turns have different numbers of runs, or `cluster` is missing when
 *   counting by conversation.
 *
 * @example
 * ```ts
 * passHatK([
 *   { id: 't1', outcomes: [true, true, true] },
 *   { id: 't2', outcomes: [true, false, true] },
 * ]).value; // 0.5: t1 passed all 3 runs, t2 did not
 * ```
 */
export function passHatK(items: readonly RepeatedOutcomes[], options: PassHatKOptions = {}): PassHatKResult {
  const by = options.by ?? 'item';
  const units = by === 'item' ? items.map((item) => item.outcomes) : conversationOutcomes(items);
  const k =
    options.k ?? (units.length === 0 ? undefined : Math.min(...units.map((outcomes) => outcomes.length)));
  if (k !== undefined && (!Number.isInteger(k) || k < 1)) {
    throw new EvalError('usage', `passHatK: k must be a positive integer, got ${k}.`);
  }
  if (units.length === 0 || k === undefined) return { value: undefined, k, units: 0, by };
  let total = 0;
  for (const outcomes of units) {
    total += passHatKEstimate(outcomes.filter(Boolean).length, outcomes.length, k);
  }
  return { value: total / units.length, k, units: units.length, by };
}

/**
 * The unbiased estimate of p^k from `passes` successes in `samples` runs: C(passes, k) ÷
 * C(samples, k), computed as a product of ratios so it neither overflows nor loses precision.
 * With `samples === k` it is 1 when every run passed and 0 otherwise.
 *
 * @param passes - Successful runs, 0…samples.
 * @param samples - Runs, ≥ k.
 * @param k - Runs that must all pass, ≥ 1.
 * @returns The estimate, in [0, 1].
 * @throws EvalError for inconsistent counts.
 */
export function passHatKEstimate(passes: number, samples: number, k: number): number {
  if (![passes, samples, k].every(Number.isSafeInteger) || k < 1 || passes < 0 || passes > samples) {
    throw new EvalError(
      'invalid-input',
      `passHatK: invalid counts passes=${passes}, samples=${samples}, k=${k}.`,
    );
  }
  if (samples < k) {
    throw new EvalError('usage', `passHatK: ${samples} runs are fewer than k=${k}.`);
  }
  let estimate = 1;
  for (let i = 0; i < k; i++) {
    if (passes - i <= 0) return 0;
    estimate *= (passes - i) / (samples - i);
  }
  return estimate;
}

function conversationOutcomes(items: readonly RepeatedOutcomes[]): boolean[][] {
  const byConversation = new Map<string, boolean[]>();
  for (const item of items) {
    if (item.cluster === undefined) {
      throw new EvalError(
        'invalid-input',
        `passHatK: turn "${item.id}" has no cluster to count by conversation.`,
      );
    }
    const runs = byConversation.get(item.cluster);
    if (runs === undefined) {
      byConversation.set(item.cluster, [...item.outcomes]);
      continue;
    }
    if (runs.length !== item.outcomes.length) {
      throw new EvalError(
        'invalid-input',
        `passHatK: conversation "${item.cluster}" has turns with ${runs.length} and ${item.outcomes.length} runs.`,
      );
    }
    item.outcomes.forEach((passed, run) => {
      runs[run] = runs[run]! && passed;
    });
  }
  return [...byConversation.values()];
}
