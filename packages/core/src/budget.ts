import { BudgetExceededError } from './baton-error.js';
import type { Usage } from './chat-model.js';

/** Limits on what a delegation (and everything nested under it) may spend. */
export interface BudgetLimits {
  tokens?: number;
  costUsd?: number;
  wallTimeMs?: number;
}

/**
 * A spending account shared down a delegation tree. A child budget draws from its parent, so a
 * nested delegate can never spend more than any ancestor has left; checks run *before* each call.
 */
export class Budget {
  private tokensSpent = 0;
  private costSpent = 0;
  private usageSpent: Usage = { inputTokens: 0, outputTokens: 0 };
  // Estimates of calls in flight: concurrent branches must not all spend the same remainder.
  private tokensReserved = 0;
  private costReserved = 0;
  private readonly startedAt: number;

  /**
   * @param limits - this level's own limits (undefined = unlimited at this level)
   * @param parent - the enclosing budget, charged too
   * @param now - clock, injectable for tests
   */
  constructor(
    readonly limits: BudgetLimits = {},
    private readonly parent?: Budget,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  /** A child budget whose limits are at most this budget's remainder. */
  child(limits: BudgetLimits = {}): Budget {
    return new Budget(limits, this, this.now);
  }

  /** What is left of each resource, taking every ancestor into account. */
  remaining(): Required<BudgetLimits> {
    const own = {
      tokens:
        this.limits.tokens === undefined
          ? Number.POSITIVE_INFINITY
          : this.limits.tokens - this.tokensSpent - this.tokensReserved,
      costUsd:
        this.limits.costUsd === undefined
          ? Number.POSITIVE_INFINITY
          : this.limits.costUsd - this.costSpent - this.costReserved,
      wallTimeMs:
        this.limits.wallTimeMs === undefined
          ? Number.POSITIVE_INFINITY
          : this.limits.wallTimeMs - (this.now() - this.startedAt),
    };
    if (!this.parent) return own;
    const inherited = this.parent.remaining();
    return {
      tokens: Math.min(own.tokens, inherited.tokens),
      costUsd: Math.min(own.costUsd, inherited.costUsd),
      wallTimeMs: Math.min(own.wallTimeMs, inherited.wallTimeMs),
    };
  }

  /**
   * Throws a {@link BudgetExceededError} if a call needing the given estimate cannot be afforded.
   * Called before every agent run and model call.
   */
  ensure(estimate: { tokens?: number; costUsd?: number } = {}): void {
    const left = this.remaining();
    if (left.wallTimeMs <= 0) throw new BudgetExceededError('wallTimeMs', 1, Math.max(0, left.wallTimeMs));
    if (left.tokens <= 0 || (estimate.tokens !== undefined && estimate.tokens > left.tokens)) {
      throw new BudgetExceededError('tokens', estimate.tokens ?? 1, Math.max(0, left.tokens));
    }
    if (left.costUsd <= 0 || (estimate.costUsd !== undefined && estimate.costUsd > left.costUsd)) {
      throw new BudgetExceededError('costUsd', estimate.costUsd ?? 0, Math.max(0, left.costUsd));
    }
  }

  /**
   * Checks that a call's estimate fits, as {@link Budget.ensure}, and holds it against this budget
   * and every ancestor until the call settles, so concurrent calls cannot all spend the same
   * remainder. Settle with the actual usage (which replaces the estimate) or release on failure.
   */
  reserve(estimate: { tokens: number; costUsd?: number }): {
    settle(usage: Usage, costUsd?: number): void;
    release(): void;
  } {
    this.ensure(estimate);
    const cost = estimate.costUsd ?? 0;
    this.hold(estimate.tokens, cost);
    let open = true;
    return {
      settle: (usage, costUsd = 0) => {
        if (!open) return;
        open = false;
        this.hold(-estimate.tokens, -cost);
        this.charge(usage, costUsd);
      },
      release: () => {
        if (!open) return;
        open = false;
        this.hold(-estimate.tokens, -cost);
      },
    };
  }

  private hold(tokens: number, costUsd: number): void {
    this.tokensReserved += tokens;
    this.costReserved += costUsd;
    this.parent?.hold(tokens, costUsd);
  }

  /** Records spending here and in every ancestor. */
  charge(usage: Usage, costUsd = 0): void {
    this.tokensSpent += usage.inputTokens + usage.outputTokens;
    this.costSpent += costUsd;
    this.usageSpent = {
      inputTokens: this.usageSpent.inputTokens + usage.inputTokens,
      outputTokens: this.usageSpent.outputTokens + usage.outputTokens,
    };
    this.parent?.charge(usage, costUsd);
  }

  /** Tokens and cost spent at this level (including children). */
  spent(): { tokens: number; costUsd: number; usage: Usage } {
    return { tokens: this.tokensSpent, costUsd: this.costSpent, usage: this.usageSpent };
  }
}
