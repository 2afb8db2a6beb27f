import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createMockOpenAIServer, type MockOpenAIServer, reply } from '@baton/providers/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparableSummary } from './comparable-summary.js';
import { readItemLines } from './read-run-folder.js';
import { type BatonOutcome, fastFlags, makeTempFolder, runBaton } from './run-baton.js';

const header = 'conversation_id,turn,role,text,domain';

let temp: Awaited<ReturnType<typeof makeTempFolder>>;
let fileCount = 0;

beforeAll(async () => {
  temp = await makeTempFolder();
});
afterAll(async () => {
  await temp.remove();
});

async function dataFile(name: string, content: string | Buffer): Promise<string> {
  fileCount += 1;
  const folder = join(temp.path, `data-${fileCount}`);
  await mkdir(folder, { recursive: true });
  const file = join(folder, name);
  await writeFile(file, content);
  return file;
}

/** `baton eval` on the fixture suite reading `dataset`, everything else as small as it goes. */
function evalOn(dataset: string, extra: string[] = []): Promise<BatonOutcome> {
  fileCount += 1;
  return runBaton(
    ['eval', ...fastFlags, '--dataset', dataset, '--split', 'all', '--strategies', 'solo', ...extra].concat([
      '--out',
      `run-${fileCount}`,
    ]),
    { cwd: temp.path },
  );
}

/** Exit 2 with exactly one line on stderr, which contains every part. */
function expectOneLineExit2(outcome: BatonOutcome, ...parts: string[]): void {
  expect(outcome.code, outcome.stderr).toBe(2);
  expect(outcome.stderr.trimEnd().split('\n'), outcome.stderr).toHaveLength(1);
  for (const part of parts) expect(outcome.stderr).toContain(part);
}

const validRow = (id: string) =>
  JSON.stringify({
    id,
    turns: [
      { role: 'user', text: 'How do I download an invoice?', domain: 'billing' },
      { role: 'agent', text: 'Under Account, Invoices, pick the month and press Download.' },
    ],
  });

describe('baton eval with --on-invalid skip: records are skipped, whole files never', () => {
  const cases: Array<[string, string, string | Buffer, string]> = [
    ['an empty file', 'empty.jsonl', '', 'the file is empty'],
    ['a blank-only JSONL', 'blank.jsonl', '\n  \r\n\n', 'the file holds only blank lines'],
    ['a header-only CSV', 'header.csv', `${header}\n`, 'no rows after the header'],
    [
      'a CSV without a required column',
      'no-role.csv',
      'conversation_id,turn,text\nc1,1,hi\n',
      'no column for role',
    ],
    [
      'a semicolon-delimited CSV',
      'semicolons.csv',
      'conversation_id;turn;role;text\nc1;1;user;hi\nc1;2;agent;hello\n',
      'looks delimited by ";"',
    ],
    [
      'a file none of whose lines is valid',
      'garbage.jsonl',
      'not json\n{"id":"x"}\n',
      'all 2 of its records are invalid',
    ],
  ];
  for (const [what, name, content, reason] of cases) {
    it(`exits 2 with one line for ${what}`, async () => {
      const file = await dataFile(name, content);
      expectOneLineExit2(await evalOn(file, ['--on-invalid', 'skip']), `baton: ${file}`, reason);
    });
  }

  it('exits 2 when one file of a folder would be skipped whole, naming that file', async () => {
    const file = await dataFile('a.jsonl', `${validRow('c1')}\n`);
    await writeFile(join(file, '..', 'b.csv'), `${header}\n`);
    expectOneLineExit2(
      await evalOn(join(file, '..'), ['--on-invalid', 'skip']),
      `${join(file, '..', 'b.csv')}: no rows after the header`,
    );
  });

  it('exits 2 when it loaded conversations but none is on the evaluated side of the split', async () => {
    // e-r1 and e-r2 are on the train side of the fixture suite's split file.
    const file = await dataFile('train-only.jsonl', `${validRow('e-r1')}\n${validRow('e-r2')}\n`);
    const outcome = await runBaton(
      ['eval', ...fastFlags, '--dataset', file, '--strategies', 'solo', '--out', 'train-only'],
      { cwd: temp.path },
    );
    expectOneLineExit2(
      outcome,
      'nothing was evaluated: none of the 2 conversations read is on the test side of the split (try --split all)',
    );
  });

  it('still skips single invalid records, says so, and evaluates the rest', async () => {
    const file = await dataFile('mixed.jsonl', `${validRow('c1')}\nnot json\n${validRow('c3')}\n`);
    const outcome = await evalOn(file, ['--on-invalid', 'skip']);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stderr).toContain('Skipped 1 invalid conversation (--on-invalid skip):');
    expect(outcome.stderr).toContain(`${file}:2: invalid JSON`);
  });
});

