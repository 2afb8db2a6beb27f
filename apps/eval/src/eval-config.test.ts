import { describe, expect, it } from 'vitest';
import { evalOptionsSchema } from './eval-config.js';

describe('evalOptionsSchema', () => {
  it('takes the call, idle and turn timeouts in milliseconds, as eval.config.ts writes them', () => {
    const options = evalOptionsSchema.parse({ timeout: 30_000, idleTimeout: 5_000, turnTimeout: 120_000 });
    expect([options.timeout, options.idleTimeout, options.turnTimeout]).toEqual([30_000, 5_000, 120_000]);
    expect(evalOptionsSchema.parse({})).not.toHaveProperty('turnTimeout');
  });

  it('rejects a timeout that is not a positive whole number', () => {
    for (const value of [0, -1, 1.5]) {
      expect(evalOptionsSchema.safeParse({ timeout: value }).success).toBe(false);
      expect(evalOptionsSchema.safeParse({ idleTimeout: value }).success).toBe(false);
      expect(evalOptionsSchema.safeParse({ turnTimeout: value }).success).toBe(false);
    }
  });
});
