import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { parseRetryAfter } from './parse-retry-after.js';
import { ProviderCallError, ProviderError } from './provider-error.js';

/** Statuses worth another try: timeout, conflict (lock), rate limit, and any server error. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

const networkErrorCodes: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * True for faults of the connection rather than of the request: undici's `fetch failed` and
 * `terminated` (a body cut off mid-way), or a socket error code anywhere in the cause chain.
 */
export function isNetworkError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && networkErrorCodes.has(code)) return true;
    if (current.name === 'TypeError' && /^(fetch failed|terminated)$/.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}

/**
 * Maps whatever a call threw (an SDK `APIError`, a network or parse error) onto a
 * {@link ProviderCallError} with `status` and `isRetryable`, keeping the original as `cause`.
 * Aborts and timeouts are decided by the caller, who knows which signal fired.
 *
 * @param hostLabel - Names the host in the message, e.g. `DeepSeek (api.deepseek.com)`.
 */
export function toProviderCallError(error: unknown, hostLabel: string): ProviderError {
  // The SDK wraps whatever the transport threw (e.g. a cassette miss) in an APIConnectionError.
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    if (ProviderError.isInstance(current)) return current;
    current = current.cause;
  }
  if (error instanceof APIConnectionTimeoutError) {
    return new ProviderCallError('timeout', `${hostLabel} did not answer in time.`, {
      isRetryable: true,
      cause: error,
    });
  }
  if (error instanceof APIUserAbortError) {
    return new ProviderCallError('provider-call-failed', `The call to ${hostLabel} was aborted.`, {
      isRetryable: false,
      cause: error,
    });
  }
  if (error instanceof APIConnectionError) {
    return new ProviderCallError(
      'provider-call-failed',
      `Could not reach ${hostLabel}: ${describeCause(error)}`,
      {
        isRetryable: true,
        cause: error,
      },
    );
  }
  if (error instanceof APIError) {
    if (error.status === undefined) {
      // An error event inside a stream: the host reported a failure mid-answer.
      return new ProviderCallError(
        'provider-call-failed',
        `${hostLabel} reported an error: ${error.message}`,
        {
          isRetryable: false,
          cause: error,
        },
      );
    }
    const shouldRetry = error.headers?.get('x-should-retry');
    const isRetryable =
      shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : isRetryableStatus(error.status);
    const retryAfterMs = parseRetryAfter(error.headers);
    return new ProviderCallError('provider-call-failed', `${hostLabel} answered ${error.message}`, {
      status: error.status,
      isRetryable,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      cause: error,
    });
  }
  if (error instanceof SyntaxError) return notJsonError(hostLabel, error);
  if (isNetworkError(error)) {
    return new ProviderCallError(
      'provider-call-failed',
      `The connection to ${hostLabel} failed: ${describeCause(error)}`,
      {
        isRetryable: true,
        cause: error,
      },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderCallError('provider-call-failed', `The call to ${hostLabel} failed: ${message}`, {
    isRetryable: false,
    cause: error,
  });
}

/**
 * The error for a body (or a stream's first chunk) that is not valid JSON: retryable, but once
 * only (`retryLimit: 1`). A body cut short usually comes whole on the next try; a host that keeps
 * sending something else (an HTML page from a proxy) will not be fixed by more tries.
 *
 * @param details - The response's status and the text received, when known (for the message).
 */
export function notJsonError(
  hostLabel: string,
  cause: unknown,
  details: { status?: number; text?: string } = {},
): ProviderCallError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const start = details.text === undefined ? '' : ` (it starts ${JSON.stringify(details.text.slice(0, 80))})`;
  return new ProviderCallError(
    'invalid-response',
    `${hostLabel} sent a body that is not valid JSON${start}: ${reason}`,
    {
      ...(details.status === undefined ? {} : { status: details.status }),
      isRetryable: true,
      retryLimit: 1,
      cause,
    },
  );
}

function describeCause(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${current.message} (${code})` : current.message);
    current = current.cause;
  }
  return parts.join(': ');
}
