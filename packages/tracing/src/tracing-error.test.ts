import { describe, expect, it } from 'vitest';
import { TracingError } from './tracing-error.js';

describe('TracingError', () => {
  it('carries a code and its cause', () => {
    const cause = new Error('bad');
    const error = new TracingError('invalid-options', 'Nope.', { cause });
    expect(error.code).toBe('invalid-options');
    expect(error.cause).toBe(cause);
    expect(error.isUserError).toBe(true);
  });

  it('is recognised across copies through its symbol marker', () => {
    const foreign = Object.defineProperty(new Error('x'), Symbol.for('baton.tracing.error'), { value: true });
    expect(TracingError.isInstance(new TracingError('invalid-trace-file', 'x'))).toBe(true);
    expect(TracingError.isInstance(foreign)).toBe(true);
    expect(TracingError.isInstance(new Error('x'))).toBe(false);
    expect(TracingError.isInstance(undefined)).toBe(false);
  });
});
