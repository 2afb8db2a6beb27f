import { EvalError } from '../eval-error.js';

/**
 * Collects repeatable `metric=value` flags (`--fail-under answerQuality=0.6`) into a record; also
 * accepts comma-separated pairs in one flag.
 */
export function collectThresholds(flag: string) {
  return (value: string, previous: Record<string, number> = {}): Record<string, number> => {
    const result = { ...previous };
    for (const pair of value.split(',')) {
      // Any plain decimal number: 0.5, .5, 5e-3 (not hex, Infinity or an empty value).
      const match = /^\s*([A-Za-z][\w.]*)\s*=\s*(-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*$/.exec(pair);
      if (!match)
        throw new EvalError('usage', `${flag} expects metric=value (e.g. answerQuality=0.6), got "${pair}".`);
      result[match[1]!] = Number(match[2]);
    }
    return result;
  };
}
