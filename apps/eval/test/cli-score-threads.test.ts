import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../src/run-summary.js';
import { comparableSummary } from './comparable-summary.js';
import { readItemLines } from './read-run-folder.js';
import { fastFlags, makeTempFolder, runBaton } from './run-baton.js';

describe('baton eval --score-threads', () => {
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;
  beforeAll(async () => {
    temp = await makeTempFolder();
  });
  afterAll(async () => {
    await temp.remove();
  });

  it('gives the same scores and summary with the text scores in two workers as on the main thread', async () => {
    const strategies = ['--strategies', 'solo,route-lexical,verify-recover'];
    for (const [out, threads] of [
      ['inline', '0'],
      ['pooled', '2'],
    ] as const) {
      const outcome = await runBaton(
        ['eval', ...fastFlags, ...strategies, '--score-threads', threads, '--out', out],
        {
          cwd: temp.path,
        },
      );
      expect(outcome.code, outcome.stderr).toBe(0);
    }
    const scoresOf = async (out: string) =>
      new Map(
        (await readItemLines(join(temp.path, out, 'items.jsonl'))).map((item) => [
          `${item.strategy} ${item.itemId} ${item.repeat}`,
          { scores: item.scores, details: item.scoreDetails },
        ]),
      );
    const inline = await scoresOf('inline');
    expect(inline.size).toBeGreaterThan(0);
    expect(await scoresOf('pooled')).toEqual(inline);
    const summaryOf = async (out: string) =>
      comparableSummary(
        JSON.parse(await readFile(join(temp.path, out, 'summary.json'), 'utf8')) as RunSummary,
        join(temp.path, out),
      );
    expect(await summaryOf('pooled')).toEqual(await summaryOf('inline'));
  });

  it('refuses a thread count that is not a whole number', async () => {
    const outcome = await runBaton(['eval', ...fastFlags, '--score-threads', 'many', '--out', 'bad'], {
      cwd: temp.path,
    });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/--score-threads must be a whole number/);
  });
});
