import { describe, expect, it } from 'vitest';
import { fitAxis, formatTick } from './chart-axis.js';

describe('fitAxis', () => {
  it('fits nice ticks around the data instead of a fixed 0–1 scale', () => {
    expect(fitAxis([0.186, 0.221, 0.2, 0.24])).toEqual({
      min: 0.18,
      max: 0.24,
      ticks: [0.18, 0.2, 0.22, 0.24],
    });
    expect(fitAxis([0.026, 0.127]).ticks).toEqual([0, 0.05, 0.1, 0.15]);
  });

  it('includes the values it must show and stays within its bounds', () => {
    expect(fitAxis([-0.4, -0.05], { include: [0] }).ticks).toEqual([-0.4, -0.3, -0.2, -0.1, 0]);
    expect(fitAxis([0.9, 0.98, 1], { bounds: [0, 1] })).toMatchObject({ max: 1 });
  });

  it('gives a single value room, and no value a 0–1 axis', () => {
    expect(fitAxis([0.5])).toMatchObject({ min: 0.45, max: 0.55 });
    expect(fitAxis([0]).ticks).toContain(0);
    expect(fitAxis([])).toEqual({ min: 0, max: 1, ticks: [0, 0.25, 0.5, 0.75, 1] });
  });
});

describe('formatTick', () => {
  it('writes no more decimals than needed and no negative zero', () => {
    expect([0.25, 0.1 + 0.2, -0, 1].map(formatTick)).toEqual(['0.25', '0.3', '0', '1']);
  });
});
