import { type CancelTimer, type Clock, systemClock } from './clock.js';
import type { HostLimiter } from './host-limiter.js';
import { onAbort, type Unsubscribe } from './on-abort.js';
import { ProviderCallError } from './provider-error.js';
import { abortReason, raceWithAbort } from './race-with-abort.js';
import { toProviderCallError } from './to-provider-call-error.js';
import { type ResolvedRetryOptions, withRetry } from './with-retry.js';

/** Which limit ended an attempt: its own time limit, or the host's silence in the middle of an answer. */
export type AttemptTimeout = 'attempt' | 'idle';

/** The signal of one attempt: aborted by the caller's signal or by one of the attempt's timers. */
export interface AttemptController {
  readonly signal: AbortSignal;
  /**
   * Rejects with the abort reason when the signal aborts. Racing work against it is cheaper than
   * a listener per race, and it stops the wait even for a transport that ignores its signal.
   */
  readonly cutoff: Promise<never>;
  /** Which timer fired, once one did; false until then. */
  readonly timedOut: false | AttemptTimeout;
  /** Stops the attempt's own timer (streams: once the first chunk is in, the idle timer takes over). */
  stopTimer(): void;
  /**
   * Starts the idle timer while waiting for the host's next bytes of an answer already under way:
   * the host must send something within the idle limit. Stop it when the bytes arrive, so the
   * consumer's own pace never counts against the host.
   */
  startIdleTimer(): void;
  /** Stops the idle timer. */
  stopIdleTimer(): void;
  /** Stops the timers and unlinks the caller's signal. */
  dispose(): void;
}

/** The limits of one attempt. */
export interface AttemptLimits {
  /** The attempt's time limit; `Infinity` for none. */
  timeoutMs: number;
  /** The longest silence once an answer is under way (see {@link AttemptController.startIdleTimer}). */
  idleTimeoutMs: number;
}

/**
 * Creates the signal for one attempt, linked to the caller's signal and aborted after
 * `limits.timeoutMs`, or after `limits.idleTimeoutMs` of silence while the idle timer runs.
 *
 * @param limits - The attempt's time limit and idle limit.
 * @param parentSignal - The caller's signal, if any.
 * @param clock - Runs the timers (default {@link systemClock}).
 */
export function createAttemptController(
  limits: AttemptLimits,
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
  let timedOut: false | AttemptTimeout = false;
  const timer = (kind: AttemptTimeout, ms: number) => {
    let cancel: CancelTimer | undefined;
    return {
      start() {
        cancel?.();
        cancel = undefined;
        if (!Number.isFinite(ms) || controller.signal.aborted) return;
        cancel = clock.setTimer(() => {
          timedOut = kind;
          abort(new DOMException(`Timed out after ${ms} ms (${kind}).`, 'TimeoutError'));
        }, ms);
      },
      stop() {
        cancel?.();
        cancel = undefined;
      },
    };
  };
  const attemptTimer = timer('attempt', limits.timeoutMs);
  const idleTimer = timer('idle', Math.min(limits.idleTimeoutMs, limits.timeoutMs));
  let unlink: Unsubscribe | undefined;
  if (parentSignal?.aborted) abort(parentSignal.reason);
  // One listener per signal however many attempts share it (see onAbort).
  else if (parentSignal) unlink = onAbort(parentSignal, () => abort(parentSignal.reason));
  attemptTimer.start();
  return {
    signal: controller.signal,
    cutoff,
    get timedOut() {
      return timedOut;
    },
    stopTimer: attemptTimer.stop,
    startIdleTimer: idleTimer.start,
    stopIdleTimer: idleTimer.stop,
    dispose() {
      attemptTimer.stop();
      idleTimer.stop();
      unlink?.();
    },
  };
}

/** What every call to a host goes through. */
export interface ResilienceContext {
  limiter: HostLimiter;
  retry: ResolvedRetryOptions;
  /** Per attempt; `Infinity` for none. */
  timeoutMs: number;
  /** The longest silence of the host once an answer is under way (at most `timeoutMs`). */
  idleTimeoutMs: number;
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
  if (attempt.timedOut === 'idle') {
    const idleMs = Math.min(context.idleTimeoutMs, context.timeoutMs);
    return new ProviderCallError(
      'timeout',
      `${context.hostLabel} went silent for ${idleMs} ms in the middle of its answer (idle timeout).`,
      { isRetryable: true, cause: error },
    );
  }
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
    mapped.retryAfterMs !== undefined &&
    // A wait the retry policy refuses fails this call at once; holding every other call to the
    // host for it would block the run for that long instead (an hour for a spent daily quota).
    mapped.retryAfterMs <= context.retry.maxRetryAfterMs
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
 * @param attempt - Sends the request once; must honour the controller's signal, and should run
 *   its idle timer while reading a body (see {@link AttemptController.startIdleTimer}).
 */
export function resilientCall<T>(
  attempt: (attempt: AttemptController) => Promise<T>,
  context: ResilienceContext,
  signal?: AbortSignal,
): Promise<T> {
  const run = withRetry(
    async () => {
      const release = await context.limiter.acquire(signal);
      const controller = createAttemptController(context, signal, context.clock);
      try {
        // Raced as well, so a transport that ignores its signal cannot outlive the timeout.
        return await Promise.race([attempt(controller), controller.cutoff]);
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