describe('baton eval reading bytes that are not UTF-8', () => {
  for (const policy of ['stop', 'skip']) {
    it(`exits 2 naming file and line with --on-invalid ${policy}, never loading U+FFFD`, async () => {
      const latin1 = Buffer.from(
        `${validRow('c1')}\n${validRow('c2').replace('invoice', 'facture détaillée')}\n`,
        'latin1',
      );
      const file = await dataFile('latin1.jsonl', latin1);
      expectOneLineExit2(await evalOn(file, ['--on-invalid', policy]), `${file}:2: not valid UTF-8`);
    });
  }
});

describe('baton eval with an --out it cannot use', () => {
  it('exits 2 with one line when --out is a file', async () => {
    const file = await dataFile('not-a-folder.txt', 'x');
    const outcome = await runBaton(['eval', ...fastFlags, '--out', file], { cwd: temp.path });
    expectOneLineExit2(outcome, `--out ${file}: it is a file, not a folder`);
  });

  it('exits 2 with one line when a part of --out is a file (ENOTDIR)', async () => {
    const file = await dataFile('parent.txt', 'x');
    const outcome = await runBaton(['eval', ...fastFlags, '--out', join(file, 'run')], { cwd: temp.path });
    expectOneLineExit2(outcome, 'a part of the path is a file, not a folder [ENOTDIR]');
  });

  it.runIf(process.platform === 'linux')(
    'exits 2 under /proc, where a recursive mkdir would spin forever',
    async () => {
      for (const out of ['/proc/baton-run', '/proc/self']) {
        const outcome = await runBaton(['eval', ...fastFlags, '--out', out], { cwd: temp.path });
        expectOneLineExit2(outcome, `--out ${out}: cannot write the run folder`);
      }
    },
  );

  it.runIf(process.platform === 'linux')(
    'exits 2 where writing is not permitted (EPERM, EACCES)',
    async () => {
      const outcome = await runBaton(['eval', ...fastFlags, '--out', '/sys/baton-run'], { cwd: temp.path });
      expectOneLineExit2(outcome, '--out /sys/baton-run: cannot write the run folder');
    },
  );
});

