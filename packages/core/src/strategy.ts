import type { DelegationRecord, ErrorInfo } from './delegation-record.js';
import type { Roster } from './roster.js';
import type { RunScope } from './run-scope.js';
import type { TurnInput } from './turn-input.js';

/** What a strategy gets besides the turn. */
export interface StrategyContext {
  roster: Roster;
  scope: RunScope;
  /** Per-conversation state the caller keeps between turns (a handoff remembers its specialist here). */
  state: Record<string, unknown>;
  /** The turn's language (given or detected). */
  language: string;
  /** The languages the team may answer in when no delegate speaks `language` (see `createTeam`). */
  replyLanguages?: readonly string[];
}

/** How a strategy answered one turn. */
export interface StrategyAnswer {
  /** The answer sent to the user; null when a human took over or nothing could be produced. */
  answer: string | null;
  outcome: 'answered' | 'escalated' | 'failed';
  /** Agents whose output makes up the answer (`human` when escalated). */
  respondedBy: string[];
  delegations: DelegationRecord[];
  escalation?: { reason: string };
  error?: ErrorInfo;
}

/**
 * A way of answering turns with a team: a composition of policies for the seven delegation steps.
 * Strategies are values (built with `defineStrategy` or the built-ins such as `routeLexical()`),
 * not subclasses; the same strategy value runs with any roster.
 */
export interface Strategy {
  readonly specificationVersion: 'v1';
  readonly name: string;
  readonly description: string;
  /**
   * `false` for a strategy that never delegates (the `solo` baseline). The harness then keeps its
   * errored turns out of the fallback-rate denominator, which only counts attempted delegations.
   */
  readonly delegates?: boolean;
  respond(turn: TurnInput, context: StrategyContext): Promise<StrategyAnswer>;
}
