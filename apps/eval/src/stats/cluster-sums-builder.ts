import { EvalError } from '../eval-error.js';
import type { ClusterSums } from './cluster-bootstrap.js';

/**
 * Builds {@link ClusterSums} from turns given in canonical order: by cluster id (code-point order),
 * and within a cluster by value, ascending. Each cluster's turns come together, so a cluster is
 * numbered when it first appears and no index of clusters is kept; the sums are added in the order
 * given, which is what makes them the same, bit for bit, however the caller came by that order
 * (`sumByCluster` sorts its turns; a run's summary reads its already sorted items).
 *
 * @example
 * ```ts
 * const builder = new ClusterSumsBuilder();
 * builder.add('a', 0.5);
 * builder.add('a', 1);
 * builder.add('b', 0);
 * builder.finish(); // sums [1.5, 0], counts [2, 1], mean 0.5
 * ```
 */
export class ClusterSumsBuilder {
  // Plain arrays, copied into typed ones of the right length at the end: a typed array sized for
  // every turn up front is memory outside the heap that lasts until a collection finds it dead,
  // and a summary takes a dozen of these per strategy (measured: a higher peak, not a lower one).
  private readonly sums: number[] = [];
  private readonly counts: number[] = [];
  private current: string | undefined;
  private total = 0;
  private minimum = Number.POSITIVE_INFINITY;
  private maximum = Number.NEGATIVE_INFINITY;
  private added = 0;

  /** Turns added so far. */
  get turns(): number {
    return this.added;
  }

  /**
   * Adds one turn's value to its cluster.
   *
   * @param cluster - The turn's cluster: the current one, or one after it in code-point order.
   * @param turnValue - The turn's value.
   * @throws EvalError `invalid-input` for a non-finite value; `usage` when `cluster` comes before
   *   the current cluster in code-point order (the turns are not in canonical order).
   */
  add(cluster: string, turnValue: number): void {
    // -0 as 0: the sums are the same either way (they start at 0), but which of the two became the
    // minimum or maximum would depend on which came first among equal values.
    const value = turnValue === 0 ? 0 : turnValue;
    if (!Number.isFinite(value)) {
      throw new EvalError(
        'invalid-input',
        `bootstrap: values must be finite numbers, got ${value} in "${cluster}".`,
      );
    }
    if (cluster !== this.current) {
      if (this.current !== undefined && cluster < this.current) {
        throw new EvalError(
          'usage',
          `ClusterSumsBuilder: cluster "${cluster}" after "${this.current}": turns must come in cluster order.`,
        );
      }
      this.sums.push(0);
      this.counts.push(0);
      this.current = cluster;
    }
    const at = this.sums.length - 1;
    this.sums[at]! += value;
    this.counts[at]! += 1;
    this.total += value;
    this.added += 1;
    if (value < this.minimum) this.minimum = value;
    if (value > this.maximum) this.maximum = value;
  }

  /** The sums so far: one entry per cluster, in the order the clusters came. */
  finish(): ClusterSums {
    return {
      sums: Float64Array.from(this.sums),
      counts: Float64Array.from(this.counts),
      mean: this.added === 0 ? undefined : clamp(this.total / this.added, this.minimum, this.maximum),
      minimum: this.minimum,
      maximum: this.maximum,
    };
  }
}

/** `value` within [minimum, maximum]. */
export function clamp(value: number, minimum: number, maximum: number): number {
  return Math.min(Math.max(value, minimum), maximum);
}
