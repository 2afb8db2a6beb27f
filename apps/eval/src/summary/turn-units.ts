import type { ItemResult } from '../item-result.js';
import type { ClusterSums } from '../stats/cluster-bootstrap.js';
import { ClusterSumsBuilder } from '../stats/cluster-sums-builder.js';

/** One statistical unit: a turn, with the values of all its repeats folded into one. */
export interface TurnUnit {
  /** The turn's item id. */
  id: string;
  /** Its conversation: the resampling unit. */
  cluster: string;
  value: number;
}

/**
 * Folds items into one unit per turn: with `--repeat k` the k repeats of a turn are one unit whose
 * value is their mean (exactly the common value when they agree, so a deterministic strategy gets
 * bit-identical statistics with any k). Items without a value are left out; units come back in
 * canonical order (conversation, then turn id), whatever order the items were in.
 *
 * @param items - One strategy's items, any order, all repeats.
 * @param value - The item's value for the metric, or null when outside its denominator.
 */
export function turnUnits(
  items: readonly ItemResult[],
  value: (item: ItemResult) => number | null,
): TurnUnit[] {
  const byTurn = new Map<string, { cluster: string; values: { repeat: number; value: number }[] }>();
  for (const item of items) {
    const itemValue = value(item);
    if (itemValue === null) continue;
    let turn = byTurn.get(item.itemId);
    if (turn === undefined) {
      turn = { cluster: item.conversationId, values: [] };
      byTurn.set(item.itemId, turn);
    }
    turn.values.push({ repeat: item.repeat, value: itemValue });
  }
  const units: TurnUnit[] = [];
  for (const [id, turn] of byTurn) {
    const values = turn.values.sort((a, b) => a.repeat - b.repeat).map((entry) => entry.value);
    const first = values[0]!;
    let folded = first;
    if (values.some((entry) => entry !== first)) {
      let sum = 0;
      for (const entry of values) sum += entry;
      folded = sum / values.length;
    }
    units.push({ id, cluster: turn.cluster, value: folded });
  }
  return units.sort((a, b) => compareText(a.cluster, b.cluster) || compareText(a.id, b.id));
}

/**
 * `sumByCluster(turnUnits(items, value))`, the same sums bit for bit, in one pass over items that
 * are already in conversation order and without a unit object per turn: a run's summary takes the
 * sums of a dozen metrics for every strategy, over up to hundreds of thousands of turns. Only for a
 * run without repeats, where each item is its own turn (with repeats use {@link turnUnits}, which
 * folds them).
 *
 * @param items - One strategy's items, one per turn (no two with one id), sorted by conversation id
 *   in code-point order ({@link compareText}).
 * @param value - The item's value for the metric, or null when outside its denominator.
 * @throws EvalError `usage` when the items are not in conversation order; `invalid-input` for a
 *   value that is not finite.
 */
export function singleRepeatClusterSums(
  items: readonly ItemResult[],
  value: (item: ItemResult) => number | null,
): ClusterSums {
  const builder = new ClusterSumsBuilder();
  // One conversation's values, summed in ascending order as sumByCluster orders them.
  const values: number[] = [];
  let cluster: string | undefined;
  const flush = () => {
    if (values.length > 1) values.sort((a, b) => a - b);
    for (const each of values) builder.add(cluster!, each);
    values.length = 0;
  };
  for (const item of items) {
    if (item.conversationId !== cluster) {
      flush();
      cluster = item.conversationId;
    }
    const itemValue = value(item);
    if (itemValue !== null) values.push(itemValue);
  }
  flush();
  return builder.finish();
}

/** Code-point order, the same on every machine and locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
