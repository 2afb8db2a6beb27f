// The subpath, not the package: a scoring worker must not load the whole core (language tables).
import { RecentResults } from '@baton/core/recent-results';

/**
 * A bounded memo for scores that depend on text alone (nugget matching, targeted cleanup, token
 * F1). Teacher-forced, every strategy answers the same turn, and strategies that pick the same
 * agent give the same answer: the default run scores ~1,960 distinct answers for ~3,240 answered
 * items. Those functions are pure, so a repeated answer reuses the first result instead of
 * recomputing it; no number can change.
 *
 * Past `capacity` the oldest result not used again goes first (`RecentResults`' second chance,
 * which also keeps a lookup from paying for the map's deleted entries). Units are scheduled
 * conversation by conversation, so a turn's answers arrive close together and a small memo catches
 * them: in the default run, 99 % of the repeats come within 28 lookups of the first, and 9 of 2,583
 * beyond 1,024. Each entry holds its texts in its key, so a larger memo mostly holds memory (4,096
 * entries of support replies held about 16 MB).
 *
 * @example
 * ```ts
 * const memo = new TextScoreMemo();
 * const f1 = memo.remember(TextScoreMemo.key('token-f1', answer, reference), () => tokenF1(answer, reference));
 * ```
 */
export class TextScoreMemo {
  private readonly recent: RecentResults<string, unknown>;

  /** @param capacity - Results kept at most (default 1,024). */
  constructor(capacity = 1024) {
    this.recent = new RecentResults(capacity);
  }

  /** A key from a score's name and every text it reads, separated so no two inputs collide. */
  static key(name: string, ...texts: readonly (string | readonly string[])[]): string {
    // U+0000 never occurs in validated text fields; U+0001 separates the entries of a list.
    return `${name}\u0000${texts.map((text) => (typeof text === 'string' ? text : text.join('\u0001'))).join('\u0000')}`;
  }

  /** The remembered result for `key`, or `compute()`'s, remembered. */
  remember<T>(key: string, compute: () => T): T {
    return this.recent.get(key, compute) as T;
  }
}