describe('baton eval and the run folder lock', () => {
  it('refuses a run folder another live run holds, naming its pid', async () => {
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    try {
      await mkdir(join(temp.path, 'locked'), { recursive: true });
      const holder = {
        pid: sleeper.pid,
        hostname: (await import('node:os')).hostname(),
        startedAt: 'earlier',
      };
      await writeFile(join(temp.path, 'locked', 'run.lock'), JSON.stringify(holder));
      const outcome = await runBaton(['eval', ...fastFlags, '--out', 'locked'], { cwd: temp.path });
      expectOneLineExit2(outcome, `is in use by another run (pid ${sleeper.pid}`);
      expect(existsSync(join(temp.path, 'locked', 'items.jsonl'))).toBe(false);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('takes over the lock of a run that died, says so once, and releases it at the end', async () => {
    const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    const deadPid = dead.pid;
    await new Promise((resolve) => dead.once('exit', resolve));
    await mkdir(join(temp.path, 'stale'), { recursive: true });
    const holder = { pid: deadPid, hostname: (await import('node:os')).hostname(), startedAt: 'earlier' };
    await writeFile(join(temp.path, 'stale', 'run.lock'), JSON.stringify(holder));
    const outcome = await runBaton(['eval', ...fastFlags, '--strategies', 'solo', '--out', 'stale'], {
      cwd: temp.path,
    });
    expect(outcome.code, outcome.stderr).toBe(0);
    const said = outcome.stderr.split('\n').filter((line) => line.includes('took over the lock'));
    expect(said).toEqual([
      `${join(temp.path, 'stale')}: took over the lock of pid ${deadPid}, which is no longer running.`,
    ]);
    expect(existsSync(join(temp.path, 'stale', 'run.lock'))).toBe(false);
  });

  it('lets only one of two runs started together on one folder write to it', async () => {
    const [first, second] = await Promise.all([
      runBaton(['eval', ...fastFlags, '--strategies', 'solo', '--out', 'twice'], { cwd: temp.path }),
      runBaton(['eval', ...fastFlags, '--strategies', 'solo', '--out', 'twice'], { cwd: temp.path }),
    ]);
    expect([first.code, second.code].sort()).toEqual([0, 2]);
    expect([first, second].find((outcome) => outcome.code === 2)?.stderr).toContain(
      'is in use by another run',
    );
    const items = await readItemLines(join(temp.path, 'twice', 'items.jsonl'));
    const keys = items.map((item) => `${item.strategy} ${item.itemId} ${item.repeat}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('baton eval --resume after an interruption that left partial and duplicate lines', () => {
  it('compacts items.jsonl to exactly one line per item and ends with the uninterrupted summary', async () => {
    // Two strategies are enough to have units of several rows; the whole default set would be slow.
    const small = [...fastFlags, '--strategies', 'solo,route-lexical'];
    const full = await runBaton(['eval', ...small, '--out', 'compact-full'], { cwd: temp.path });
    expect(full.code, full.stderr).toBe(0);
    await cp(join(temp.path, 'compact-full'), join(temp.path, 'compact'), { recursive: true });
    const folder = join(temp.path, 'compact');
    // As after a kill -9: some units are not recorded as done (their items are on file), some
    // items were written twice, and the last line is torn.
    const units = (await readFile(join(folder, 'units.jsonl'), 'utf8')).split('\n').filter(Boolean);
    await writeFile(
      join(folder, 'units.jsonl'),
      `${units.slice(0, Math.floor(units.length / 2)).join('\n')}\n`,
    );
    const lines = (await readFile(join(folder, 'items.jsonl'), 'utf8')).split('\n').filter(Boolean);
    await appendFile(
      join(folder, 'items.jsonl'),
      `${lines.slice(0, 5).join('\n')}\n${lines[6]!.slice(0, 40)}`,
    );
    await writeFile(join(folder, 'summary.json'), '{}');

    const resumed = await runBaton(['eval', ...small, '--out', 'compact', '--resume'], { cwd: temp.path });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/items\.jsonl: dropped \d+ lines/);
    const keyOf = (item: { strategy: string; itemId: string; repeat: number }) =>
      `${item.strategy} ${item.itemId} ${item.repeat}`;
    const before = (await readItemLines(join(temp.path, 'compact-full', 'items.jsonl'))).map(keyOf).sort();
    const after = (await readItemLines(join(folder, 'items.jsonl'))).map(keyOf).sort();
    expect(after).toEqual(before);
    const summaryOf = async (dir: string) =>
      comparableSummary(JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')), dir);
    expect(await summaryOf(folder)).toEqual(await summaryOf(join(temp.path, 'compact-full')));
  });
});

describe('baton eval --timeout, --idle-timeout and --turn-timeout', () => {
  let server: MockOpenAIServer;
  beforeAll(async () => {
    server = await createMockOpenAIServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('rejects a timeout that is not a positive whole number of milliseconds', async () => {
    for (const flag of ['--timeout', '--idle-timeout', '--turn-timeout']) {
      const outcome = await runBaton(['eval', ...fastFlags, flag, '0'], { cwd: temp.path });
      expect(outcome.code).toBe(2);
      expect(outcome.stderr).toContain(`${flag} must be a whole number of milliseconds`);
    }
  });

  it('ends a turn whose model never answers with an explicit timeout error on its item', async () => {
    // Every call hangs before its headers; only the turn's own deadline can end it.
    server.setHandler(() => reply.hang());
    const outcome = await runBaton(
      [
        'eval',
        ...fastFlags,
        '--model',
        'openai:gpt-4.1-mini',
        '--strategies',
        'solo',
        '--limit',
        '1',
        '--timeout',
        '600000',
        '--turn-timeout',
        '200',
        '--out',
        'turn-timeout',
      ],
      { cwd: temp.path, env: { OPENAI_API_KEY: 'sk-test-timeouts', OPENAI_BASE_URL: server.url } },
    );
    expect(outcome.code, outcome.stderr).toBe(0);
    const solo = (await readItemLines(join(temp.path, 'turn-timeout', 'items.jsonl'))).filter(
      (item) => item.strategy === 'solo',
    );
    expect(solo.length).toBeGreaterThan(0);
    for (const item of solo) {
      expect(item.outcome).not.toBe('answered');
      expect(item.error).toMatchObject({ code: 'timeout' });
      expect(item.error?.message).toContain('--turn-timeout');
    }
  });
});
