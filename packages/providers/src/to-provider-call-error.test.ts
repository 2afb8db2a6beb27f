import { APIConnectionError, APIConnectionTimeoutError, APIError, RateLimitError } from 'openai';
import { describe, expect, it } from 'vitest';
import { CassetteMissError, type ProviderCallError } from './provider-error.js';
import { isNetworkError, isRetryableStatus, toProviderCallError } from './to-provider-call-error.js';

const host = 'Mock (127.0.0.1)';

describe('isRetryableStatus', () => {
  it('retries 408, 409, 429 and every 5xx, nothing else', () => {
    const statuses = [400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503, 504];
    expect(statuses.filter(isRetryableStatus)).toEqual([408, 409, 429, 500, 502, 503, 504]);
  });
});

describe('toProviderCallError', () => {
  it('keeps status, Retry-After and the SDK error as cause', () => {
    const sdkError = new RateLimitError(
      429,
      { message: 'slow down' },
      undefined,
      new Headers({ 'retry-after': '3' }),
    );
    const error = toProviderCallError(sdkError, host) as ProviderCallError;
    expect(error).toMatchObject({
      code: 'provider-call-failed',
      status: 429,
      isRetryable: true,
      retryAfterMs: 3000,
    });
    expect(error.message).toBe('Mock (127.0.0.1) answered 429 slow down');
    expect(error.cause).toBe(sdkError);
  });

  it('obeys the host’s x-should-retry header over the status', () => {
    const headers = new Headers({ 'x-should-retry': 'false' });
    expect(toProviderCallError(APIError.generate(503, {}, undefined, headers), host)).toMatchObject({
      isRetryable: false,
    });
  });

  it('treats connection failures and timeouts as retryable, without status', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(toProviderCallError(new APIConnectionError({ cause: reset }), host)).toMatchObject({
      status: undefined,
      isRetryable: true,
    });
    expect(toProviderCallError(new APIConnectionTimeoutError(), host)).toMatchObject({
      code: 'timeout',
      isRetryable: true,
    });
  });

  it('unwraps an error of this package that the SDK wrapped, such as a cassette miss', () => {
    const miss = new CassetteMissError('tape.jsonl', {}, [], 'miss');
    expect(toProviderCallError(new APIConnectionError({ cause: miss }), host)).toBe(miss);
  });

  it('maps unparseable JSON to an invalid-response that earns one retry', () => {
    expect(toProviderCallError(new SyntaxError('Unexpected end of JSON input'), host)).toMatchObject({
      code: 'invalid-response',
      isRetryable: true,
      retryLimit: 1,
    });
  });

  it('does not retry errors it cannot classify', () => {
    expect(toProviderCallError(new RangeError('bug'), host)).toMatchObject({ isRetryable: false });
  });
});

describe('isNetworkError', () => {
  it('recognises undici’s messages and socket codes anywhere in the cause chain', () => {
    expect(isNetworkError(new TypeError('terminated'))).toBe(true);
    expect(
      isNetworkError(
        new Error('outer', { cause: Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }) }),
      ),
    ).toBe(true);
    expect(isNetworkError(new TypeError('x is not a function'))).toBe(false);
  });
});
