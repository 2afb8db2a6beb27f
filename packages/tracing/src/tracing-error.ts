/**
 * Every error code `@baton/tracing` throws. Tracing never throws into a run: these surface only
 * from setup (bad options) and from explicit reads (a malformed trace file).
 */
export type TracingErrorCode = 'invalid-options' | 'invalid-trace-file';

const marker = Symbol.for('baton.tracing.error');

/**
 * The one error base class of `@baton/tracing`.
 *
 * @example
 * ```ts
 * try { setupTracing({ langfuse: { publicKey: '' } }); }
 * catch (error) { if (TracingError.isInstance(error) && error.code === 'invalid-options') … }
 * ```
 */
export class TracingError extends Error {
  /** A stable, machine-readable code. */
  readonly code: TracingErrorCode;

  constructor(code: TracingErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TracingError';
    this.code = code;
    // A symbol property instead of `instanceof`, so copies from two installs recognise each other.
    Object.defineProperty(this, marker, { value: true });
  }

  /** Both codes are the caller's to fix (options or the file they point at). */
  get isUserError(): boolean {
    return true;
  }

  /**
   * Recognises a tracing error even when two copies of `@baton/tracing` are installed side by side
   * (where `instanceof` fails).
   */
  static isInstance(error: unknown): error is TracingError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
