import { factTokens, nuggetVerdict } from '@baton/core/facts';
import type { ReplayTurn } from '../replay-turn.js';

/** One of the customer's recorded goals: a recorded reply with nuggets, and how much of it was conveyed. */
export interface Goal {
  /** The recorded user turn the reply answered. */
  turn: ReplayTurn;
  /** Indexes of the reply's nuggets some answer conveyed so far. */
  conveyed: Set<number>;
  /** The step (1-based turn of the strategy's conversation) at which the goal was reached. */
  reachedAt?: number;
}

/**
 * The customer's goals in a free run and which of them the strategy's answers have reached. A
 * goal is a recorded reply with nuggets; it is reached when the answers so far convey, together,
 * at least `minRecall` of its nuggets (the fit rule's threshold, so an answer that lets the
 * recording go on reaches its goal), when the judge says an answer conveyed it, or when the
 * strategy escalated a turn whose gold label says a human was needed (as answer quality counts
 * it). Gold stays here, with the scorers: nothing of it reaches a strategy or the user simulator.
 */
export class GoalTracker {
  readonly goals: Goal[];
  private readonly nuggetTokens: Map<Goal, ReturnType<typeof factTokens>[]>;

  constructor(
    turns: readonly ReplayTurn[],
    private readonly minRecall: number,
  ) {
    this.goals = turns
      .filter((turn) => turn.reference !== null && turn.nuggets.length > 0)
      .map((turn) => ({ turn, conveyed: new Set<number>() }));
    this.nuggetTokens = new Map(this.goals.map((goal) => [goal, goal.turn.nuggets.map(factTokens)]));
  }

  /** Goals not reached yet, in recorded order. */
  open(): Goal[] {
    return this.goals.filter((goal) => goal.reachedAt === undefined);
  }

  get reached(): number {
    return this.goals.length - this.open().length;
  }

  /** Whether there are goals and every one is reached. */
  get complete(): boolean {
    return this.goals.length > 0 && this.open().length === 0;
  }

  /**
   * Offline: adds the nuggets of every open goal that `answer` conveys, and returns the goals
   * (their recorded turn indexes) this answer completed.
   */
  observeAnswer(answer: string, step: number): number[] {
    const answerTokens = factTokens(answer);
    const reached: number[] = [];
    for (const goal of this.open()) {
      this.nuggetTokens.get(goal)!.forEach((tokens, index) => {
        if (nuggetVerdict(answerTokens, tokens) === 'present') goal.conveyed.add(index);
      });
      if (goal.conveyed.size / goal.turn.nuggets.length >= this.minRecall) {
        goal.reachedAt = step;
        reached.push(goal.turn.turnIndex);
      }
    }
    return reached;
  }

  /** Marks goals (by recorded turn index) reached at `step`; returns the ones that were open. */
  markReached(turnIndexes: readonly number[], step: number): number[] {
    const reached: number[] = [];
    for (const goal of this.open()) {
      if (turnIndexes.includes(goal.turn.turnIndex)) {
        goal.reachedAt = step;
        reached.push(goal.turn.turnIndex);
      }
    }
    return reached;
  }
}
