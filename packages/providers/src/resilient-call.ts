import { type CancelTimer, type Clock, systemClock } from './clock.js';
import type { HostLimiter } from './host-limiter.js';
import { ProviderCallError } from './provider-error.js';
import { abortReason, raceWithAbort } from './race-with-abort.js';
import { toProviderCallError } from './to-provider-call-error.js';
import { type ResolvedRetryOptions, withRetry } from './with-retry.js';

/** The signal of one attempt: aborted by the caller's signal or by the attempt's own timer. */
export interface AttemptController {
  readonly signal: AbortSignal;
  /**
   * Rejects with the abort reason when the signal aborts. Racing work against it is cheaper than
   * a listener per race, and it stops the wait even for a transport that ignores its signal.
   */
  readonly cutoff: Promise<never>;
  /** True once the timer fired. */
  readonly timedOut: boolean;
  /** Starts the timer again (streams: the timeout is per chunk once data flows). */
  restartTimer(): void;
  /** Stops the timer, e.g. while a stream's consumer handles a chunk: its pace is not the host's. */
  stopTimer(): void;
  /** Stops the timer and unlinks the caller's signal. */
  dispose(): void;
}

/**
 * Creates the signal for one attempt, linked to the caller's signal and aborted after `timeoutMs`.
 *
 * @param timeoutMs - The attempt's time limit; `Infinity` for none.
 * @param parentSignal - The caller's signal, if any.
 * @param clock - Runs the timer (default {@link systemClock}).
 */
export function createAttemptController(
  timeoutMs: number,
  parentSignal?: AbortSignal,
  clock: Clock = systemClock,
): AttemptController {
  const controller = new AbortController();
  let rejectCutoff: (reason: unknown) => void = () => {};
  const cutoff = new Promise<never>((_, reject) => {
    rejectCutoff = reject;
  });
  // Nobody may be racing when it fires (e.g. between stream chunks); that is not an error.
  cutoff.catch(() => {});
  const abort = (reason: unknown) => {
    controller.abort(reason);
    rejectCutoff(reason);
  };
  let timedOut = false;
  let cancelTimer: CancelTimer | undefined;
  const stopTimer = () => {
    cancelTimer?.();
    cancelTimer = undefined;
  };
  const startTimer = () => {
    if (!Number.isFinite(timeoutMs)) return;
    cancelTimer = clock.setTimer(() => {
      timedOut = true;
      abort(new DOMException(`Timed out after ${timeoutMs} ms.`, 'TimeoutError'));
    }, timeoutMs);
  };
  const onParentAbort = () => abort(parentSignal?.reason);
  if (parentSignal?.aborted) abort(parentSignal.reason);
  else parentSignal?.addEventListener('abort', onParentAbort, { once: true });
  startTimer();
  return {
    signal: controller.signal,
    cutoff,
    get timedOut() {
      return timedOut;
    },
    restartTimer() {
      stopTimer();
      if (!controller.signal.aborted) startTimer();
    },
    stopTimer,
    dispose() {
      stopTimer();
      parentSignal?.removeEventListener('abort', onParentAbort);
    },
  };
}

/** What every call to a host goes through. */
export interface ResilienceContext {
  limiter: HostLimiter;
  retry: ResolvedRetryOptions;
  /** Per attempt; `Infinity` for none. */
  timeoutMs: number;
  /** Runs the per-attempt timer. */
  clock: Clock;
  hostLabel: string;
  /** Hold every call to the host after a 429 with `Retry-After` (off when replaying a cassette). */
  pauseOnRateLimit: boolean;
}

/**
 * Decides what an attempt's failure means: the caller's abort (rethrown as its reason), our
 * timeout (retryable), or a host or network fault mapped by {@link toProviderCallError}.
 */
export function classifyAttemptError(
  error: unknown,
  attempt: AttemptController,
  signal: AbortSignal | undefined,
  context: ResilienceContext,
): unknown {
  if (signal?.aborted) return abortReason(signal);
  if (attempt.timedOut) {
    return new ProviderCallError(
      'timeout',
      `${context.hostLabel} did not answer within ${context.timeoutMs} ms.`,
      {
        isRetryable: true,
        cause: error,
      },
    );
  }
  const mapped = toProviderCallError(error, context.hostLabel);
  if (
    context.pauseOnRateLimit &&
    mapped instanceof ProviderCallError &&
    mapped.status === 429 &&
    mapped.retryAfterMs !== undefined
  ) {
    // Every call to this host would meet the same limit: hold them all, not just this one.
    context.limiter.pauseFor(mapped.retryAfterMs);
  }
  return mapped;
}

/**
 * Runs one request with the host's limiter, a per-attempt timeout and retries. The caller's
 * signal rejects the call at once, wherever it is: queued, in flight or backing off.
 *
 * @param attempt - Sends the request once; must honour the signal it is given.
 */
export function resilientCall<T>(
  attempt: (attemptSignal: AbortSignal) => Promise<T>,
  context: ResilienceContext,
  signal?: AbortSignal,
): Promise<T> {
  const run = withRetry(
    async () => {
      const release = await context.limiter.acquire(signal);
      const controller = createAttemptController(context.timeoutMs, signal, context.clock);
      try {
        // Raced as well, so a transport that ignores its signal cannot outlive the timeout.
        return await Promise.race([attempt(controller.signal), controller.cutoff]);
      } catch (error) {
        throw classifyAttemptError(error, controller, signal, context);
      } finally {
        controller.dispose();
        release();
      }
    },
    context.retry,
    signal,
  );
  return raceWithAbort(run, signal);
}
