import { createHash } from 'node:crypto';
import type { Conversation } from './conversation.js';
import type { Split } from './split.js';

/** A conversation as the split sees it: its id and the stratum it must be spread across. */
export interface SplitCandidate {
  id: string;
  /** Usually the conversation's {@link primaryDomain}. */
  stratum: string;
}

/** Options of {@link assignSplit}. */
export interface AssignSplitOptions {
  /** Mixed into the hash; a different seed gives a different, equally fair split. */
  seed: string;
  /** Share of each stratum that goes to test (default 0.3). */
  testShare?: number;
}

/**
 * Splits conversations into train and test, deterministically: within each stratum the ids are
 * ordered by a SHA-256 hash of seed and id, and the first `round(n × testShare)` go to test (at least
 * one when the stratum has two or more conversations, so both sides see every stratum; a stratum of
 * one stays in train). The same ids and seed always give the same split, in whatever order they come.
 *
 * @example
 * ```ts
 * assignSplit([{ id: 'a', stratum: 'billing' }, { id: 'b', stratum: 'billing' }], { seed: 'support-v1' });
 * ```
 */
export function assignSplit(candidates: Iterable<SplitCandidate>, options: AssignSplitOptions): Split {
  const testShare = options.testShare ?? 0.3;
  const strata = new Map<string, Array<{ id: string; hash: string }>>();
  for (const candidate of candidates) {
    const hash = createHash('sha256').update(`${options.seed}\u0000${candidate.id}`).digest('hex');
    const members = strata.get(candidate.stratum) ?? [];
    members.push({ id: candidate.id, hash });
    strata.set(candidate.stratum, members);
  }
  const train: string[] = [];
  const test: string[] = [];
  for (const members of strata.values()) {
    members.sort((left, right) => compare(left.hash, right.hash) || compare(left.id, right.id));
    const testCount = members.length < 2 ? 0 : Math.max(1, Math.round(members.length * testShare));
    members.forEach((member, index) => {
      (index < testCount ? test : train).push(member.id);
    });
  }
  return {
    method: 'stratified-hash',
    seed: options.seed,
    train: train.sort(compare),
    test: test.sort(compare),
  };
}

/**
 * The domain a conversation is stratified by: the first gold domain of its first labelled user
 * turn, or `unlabelled`.
 */
export function primaryDomain(conversation: Conversation): string {
  for (const turn of conversation.turns) {
    if (turn.role === 'user' && turn.domain !== undefined) return turn.domain[0];
  }
  return 'unlabelled';
}

function compare(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
