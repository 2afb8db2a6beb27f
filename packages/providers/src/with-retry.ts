import { ProviderCallError } from './provider-error.js';
import { sleep as defaultSleep } from './sleep.js';

/** How failed calls are retried. Every field has a default. */
export interface RetryOptions {
  /** Retries after the first attempt (default 3; 0 disables retrying). */
  maxRetries?: number;
  /** The backoff ceiling of the first retry (default 500 ms); it doubles with each retry. */
  initialDelayMs?: number;
  /** The largest computed backoff (default 8 000 ms). */
  maxDelayMs?: number;
  /**
   * The longest `Retry-After` we are willing to honour (default 60 000 ms). A host asking for
   * longer fails the call at once: retrying earlier would fail again, waiting longer blocks a run.
   */
  maxRetryAfterMs?: number;
  /** Source of jitter in [0, 1) (default `Math.random`); inject for deterministic tests. */
  random?: () => number;
  /**
   * How to wait (default: a timer that the signal cancels, on the model's `clock` when a model
   * resolves these options); inject one to record the delays instead of waiting.
   */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called before each backoff, e.g. for logging or tracing. */
  onRetry?: (event: RetryEvent) => void;
}

/** Reported to {@link RetryOptions.onRetry} before a backoff. */
export interface RetryEvent {
  /** The retry about to happen: 1 for the first retry. */
  retry: number;
  delayMs: number;
  error: ProviderCallError;
}

/** {@link RetryOptions} with every default filled in. */
export type ResolvedRetryOptions = Required<Omit<RetryOptions, 'onRetry'>> & Pick<RetryOptions, 'onRetry'>;

/** Fills in the defaults of {@link RetryOptions}. */
export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  return {
    maxRetries: options.maxRetries ?? 3,
    initialDelayMs: options.initialDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 8_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
    random: options.random ?? Math.random,
    sleep: options.sleep ?? defaultSleep,
    onRetry: options.onRetry,
  };
}

/**
 * Exponential backoff with full jitter: a uniform draw from [0, min(max, initial · 2^(retry-1))).
 * Full jitter spreads a burst of clients that failed together better than equal or no jitter.
 *
 * @param retry - 1 for the first retry.
 */
export function backoffDelay(retry: number, options: ResolvedRetryOptions): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (retry - 1));
  return Math.floor(options.random() * ceiling);
}

/**
 * Runs `attempt` until it succeeds, fails with an error that is not a retryable
 * {@link ProviderCallError}, or the retries run out: `maxRetries` in all, and no more than an
 * error's own `retryLimit` for failures of its code. Honours the host's `Retry-After`. An aborted
 * signal rejects at once, even in the middle of a backoff.
 *
 * @param attempt - One try; receives the attempt number (0 for the first).
 */
export async function withRetry<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  options: ResolvedRetryOptions,
  signal?: AbortSignal,
): Promise<T> {
  const retriesByCode = new Map<string, number>();
  for (let attemptNumber = 0; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (signal?.aborted) throw error;
      if (!(error instanceof ProviderCallError) || !error.isRetryable) throw error;
      if (attemptNumber >= options.maxRetries) throw error;
      const retriesOfCode = retriesByCode.get(error.code) ?? 0;
      if (error.retryLimit !== undefined && retriesOfCode >= error.retryLimit) throw error;
      retriesByCode.set(error.code, retriesOfCode + 1);
      if (error.retryAfterMs !== undefined && error.retryAfterMs > options.maxRetryAfterMs) throw error;
      const retry = attemptNumber + 1;
      const delayMs = error.retryAfterMs ?? backoffDelay(retry, options);
      options.onRetry?.({ retry, delayMs, error });
      await options.sleep(delayMs, signal);
    }
  }
}
