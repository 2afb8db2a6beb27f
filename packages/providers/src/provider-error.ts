/**
 * Every error code `@baton/providers` throws. Configuration mistakes (a missing key, an unknown
 * preset) and faults of the host or the network are told apart by {@link ProviderError.isUserError}.
 */
export type ProviderErrorCode =
  | 'invalid-argument'
  | 'missing-api-key'
  | 'missing-base-url'
  | 'unknown-preset'
  | 'unsupported'
  | 'provider-call-failed'
  | 'timeout'
  | 'invalid-response'
  | 'cassette-miss'
  | 'invalid-cassette';

const marker = Symbol.for('baton.providers.error');

const userErrorCodes: ReadonlySet<ProviderErrorCode> = new Set<ProviderErrorCode>([
  'invalid-argument',
  'missing-api-key',
  'missing-base-url',
  'unknown-preset',
  'unsupported',
  'cassette-miss',
  'invalid-cassette',
]);

/**
 * The one error base class of `@baton/providers`. Subclasses exist only where they carry fields.
 *
 * @example
 * ```ts
 * try { await model.generate(request); }
 * catch (error) { if (ProviderError.isInstance(error) && error.code === 'missing-api-key') … }
 * ```
 */
export class ProviderError extends Error {
  /** A stable, machine-readable code. */
  readonly code: ProviderErrorCode;

  constructor(code: ProviderErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProviderError';
    this.code = code;
    // A symbol property instead of `instanceof`, so copies from two installs recognise each other.
    Object.defineProperty(this, marker, { value: true });
  }

  /** True when the caller's input or configuration is at fault rather than the host or network. */
  get isUserError(): boolean {
    return userErrorCodes.has(this.code);
  }

  /**
   * Recognises a provider error even when two copies of `@baton/providers` are installed side by
   * side (where `instanceof` fails).
   */
  static isInstance(error: unknown): error is ProviderError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}

/** Statuses that a host uses for a bad request or bad credentials: retrying cannot help. */
const userFaultStatuses: ReadonlySet<number> = new Set([400, 401, 403, 404, 422]);

/**
 * A model call that failed: an HTTP error status, a network fault, a timeout or a response that
 * does not have the documented shape. The SDK's or network's original error is the `cause`.
 */
export class ProviderCallError extends ProviderError {
  /** The HTTP status, or undefined when no response arrived (network fault, timeout). */
  readonly status: number | undefined;
  /** True when sending the same request again may succeed (408, 409, 429, 5xx, network, timeout). */
  readonly isRetryable: boolean;
  /** Milliseconds the host asked us to wait (`retry-after-ms` or `Retry-After`), when it said so. */
  readonly retryAfterMs: number | undefined;
  /**
   * The most retries a failure of this kind earns within one call, below the call's `maxRetries`
   * (1 for a body that is not valid JSON: one more try helps a cut-off body, more do not);
   * undefined when only `maxRetries` applies.
   */
  readonly retryLimit: number | undefined;

  constructor(
    code: 'provider-call-failed' | 'timeout' | 'invalid-response',
    message: string,
    details: {
      status?: number;
      isRetryable: boolean;
      retryAfterMs?: number;
      retryLimit?: number;
      cause?: unknown;
    },
  ) {
    super(code, message, { cause: details.cause });
    this.name = 'ProviderCallError';
    this.status = details.status;
    this.isRetryable = details.isRetryable;
    this.retryAfterMs = details.retryAfterMs;
    this.retryLimit = details.retryLimit;
  }

  /** A rejected key or a malformed request is the caller's to fix; everything else is the host's. */
  override get isUserError(): boolean {
    return this.status !== undefined && userFaultStatuses.has(this.status);
  }
}

/** One field in which a request differs from the closest recorded one. */
export interface RequestDifference {
  /** A JSON path such as `body.messages[1].content` or `path`. */
  path: string;
  recorded: unknown;
  actual: unknown;
}

/**
 * Thrown in replay mode when a request has no recording. The message names the closest recorded
 * request and the fields that differ, because "no match" alone sends people hunting.
 */
export class CassetteMissError extends ProviderError {
  /** The cassette file that was searched. */
  readonly cassettePath: string;
  /** The normalized request that missed (never with secrets). */
  readonly request: unknown;
  /** The fields in which it differs from the closest recording; empty when the cassette is empty. */
  readonly differences: RequestDifference[];

  constructor(cassettePath: string, request: unknown, differences: RequestDifference[], message: string) {
    super('cassette-miss', message);
    this.name = 'CassetteMissError';
    this.cassettePath = cassettePath;
    this.request = request;
    this.differences = differences;
  }
}
