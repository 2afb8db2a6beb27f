import type { RequestDifference } from './provider-error.js';

/**
 * The leaves in which two JSON values differ, as paths like `body.messages[1].content`. Arrays are
 * compared index by index, so an inserted message shows up as the first index that moved.
 */
export function requestDifferences(recorded: unknown, actual: unknown, path = ''): RequestDifference[] {
  if (Object.is(recorded, actual)) return [];
  if (Array.isArray(recorded) && Array.isArray(actual)) {
    const differences: RequestDifference[] = [];
    for (let index = 0; index < Math.max(recorded.length, actual.length); index++) {
      differences.push(...requestDifferences(recorded[index], actual[index], `${path}[${index}]`));
    }
    return differences;
  }
  if (isRecord(recorded) && isRecord(actual)) {
    const differences: RequestDifference[] = [];
    for (const key of [...new Set([...Object.keys(recorded), ...Object.keys(actual)])].sort()) {
      differences.push(
        ...requestDifferences(recorded[key], actual[key], path === '' ? key : `${path}.${key}`),
      );
    }
    return differences;
  }
  return [{ path: path === '' ? '(root)' : path, recorded, actual }];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
