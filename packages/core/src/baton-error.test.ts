import { describe, expect, it } from 'vitest';
import { BatonError, BudgetExceededError, toBatonError } from './baton-error.js';

describe('BatonError', () => {
  it('is recognised across copies through isInstance', () => {
    const error = new BudgetExceededError('tokens', 10, 5);
    expect(BatonError.isInstance(error)).toBe(true);
    expect(BatonError.isInstance(new Error('x'))).toBe(false);
    expect(error.code).toBe('budget-exceeded');
  });

  it('separates user mistakes from system faults', () => {
    expect(new BatonError('no-such-agent', 'x').isUserError).toBe(true);
    expect(new BatonError('timeout', 'x').isUserError).toBe(false);
  });

  it('wraps foreign errors and keeps them as cause', () => {
    const original = new TypeError('boom');
    const wrapped = toBatonError(original, 'model-error');
    expect(wrapped.code).toBe('model-error');
    expect(wrapped.cause).toBe(original);
  });
});
