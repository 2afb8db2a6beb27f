import { describe, expect, it } from 'vitest';
import {
  formatEstimate,
  formatInterval,
  formatLatency,
  formatP,
  formatRate,
  formatSigned,
  formatUsd,
} from './format-number.js';

describe('report number formats', () => {
  it('writes n/a for missing values, never NaN', () => {
    expect(formatRate(null)).toBe('n/a');
    expect(formatEstimate({ mean: null, ci95: null, n: 0 })).toBe('n/a');
    expect(formatInterval(null)).toBe('n/a');
    expect(formatP(null)).toBe('n/a');
    expect(formatLatency({ p50: null, p95: null })).toBe('n/a');
    expect(formatUsd(null)).toBe('n/a');
  });

  it('signs differences and never prints a negative zero', () => {
    expect(formatSigned(0.0312)).toBe('+0.031');
    expect(formatSigned(-0.0312)).toBe('-0.031');
    expect(formatSigned(-0.0001)).toBe('0.000');
    expect(formatInterval([-0.02, 0.05], { signed: true })).toBe('[-0.020, +0.050]');
  });

  it('formats estimates, p-values, latency and cost', () => {
    expect(formatEstimate({ mean: 0.7123, ci95: [0.65, 0.77], n: 10 })).toBe('0.712 [0.650, 0.770]');
    expect(formatP(0.0004)).toBe('<0.001');
    expect(formatP(0.0432)).toBe('0.043');
    expect(formatLatency({ p50: 120.4, p95: 339.6 })).toBe('120 / 340 ms');
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(0.000123456)).toBe('$0.000123');
    expect(formatUsd(12.345)).toBe('$12.35');
  });
});
