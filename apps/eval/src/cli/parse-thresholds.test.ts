import { describe, expect, it } from 'vitest';
import { collectThresholds } from './parse-thresholds.js';

describe('collectThresholds', () => {
  const collect = collectThresholds('--fail-under');

  it('reads every plain decimal spelling of a number, repeated and comma-separated', () => {
    const first = collect('answerQuality=0.6, passRate=.5');
    expect(collect('humanCleanup=5e-1,fallbackRate=1.', first)).toEqual({
      answerQuality: 0.6,
      passRate: 0.5,
      humanCleanup: 0.5,
      fallbackRate: 1,
    });
    expect(collect('politeness=-2E+0')).toEqual({ politeness: -2 });
  });

  it('refuses what is not metric=number, naming the flag and the pair', () => {
    for (const pair of [
      'answerQuality',
      'answerQuality=',
      'answerQuality=0x1',
      'answerQuality=Infinity',
      '=0.5',
      'a=.',
    ]) {
      expect(() => collect(pair)).toThrow(
        `--fail-under expects metric=value (e.g. answerQuality=0.6), got "${pair}".`,
      );
    }
  });
});
