import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readRunFolder } from './read-run-folder.js';
import { type BatonOutcome, fastFlags, makeTempFolder, runBaton } from './run-baton.js';

let temp: Awaited<ReturnType<typeof makeTempFolder>>;
let runs = 0;

beforeEach(async () => {
  temp = await makeTempFolder();
});

afterEach(async () => {
  vi.restoreAllMocks();
  await temp.remove();
});

/** `baton eval` on the fixture suite into a fresh run folder, with extra flags. */
function evalWith(...flags: string[]): Promise<BatonOutcome> {
  runs += 1;
  return runBaton(['eval', ...fastFlags, '--out', `run-${runs}`, ...flags], { cwd: temp.path });
}

/**
 * Swallows what the code under test writes to the real process streams, so that a test that meets
 * the subcommand-output bug (see below) does not print; `text()` is what was swallowed.
 */
function silenceProcessOutput(): { text: () => string; restore: () => void } {
  let text = '';
  const swallow = (chunk: unknown) => {
    text += String(chunk);
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(swallow),
    vi.spyOn(process.stderr, 'write').mockImplementation(swallow),
  ];
  return {
    text: () => text,
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

function verdictLine(stderr: string): string | undefined {
  return stderr.split('\n').find((line) => /^(Gate failed|Gates passed|No gates set)/.test(line));
}

describe('baton eval exit codes for quality gates', () => {
  it('exits 0 when every strategy is above --fail-under', async () => {
    const outcome = await evalWith('--strategies', 'solo,route-lexical', '--fail-under', 'answerQuality=0');
    expect(outcome.code).toBe(0);
    expect(verdictLine(outcome.stderr)).toBe('Gates passed (1).');
  });

  it('exits 1 and names the failing check in the verdict line when a mean is under --fail-under', async () => {
    const outcome = await evalWith(
      '--strategies',
      'solo,route-lexical',
      '--fail-under',
      'answerQuality=0.99',
    );
    expect(outcome.code).toBe(1);
    expect(verdictLine(outcome.stderr)).toMatch(/^Gate failed: route-lexical answerQuality [\d.]+ < 0\.99$/);
    const junit = await readFile(join(temp.path, `run-${runs}`, 'junit.xml'), 'utf8');
    expect(junit).toContain('failures="1"');
    expect(junit).toContain('<failure');
  });

  it('checks --max against the mean: passes above the fallback rate, fails below it', async () => {
    const passing = await evalWith('--strategies', 'solo,verify-recover', '--max', 'fallbackRate=0.95');
    expect(passing.code).toBe(0);
    const { summary } = await readRunFolder(join(temp.path, `run-${runs}`));
    const fallback = summary.strategies[1]!.metrics.fallbackRate.mean!;
    // The fixture makes verify-recover fall back on some turns, not all: both sides are testable.
    expect(fallback).toBeGreaterThan(0.05);
    expect(fallback).toBeLessThan(0.95);

    const failing = await evalWith('--strategies', 'solo,verify-recover', '--max', 'fallbackRate=0.05');
    expect(failing.code).toBe(1);
    expect(verdictLine(failing.stderr)).toMatch(/^Gate failed: verify-recover fallbackRate [\d.]+ > 0\.05$/);
  });

  it('fails a gate on a metric without data instead of passing it', async () => {
    // Solo alone is its own gate target, and it never delegates: no fallback-rate denominator.
    const outcome = await evalWith('--strategies', 'solo', '--max', 'fallbackRate=1');
    expect(outcome.code).toBe(1);
    expect(verdictLine(outcome.stderr)).toMatch(/^Gate failed: solo fallbackRate has no data/);
  });

  it('passes --max-regression when the candidate is not worse than the baseline by more than delta', async () => {
    const outcome = await evalWith(
      '--strategies',
      'solo,route-lexical',
      '--max-regression',
      'answerQuality=0.05',
      // Seven test conversations: enough for an interval from 1,000 resamples, not from 200.
      '--resamples',
      '1000',
    );
    expect(outcome.code).toBe(0);
    expect(verdictLine(outcome.stderr)).toBe('Gates passed (1).');
  });

  it('fails --max-regression when the interval’s worse bound is beyond delta', async () => {
    // Against the better route-lexical as baseline, solo's quality is clearly lower.
    const outcome = await evalWith(
      '--strategies',
      'solo,route-lexical',
      '--baseline',
      'route-lexical',
      '--max-regression',
      'answerQuality=0.05',
      // Seven test conversations: enough for an interval from 1,000 resamples, not from 200.
      '--resamples',
      '1000',
    );
    expect(outcome.code).toBe(1);
    expect(verdictLine(outcome.stderr)).toMatch(/^Gate failed: solo answerQuality/);
    const { summary } = await readRunFolder(join(temp.path, `run-${runs}`));
    const [check] = summary.gate.checks;
    expect(check).toMatchObject({ kind: 'max-regression', strategy: 'solo', passed: false });
    expect(check!.actual).toBeLessThan(-0.05);
  });
});

describe('baton eval usage and input errors', () => {
  it('exits 2 with a one-line reason for an unknown strategy', async () => {
    const outcome = await evalWith('--strategies', 'solo,telepathy');
    expect(outcome.code).toBe(2);
    expect(outcome.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(outcome.stderr).toMatch(/^baton: Unknown strategy "telepathy"\. Known: solo, /);
    expect(existsSync(join(temp.path, `run-${runs}`))).toBe(false);
  });

  it('exits 2 for an unknown flag', async () => {
    const leaked = silenceProcessOutput();
    const outcome = await evalWith('--frobnicate');
    leaked.restore();
    expect(outcome.code).toBe(2);
  });

  it('exits 2 for flag values it cannot parse', async () => {
    const leaked = silenceProcessOutput();
    for (const flags of [
      ['--concurrency', 'many'],
      ['--shard', '3/2'],
      ['--fail-under', 'answerQuality'],
      ['--pass-threshold', '1.5'],
    ]) {
      const outcome = await evalWith(...flags);
      expect(outcome.code, flags.join(' ')).toBe(2);
    }
    leaked.restore();
  });

  it('explains an unknown flag and an unparsable value on the injected stderr', async () => {
    const leaked = silenceProcessOutput();
    const unknown = await evalWith('--frobnicate');
    const unparsable = await evalWith('--concurrency', 'many');
    leaked.restore();
    expect(leaked.text()).toBe('');
    // One line, prefixed like every other usage error.
    expect(unknown.stderr).toBe("baton: unknown option '--frobnicate' (see --help)\n");
    expect(unparsable.stderr).toContain('--concurrency must be a whole number');
  });

  it('explains a bad gate value and a bad shard on the injected stderr', async () => {
    const gate = await evalWith('--fail-under', 'answerQuality');
    expect(gate.stderr).toContain('--fail-under expects metric=value');
    const shard = await evalWith('--shard', '3/2');
    expect(shard.stderr).toContain('k must be between 1 and n');
  });

  it('exits 2 for a gate on an unknown metric', async () => {
    const outcome = await evalWith('--strategies', 'solo', '--fail-under', 'quality=0.5');
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('unknown metric "quality"');
    expect(outcome.stderr).toContain('answerQuality');
  });

  it('rejects a gate on an unknown metric before replaying anything', async () => {
    const outcome = await evalWith('--strategies', 'solo', '--fail-under', 'quality=0.5');
    expect(outcome.code).toBe(2);
    expect(existsSync(join(temp.path, `run-${runs}`, 'items.jsonl'))).toBe(false);
  });

  it('exits 2 when --record and --replay are both given', async () => {
    const outcome = await evalWith('--record', 'a.jsonl', '--replay', 'b.jsonl');
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('either --record or --replay');
  });

  describe('with a dataset whose line 2 has an invalid role', () => {
    beforeEach(async () => {
      const lines = [
        {
          id: 'bad-1',
          turns: [
            { role: 'user', text: 'where is my parcel?', domain: 'orders' },
            { role: 'agent', text: 'The tracking link is in your shipping e-mail.' },
          ],
        },
        {
          id: 'bad-2',
          turns: [
            { role: 'user', text: 'hello' },
            { role: 'bot', text: 'hi there' },
          ],
        },
        {
          id: 'bad-3',
          turns: [
            { role: 'user', text: 'can I pay by PayPal?', domain: 'billing' },
            { role: 'agent', text: 'Yes, PayPal works.' },
          ],
        },
      ];
      await writeFile(
        join(temp.path, 'bad.jsonl'),
        `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`,
      );
    });

    it('exits 2 naming the file, line and field', async () => {
      const outcome = await evalWith('--dataset', 'bad.jsonl', '--strategies', 'solo');
      expect(outcome.code).toBe(2);
      expect(outcome.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(outcome.stderr).toContain('bad.jsonl:2: turns[1].role:');
      expect(outcome.stderr).toContain('"bot"');
    });

    it('runs the valid conversations with --on-invalid skip', async () => {
      const outcome = await evalWith(
        '--dataset',
        'bad.jsonl',
        '--strategies',
        'solo',
        '--on-invalid',
        'skip',
        // Every conversation: --split applies to any dataset and would hash some to the train side.
        '--split',
        'all',
      );
      expect(outcome.code).toBe(0);
      const { summary, items } = await readRunFolder(join(temp.path, `run-${runs}`));
      expect(
        items
          .filter((item) => item.strategy === 'solo')
          .map((item) => item.itemId)
          .sort(),
      ).toEqual(['bad-1#0', 'bad-3#0']);
      expect(summary.suite).toMatchObject({ conversations: 2, turns: 2, split: null });
    });

    it('reports the skipped record and where it is with --on-invalid skip', async () => {
      const outcome = await evalWith(
        '--dataset',
        'bad.jsonl',
        '--strategies',
        'solo',
        '--on-invalid',
        'skip',
        // Every conversation: --split applies to any dataset and would hash some to the train side.
        '--split',
        'all',
      );
      expect(outcome.code).toBe(0);
      expect(outcome.stderr).toMatch(/skipped/i);
      expect(outcome.stderr).toContain('bad.jsonl:2');
    });
  });
});

describe('baton --help', () => {
  it.each([[[]], [['eval']], [['report']], [['merge']]])('exits 0 for `baton %s --help`', async (command) => {
    const leaked = silenceProcessOutput();
    const outcome = await runBaton([...command, '--help'], { cwd: temp.path });
    leaked.restore();
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toBe('');
  });

  it('prints the usage of `baton --help` to stdout', async () => {
    const outcome = await runBaton(['--help'], { cwd: temp.path });
    expect(outcome.stdout).toContain('Usage: baton [options] [command]');
    for (const command of ['eval', 'report', 'merge']) expect(outcome.stdout).toContain(command);
  });

  it.each([
    [['eval'], 'Usage: baton eval [options]'],
    [['report'], 'Usage: baton report [options] <dir>'],
    [['merge'], 'Usage: baton merge [options] <dirs...>'],
  ])('prints the usage of `baton %s --help` with its gate flags to stdout', async (command, usage) => {
    const leaked = silenceProcessOutput();
    const outcome = await runBaton([...command, '--help'], { cwd: temp.path });
    leaked.restore();
    expect(outcome.stdout).toContain(usage);
    for (const flag of ['--fail-under', '--max ', '--max-regression']) expect(outcome.stdout).toContain(flag);
  });

  it('exits 2 with one line when no command is named', async () => {
    const outcome = await runBaton([], { cwd: temp.path });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/^baton: name a command: eval, report, merge, .*\(see --help\)\n$/);
  });

  it('exits 2 for an unknown command', async () => {
    const outcome = await runBaton(['evaluate'], { cwd: temp.path });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/^baton: unknown command 'evaluate'.* \(see --help\)\n$/);
  });
});
