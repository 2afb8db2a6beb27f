/**
 * Every error code `@baton/core` throws. User mistakes (bad configuration, unknown agents) and
 * system faults (timeouts, budgets, model failures) are told apart by {@link BatonError.isUserError}.
 */
export type BatonErrorCode =
  | 'invalid-argument'
  | 'no-such-agent'
  | 'not-allowed'
  | 'cycle-detected'
  | 'depth-exceeded'
  | 'budget-exceeded'
  | 'deadline-exceeded'
  | 'timeout'
  | 'aborted'
  | 'model-error'
  | 'invalid-output'
  | 'tool-not-granted'
  | 'delegation-failed';

const marker = Symbol.for('baton.core.error');

const userErrorCodes: ReadonlySet<BatonErrorCode> = new Set<BatonErrorCode>([
  'invalid-argument',
  'no-such-agent',
  'not-allowed',
  'tool-not-granted',
]);

/**
 * The one error base class of `@baton/core`. Subclasses exist only where they carry fields.
 *
 * @example
 * ```ts
 * try { await team.respond(turn); }
 * catch (error) { if (BatonError.isInstance(error) && error.code === 'budget-exceeded') … }
 * ```
 */
export class BatonError extends Error {
  /** A stable, machine-readable code. */
  readonly code: BatonErrorCode;
  constructor(code: BatonErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BatonError';
    this.code = code;
    // A symbol property instead of `instanceof`, so copies from two installs recognise each other.
    Object.defineProperty(this, marker, { value: true });
  }

  /** True when the caller's input or configuration is at fault rather than the system. */
  get isUserError(): boolean {
    return userErrorCodes.has(this.code);
  }

  /**
   * Recognises a Baton error even when two copies of `@baton/core` are installed side by side
   * (where `instanceof` fails).
   */
  static isInstance(error: unknown): error is BatonError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}

/** Thrown when an agent id is not on the roster. */
export class NoSuchAgentError extends BatonError {
  /** The id that was looked up. */
  readonly agentId: string;

  constructor(agentId: string) {
    super('no-such-agent', `No agent with id "${agentId}" is on the roster.`);
    this.name = 'NoSuchAgentError';
    this.agentId = agentId;
  }
}

/** Thrown before a call that would exceed a budget (tokens, cost or wall time). */
export class BudgetExceededError extends BatonError {
  /** Which budget would be exceeded. */
  readonly resource: 'tokens' | 'costUsd' | 'wallTimeMs';
  /** What the call needed (estimated) and what was left. */
  readonly needed: number;
  readonly remaining: number;

  constructor(
    resource: 'tokens' | 'costUsd' | 'wallTimeMs',
    needed: number,
    remaining: number,
    /** Replaces the default message (e.g. for a budget that ran out while work was running). */
    message?: string,
  ) {
    super(
      'budget-exceeded',
      message ?? `The ${resource} budget would be exceeded: needs ${needed}, ${remaining} left.`,
    );
    this.name = 'BudgetExceededError';
    this.resource = resource;
    this.needed = needed;
    this.remaining = remaining;
  }
}

/**
 * Converts anything thrown into a {@link BatonError}, keeping the original as `cause`, so records
 * and events always carry a code.
 */
export function toBatonError(error: unknown, fallbackCode: BatonErrorCode = 'delegation-failed'): BatonError {
  if (BatonError.isInstance(error)) return error;
  if (error instanceof Error && error.name === 'AbortError') {
    return new BatonError('aborted', error.message, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new BatonError(fallbackCode, message, { cause: error });
}
