import { readFileSync } from 'node:fs';

/**
 * The `@baton/eval` version from its package.json. The file sits two levels above this module
 * both in the sources (`src/cli/`) and in the build (`dist/cli/`), so one relative URL serves both.
 */
export function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  const { version } = JSON.parse(text) as { version?: unknown };
  return typeof version === 'string' ? version : '0.0.0';
}
