import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readItemLines, readRunFolder } from './read-run-folder.js';
import { type BatonOutcome, e2eSuite, fastFlags, makeTempFolder, runBaton, suiteFlags } from './run-baton.js';

/**
 * A run folder is only ever what its run wrote, whole: `merge` never writes over a shard or another
 * run, never passes part of a sharded run for the whole of it, and `report`, `profile` and
 * `eval --resume` never take a run that died, was cut off or was made with other settings for a
 * finished one of this run. Each refusal is one line and exit 2 (an input error, not a fault).
 */

const solo = ['--strategies', 'solo'];

let temp: Awaited<ReturnType<typeof makeTempFolder>>;
const baton = (argv: string[]) => runBaton(argv, { cwd: temp.path });
const at = (...parts: string[]) => join(temp.path, ...parts);

/** Exit 2 with a single `baton: …` line on stderr that contains `fragment`. */
function expectOneLineExit2(outcome: BatonOutcome, fragment: string | RegExp): void {
  expect(outcome.code, outcome.stderr).toBe(2);
  expect(outcome.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(outcome.stderr).toMatch(/^baton: /);
  if (typeof fragment === 'string') expect(outcome.stderr).toContain(fragment);
  else expect(outcome.stderr).toMatch(fragment);
}

/** Every file of a run folder, byte for byte, to show a refused command changed none of them. */
async function snapshot(dir: string): Promise<Record<string, Buffer>> {
  const names = ['items.jsonl', 'run.json', 'summary.json', 'report.md'];
  return Object.fromEntries(
    await Promise.all(names.map(async (name) => [name, await readFile(join(dir, name))])),
  );
}

/** A pid no process has any more (that of a process that has exited), as a run killed with `kill -9` leaves. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

/** A run of the fixture suite stopped (as by Ctrl-C) once its first item is written. */
async function interruptedRun(out: string): Promise<BatonOutcome> {
  const controller = new AbortController();
  return runBaton(['eval', ...suiteFlags, ...solo, '--out', out], {
    cwd: temp.path,
    signal: controller.signal,
    onStderr: (text) => {
      if (text.startsWith('progress:')) controller.abort();
    },
  });
}

beforeAll(async () => {
  temp = await makeTempFolder();
  const outcomes = await Promise.all([
    baton(['eval', ...fastFlags, ...solo, '--out', 'full']),
    baton(['eval', ...fastFlags, ...solo, '--shard', '1/2', '--out', 'shard-1']),
    baton(['eval', ...fastFlags, ...solo, '--shard', '2/2', '--out', 'shard-2']),
  ]);
  expect(
    outcomes.map((outcome) => outcome.code),
    outcomes.map((outcome) => outcome.stderr).join('\n'),
  ).toEqual([0, 0, 0]);
});

afterAll(async () => {
  await temp.remove();
});

describe('baton merge never loses a run', () => {
  it('refuses an --out that is one of the shards (exit 2) and leaves that shard’s items as they were', async () => {
    await cp(at('shard-1'), at('a'), { recursive: true });
    await cp(at('shard-2'), at('b'), { recursive: true });
    const before = await snapshot(at('a'));
    const outcome = await baton(['merge', 'a', 'b', '-o', 'a']);
    expectOneLineExit2(outcome, `--out ${at('a')} is one of the shards`);
    expect(await snapshot(at('a'))).toEqual(before);
    expect(existsSync(at('a', 'run.lock'))).toBe(false);
  });

  it('refuses an --out that already holds a run (exit 2) and leaves that run as it was', async () => {
    await cp(at('full'), at('existing'), { recursive: true });
    const before = await snapshot(at('existing'));
    const outcome = await baton(['merge', 'shard-1', 'shard-2', '-o', 'existing']);
    expectOneLineExit2(outcome, 'already holds a run: choose another --out');
    expect(await snapshot(at('existing'))).toEqual(before);
    expect(existsSync(at('existing', 'run.lock'))).toBe(false);
  });

  it('refuses a merge of some of the shards (exit 2), naming the missing one, and writes nothing', async () => {
    const outcome = await baton(['merge', 'shard-1', '-o', 'only-one']);
    expectOneLineExit2(outcome, 'shard 2/2 missing');
    expect(existsSync(at('only-one', 'items.jsonl'))).toBe(false);
  });

  it('refuses to merge shards run on another split or with other options (exit 2)', async () => {
    const others = await Promise.all([
      baton(['eval', ...fastFlags, ...solo, '--split', 'train', '--shard', '2/2', '--out', 'train-2']),
      baton(['eval', ...fastFlags, ...solo, '--limit', '3', '--shard', '2/2', '--out', 'limited-2']),
      baton(['eval', ...fastFlags, ...solo, '--shard', '2/3', '--out', 'thirds-2']),
    ]);
    expect(others.map((outcome) => outcome.code)).toEqual([0, 0, 0]);
    const split = await baton(['merge', 'shard-1', 'train-2', '-o', 'mixed-split']);
    expectOneLineExit2(
      split,
      /train-2 was run with other settings than .*shard-1 \(split\): they cannot be merged/,
    );
    const options = await baton(['merge', 'shard-1', 'limited-2', '-o', 'mixed-options']);
    expectOneLineExit2(
      options,
      /limited-2 was run with other settings than .*shard-1 \(limit\): they cannot be merged/,
    );
    const counts = await baton(['merge', 'shard-1', 'thirds-2', '-o', 'mixed-counts']);
    expectOneLineExit2(counts, 'is not a shard of 2: shards of different splits cannot be merged');
    for (const out of ['mixed-split', 'mixed-options', 'mixed-counts'])
      expect(existsSync(at(out, 'items.jsonl')), out).toBe(false);
  });
});

describe('baton report of a run that is not whole', () => {
  it('reports a run whose folder still holds the lock of a dead run (kill -9) as incomplete, gates not passing', async () => {
    // What `kill -9` leaves of a run: its lock, naming a pid that no longer runs.
    await cp(at('full'), at('killed'), { recursive: true });
    const lock = { pid: await deadPid(), hostname: hostname(), startedAt: 'earlier' };
    await writeFile(at('killed', 'run.lock'), JSON.stringify(lock));
    const outcome = await baton(['report', 'killed', '--fail-under', 'answerQuality=0.01']);
    expect(outcome.code, outcome.stderr).not.toBe(0);
    expect(outcome.stderr).toContain('Incomplete run (it was interrupted): gates cannot pass');
    expect(outcome.stderr).not.toContain('Gates passed');
    expect((await readRunFolder(at('killed'))).summary.interrupted).toBe(true);
    // The lock is released after the report, but run.json keeps the evidence: a second report
    // still finds the run incomplete.
    const again = await baton(['report', 'killed', '--fail-under', 'answerQuality=0.01']);
    expect(again.code, again.stderr).toBe(1);
    expect(again.stderr).toContain('Incomplete run (it was interrupted): gates cannot pass');
  });

  it('keeps a merge of a dead shard incomplete when the merged folder is reported or profiled again', async () => {
    await cp(at('shard-2'), at('dead-2'), { recursive: true });
    const lock = { pid: await deadPid(), hostname: hostname(), startedAt: 'earlier' };
    await writeFile(at('dead-2', 'run.lock'), JSON.stringify(lock));
    const merged = await baton([
      'merge',
      'shard-1',
      'dead-2',
      '-o',
      'merged-dead',
      '--fail-under',
      'answerQuality=0.01',
    ]);
    expect(merged.code, merged.stderr).toBe(1);
    const report = await baton(['report', 'merged-dead', '--fail-under', 'answerQuality=0.01']);
    expect(report.code, report.stderr).toBe(1);
    expect(report.stderr).toContain('Incomplete run');
    const profile = await baton(['profile', 'merged-dead', '--out', 'merged-dead-profile.json']);
    expect(profile.code).toBe(2);
    expect(existsSync(at('merged-dead-profile.json'))).toBe(false);
  });

  it('exits 2 for a run folder whose items.jsonl is empty', async () => {
    await cp(at('full'), at('empty'), { recursive: true });
    await writeFile(at('empty', 'items.jsonl'), '');
    const outcome = await baton(['report', 'empty']);
    expectOneLineExit2(outcome, `${at('empty', 'items.jsonl')} holds no item: nothing to report`);
  });

  it('exits 2 for a corrupt run.json, naming the file', async () => {
    await cp(at('full'), at('corrupt'), { recursive: true });
    await writeFile(at('corrupt', 'run.json'), '{"broken');
    const outcome = await baton(['report', 'corrupt']);
    expectOneLineExit2(outcome, `${at('corrupt', 'run.json')}: not valid JSON`);
  });
});

describe('baton eval --resume continues only the run it names', () => {
  it('exits 2 for --resume without --out, starting no new run', async () => {
    const outcome = await baton(['eval', ...fastFlags, ...solo, '--limit', '1', '--resume']);
    expectOneLineExit2(outcome, '--resume continues the run in --out');
    expect(existsSync(at('.baton'))).toBe(false);
  });

  it('refuses --resume with another --train file (exit 2), naming the difference, and keeps the items', async () => {
    const trained = ['--strategies', 'solo,route-trained', '--limit', '2'];
    const first = await baton(['eval', ...fastFlags, ...trained, '--out', 'trained']);
    expect(first.code, first.stderr).toBe(0);
    const train = (await readFile(join(dirname(e2eSuite), 'conversations', 'conversations.jsonl'), 'utf8'))
      .split('\n')
      .filter((line) => line.includes('"e-r'))
      .slice(0, 3);
    await writeFile(at('train-other.jsonl'), `${train.join('\n')}\n`);
    const before = await snapshot(at('trained'));
    const outcome = await baton([
      'eval',
      ...fastFlags,
      ...trained,
      '--out',
      'trained',
      '--resume',
      '--train',
      'train-other.jsonl',
    ]);
    expectOneLineExit2(outcome, /--resume: .*trained was run with other settings \(train\)/);
    expect(await snapshot(at('trained'))).toEqual(before);
  });
});

describe('baton eval input errors are exit 2', () => {
  it('exits 2 for a dangling symbolic link to a .jsonl in a conversations folder, not skipping it', async () => {
    const lines = (await readFile(join(dirname(e2eSuite), 'conversations', 'conversations.jsonl'), 'utf8'))
      .split('\n')
      .slice(0, 2);
    await mkdir(at('dangling'));
    await writeFile(at('dangling', 'a.jsonl'), `${lines.join('\n')}\n`);
    await symlink(at('nowhere', 'b.jsonl'), at('dangling', 'b.jsonl'));
    const outcome = await baton([
      'eval',
      ...fastFlags,
      ...solo,
      '--dataset',
      'dangling',
      '--split',
      'all',
      '--out',
      'dangling-run',
    ]);
    expectOneLineExit2(
      outcome,
      `${at('dangling', 'b.jsonl')}: a symbolic link to a file that cannot be read`,
    );
    expect(existsSync(at('dangling-run', 'items.jsonl'))).toBe(false);
  });

  it('exits 2, not 3, for a --suite that is a folder', async () => {
    const outcome = await baton([
      'eval',
      '--suite',
      dirname(e2eSuite),
      ...solo,
      '--limit',
      '1',
      '--no-progress',
      '--out',
      'suite-folder',
    ]);
    expectOneLineExit2(outcome, 'is a folder, expected a file');
  });
});

describe('baton profile of a run that is not whole', () => {
  it('refuses to profile an interrupted run (exit 2) and writes no profile', async () => {
    const interrupted = await interruptedRun('stopped');
    expect(interrupted.code).toBe(130);
    expect((await readItemLines(at('stopped', 'items.jsonl'))).length).toBeGreaterThan(0);
    const outcome = await baton(['profile', 'stopped', '--out', 'stopped-profile.json']);
    expectOneLineExit2(outcome, 'is an incomplete run (interrupted, or still running)');
    expect(existsSync(at('stopped-profile.json'))).toBe(false);
  });

  it('refuses to profile a run whose last item was cut off mid-write (exit 2)', async () => {
    await cp(at('full'), at('cut'), { recursive: true });
    await appendFile(at('cut', 'items.jsonl'), '{"itemId":"cut-off","strate');
    const outcome = await baton(['profile', 'cut', '--out', 'cut-profile.json']);
    expect(outcome.code).toBe(2);
    expect(existsSync(at('cut-profile.json'))).toBe(false);
  });
});
