import type { A2aTaskState } from './task-state.js';

/**
 * Every error code `@baton/a2a` throws. Configuration mistakes (bad options, missing credentials)
 * and faults of the remote agent or the network are told apart by {@link A2aError.isUserError}.
 */
export type A2aErrorCode =
  | 'invalid-argument'
  | 'card-unavailable'
  | 'invalid-card'
  | 'no-transport'
  | 'transport-error'
  | 'invalid-response'
  | 'remote-failed'
  | 'remote-rejected'
  | 'remote-canceled'
  | 'input-required'
  | 'auth-required';

const marker = Symbol.for('baton.a2a.error');

const userErrorCodes: ReadonlySet<A2aErrorCode> = new Set<A2aErrorCode>([
  'invalid-argument',
  'no-transport',
  'auth-required',
]);

/**
 * The one error base class of `@baton/a2a`. Subclasses exist only where they carry fields.
 *
 * Inside a delegation the engine records these as `delegation-failed` attempts with this error's
 * message (the attempt's `remote` field names the URL and the remote task); the ladder then moves
 * on. Cancellation, timeouts, deadlines and budgets surface as `@baton/core`'s own errors instead,
 * so the engine treats them as it treats a local agent's.
 *
 * @example
 * ```ts
 * try { await createA2aAgent({ url }); }
 * catch (error) { if (A2aError.isInstance(error) && error.code === 'card-unavailable') … }
 * ```
 */
export class A2aError extends Error {
  /** A stable, machine-readable code. */
  readonly code: A2aErrorCode;

  constructor(code: A2aErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'A2aError';
    this.code = code;
    // A symbol property instead of `instanceof`, so copies from two installs recognise each other.
    Object.defineProperty(this, marker, { value: true });
  }

  /** True when the caller's options or credentials are at fault rather than the remote or network. */
  get isUserError(): boolean {
    return userErrorCodes.has(this.code);
  }

  /**
   * Recognises an A2A error even when two copies of `@baton/a2a` are installed side by side
   * (where `instanceof` fails).
   */
  static isInstance(error: unknown): error is A2aError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}

/** A remote task that ended without an answer Baton can use: failed, rejected, canceled, or interrupted. */
export class A2aTaskError extends A2aError {
  /** The agent's base URL (or the card's endpoint when the agent was built from a card). */
  readonly url: string;
  /** The remote task's id. */
  readonly taskId: string;
  /** The state the task was in when Baton gave up on it. */
  readonly state: A2aTaskState;

  constructor(
    code: 'remote-failed' | 'remote-rejected' | 'remote-canceled' | 'input-required' | 'auth-required',
    message: string,
    details: { url: string; taskId: string; state: A2aTaskState; cause?: unknown },
  ) {
    super(code, message, { cause: details.cause });
    this.name = 'A2aTaskError';
    this.url = details.url;
    this.taskId = details.taskId;
    this.state = details.state;
  }
}
