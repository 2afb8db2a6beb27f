import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProviderCallError, ProviderError } from './provider-error.js';
import { backoffDelay, type RetryEvent, resolveRetryOptions, withRetry } from './with-retry.js';

const retryable = (retryAfterMs?: number) =>
  new ProviderCallError('provider-call-failed', 'busy', {
    status: 503,
    isRetryable: true,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });

function recorder() {
  const delays: number[] = [];
  const events: RetryEvent[] = [];
  const options = resolveRetryOptions({
    maxRetries: 3,
    random: () => 0.5,
    sleep: async (ms) => {
      delays.push(ms);
    },
    onRetry: (event) => events.push(event),
  });
  return { delays, events, options };
}

describe('backoffDelay', () => {
  it('draws from [0, initial·2^(retry-1)) capped at maxDelayMs (full jitter)', () => {
    const options = resolveRetryOptions({ initialDelayMs: 100, maxDelayMs: 1000, random: () => 0.999 });
    expect([1, 2, 3, 4, 5, 6].map((retry) => backoffDelay(retry, options))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(backoffDelay(3, resolveRetryOptions({ initialDelayMs: 100, random: () => 0 }))).toBe(0);
  });
});

describe('withRetry', () => {
  it('retries retryable failures until one attempt succeeds', async () => {
    const { delays, options } = recorder();
    let attempts = 0;
    const result = await withRetry(async () => {
      attempts++;
      if (attempts < 3) throw retryable();
      return 'ok';
    }, options);
    expect(result).toBe('ok');
    expect(attempts).toBe(3);
    expect(delays).toEqual([250, 500]);
  });

  it('waits exactly as long as the host asked with Retry-After', async () => {
    const { delays, events, options } = recorder();
    let attempts = 0;
    await withRetry(async () => {
      if (attempts++ === 0) throw retryable(1234);
      return 'ok';
    }, options);
    expect(delays).toEqual([1234]);
    expect(events.map((event) => [event.retry, event.delayMs])).toEqual([[1, 1234]]);
  });

  it('gives up when the host asks for a wait longer than maxRetryAfterMs', async () => {
    const { delays, options } = recorder();
    const error = retryable(120_000);
    await expect(withRetry(() => Promise.reject(error), options)).rejects.toBe(error);
    expect(delays).toEqual([]);
  });

  it('stops after maxRetries and rethrows the last failure', async () => {
    const { options } = recorder();
    let attempts = 0;
    const failure = withRetry(async () => {
      attempts++;
      throw retryable();
    }, options);
    await expect(failure).rejects.toMatchObject({ code: 'provider-call-failed', status: 503 });
    expect(attempts).toBe(4);
  });

  it('gives a failure no more retries than its retryLimit, counted per error code', async () => {
    const { options } = recorder();
    const notJson = () =>
      new ProviderCallError('invalid-response', 'not JSON', {
        status: 200,
        isRetryable: true,
        retryLimit: 1,
      });
    // invalid body, busy, invalid body: the second invalid body is its code's second retry.
    const failures = [notJson(), retryable(), notJson(), retryable()];
    let attempts = 0;
    const failure = withRetry(async () => {
      attempts++;
      throw failures.shift();
    }, options);
    await expect(failure).rejects.toMatchObject({ code: 'invalid-response' });
    expect(attempts).toBe(3);
  });

  it('does not retry errors that are not retryable', async () => {
    const { options } = recorder();
    let attempts = 0;
    const notRetryable = new ProviderCallError('provider-call-failed', 'bad', {
      status: 400,
      isRetryable: false,
    });
    await expect(
      withRetry(async () => {
        attempts++;
        throw notRetryable;
      }, options),
    ).rejects.toBe(notRetryable);
    await expect(
      withRetry(async () => {
        attempts++;
        throw new ProviderError('missing-api-key', 'no key');
      }, options),
    ).rejects.toMatchObject({ code: 'missing-api-key' });
    expect(attempts).toBe(2);
  });

  describe('with the default sleep', () => {
    beforeEach(() => {
      vi.useFakeTimers();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('rejects at once when the signal aborts in the middle of a backoff', async () => {
      const options = resolveRetryOptions({ initialDelayMs: 60_000, random: () => 0.99 });
      const controller = new AbortController();
      let attempts = 0;
      const failure = withRetry(
        () => {
          attempts++;
          return Promise.reject(retryable());
        },
        options,
        controller.signal,
      );
      let outcome: unknown = 'pending';
      failure.then(
        () => {
          outcome = 'resolved';
        },
        (error: unknown) => {
          outcome = error;
        },
      );
      await vi.advanceTimersByTimeAsync(1_000);
      // Sleeping in the first backoff (59 400 ms), far from its end.
      expect([attempts, vi.getTimerCount(), outcome]).toEqual([1, 1, 'pending']);
      controller.abort(new Error('stop'));
      // No time passes: the rejection cannot come from the backoff ending.
      await vi.advanceTimersByTimeAsync(0);
      expect(outcome).toEqual(new Error('stop'));
      // The backoff's timer is gone rather than left to fire.
      expect([attempts, vi.getTimerCount()]).toEqual([1, 0]);
    });

    it('waits the backoff out on the clock before the next attempt', async () => {
      const options = resolveRetryOptions({ initialDelayMs: 1_000, random: () => 0.5 });
      let attempts = 0;
      const result = withRetry(async () => {
        if (attempts++ === 0) throw retryable();
        return 'ok';
      }, options);
      await vi.advanceTimersByTimeAsync(499);
      expect(attempts).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(attempts).toBe(2);
      await expect(result).resolves.toBe('ok');
    });
  });
});
