import { describe, expect, it, vi } from 'vitest';

const setFlagsFromString = vi.fn();
vi.mock('node:v8', () => ({ setFlagsFromString }));

const { limitHeapGrowth } = await import('./limit-heap-growth.js');
const { EvalError } = await import('./eval-error.js');

describe('limitHeapGrowth', () => {
  it("sets V8's heap growing percent for the process", () => {
    limitHeapGrowth(50);
    expect(setFlagsFromString).toHaveBeenCalledWith('--heap-growing-percent=50');
  });

  it.each([0, -5, 1.5, 1001, Number.NaN])('refuses %s as a usage error and sets nothing', (percent) => {
    setFlagsFromString.mockClear();
    expect(() => limitHeapGrowth(percent)).toThrow(EvalError);
    expect(setFlagsFromString).not.toHaveBeenCalled();
  });
});
