import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunFolder } from './read-run-folder.js';
import { type BatonOutcome, fastFlags, makeTempFolder, runBaton } from './run-baton.js';

/**
 * The loop of the README, end to end on the fixture suite: evaluate the train side, profile it,
 * route the test side by the profile — and the separation that keeps the test side unseen.
 */
describe('baton profile and route-measured', () => {
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;
  const baton = (argv: string[]): Promise<BatonOutcome> => runBaton(argv, { cwd: temp.path });

  beforeAll(async () => {
    temp = await makeTempFolder();
    const train = await baton([
      'eval',
      ...fastFlags,
      '--split',
      'train',
      '--strategies',
      'route-lexical',
      '--out',
      'train',
    ]);
    expect(train.code).toBe(0);
    const test = await baton(['eval', ...fastFlags, '--strategies', 'route-lexical', '--out', 'test']);
    expect(test.code).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await temp.remove();
  });

  it('turns a run folder’s items into a versioned profile of every measured agent', async () => {
    const outcome = await baton(['profile', 'train', '--out', 'profiles/train.json', '--resamples', '200']);
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toContain(`Profile: ${join(temp.path, 'profiles', 'train.json')}`);
    const profile = JSON.parse(await readFile(join(temp.path, 'profiles', 'train.json'), 'utf8'));
    expect(profile).toMatchObject({
      version: 1,
      resamples: 200,
      source: {
        runs: ['train'],
        strategies: ['route-lexical'],
        split: 'train',
        conversations: expect.any(Array),
      },
    });
    expect(profile.source.conversations).toHaveLength(5);
    for (const agent of profile.agents) {
      expect(agent.overall.quality).toMatchObject({ n: expect.any(Number) });
      expect(agent.slices.length).toBeGreaterThan(0);
    }
  });

  it('routes the test side by a profile of the train side, and compares it with route-trained', async () => {
    await baton(['profile', 'train', '--out', 'train-profile.json']);
    const outcome = await baton([
      'eval',
      ...fastFlags,
      '--strategies',
      'solo,route-trained,route-measured',
      '--profile',
      'train-profile.json',
      '--out',
      'measured',
    ]);
    expect(outcome.code).toBe(0);
    const { summary, items } = await readRunFolder(join(temp.path, 'measured'));
    expect(summary.suite.splitInfo?.profile).toMatchObject({ source: 'file', conversations: 5 });
    expect(
      summary.comparisons.some(
        (comparison) => comparison.baseline === 'route-trained' && comparison.candidate === 'route-measured',
      ),
    ).toBe(true);
    const measured = items.filter((item) => item.strategy === 'route-measured');
    expect(measured).toHaveLength(12);
    // Every delegation records the profile entries that decided it.
    for (const record of measured.flatMap((item) => item.delegations)) {
      expect(record.candidates[0]?.profile).toMatchObject({ overall: { n: expect.any(Number) } });
    }
  });

  it('refuses to evaluate a conversation the profile was measured on (exit 2)', async () => {
    await baton(['profile', 'test', '--out', 'test-profile.json']);
    const outcome = await baton([
      'eval',
      ...fastFlags,
      '--strategies',
      'route-measured',
      '--profile',
      'test-profile.json',
      '--out',
      'leak',
    ]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(
      /conversation e-t\d is evaluated but the delegate profile .* was measured on it/,
    );
  });

  it('refuses a profile whose conversation list was edited to hide that (exit 2)', async () => {
    const profile = JSON.parse(await readFile(join(temp.path, 'test-profile.json'), 'utf8'));
    profile.source.conversations = ['somewhere-else'];
    await writeFile(join(temp.path, 'edited.json'), JSON.stringify(profile));
    const outcome = await baton([
      'eval',
      ...fastFlags,
      '--strategies',
      'route-measured',
      '--profile',
      'edited.json',
    ]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('does not match source.digest');
  });

  it('needs a profile when there is no train side to measure on, and leaves itself out of a default run', async () => {
    const named = await baton(['eval', ...fastFlags, '--split', 'train', '--strategies', 'route-measured']);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain('route-measured needs a delegate profile');
    const defaults = await baton(['eval', ...fastFlags, '--split', 'train', '--out', 'train-defaults']);
    expect(defaults.code).toBe(0);
    expect(defaults.stderr).toContain('Left out route-measured');
    const { summary } = await readRunFolder(join(temp.path, 'train-defaults'));
    expect(summary.strategies.map((strategy) => strategy.name)).not.toContain('route-measured');
  });
});
