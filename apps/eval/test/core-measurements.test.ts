import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageRoot = fileURLToPath(new URL('../', import.meta.url));

describe('the core README measurements', () => {
  // The figures in packages/core/README.md (language detection, guardrail, PII) are written by
  // scripts/measure-core.ts; a change to the detectors that moves a figure must rewrite them.
  // A budget for a loaded machine (the script reads the corpus and the labelled sets), not a timing.
  it('are what scripts/measure-core.ts measures now (run npm run measure:core -w @baton/eval)', {
    timeout: 180_000,
  }, async () => {
    const outcome = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ['--import', 'tsx', '--conditions=@baton/source', 'scripts/measure-core.ts', '--check'],
        { cwd: packageRoot },
        (error, _stdout, stderr) => resolve({ code: error ? (error.code as number | null) : 0, stderr }),
      );
      child.stdin?.end();
    });
    expect(outcome, outcome.stderr).toEqual({ code: 0, stderr: '' });
  });
});
