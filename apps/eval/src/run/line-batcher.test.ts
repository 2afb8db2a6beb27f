import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '@baton/providers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EvalError } from '../eval-error.js';
import { LineBatcher } from './line-batcher.js';

/** A clock whose timers run only when the test says so. */
function manualClock(): Clock & { fire: () => void; pending: () => number } {
  let timers: (() => void)[] = [];
  return {
    now: () => 0,
    setTimer(callback) {
      timers.push(callback);
      return () => {
        timers = timers.filter((timer) => timer !== callback);
      };
    },
    fire() {
      const due = timers;
      timers = [];
      for (const timer of due) timer();
    },
    pending: () => timers.length,
  };
}

/** Whether a promise has settled, after the microtasks queued so far (file writes settle later). */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  for (let tick = 0; tick < 10; tick += 1) await Promise.resolve();
  return done;
}

describe('LineBatcher', () => {
  let folder: string;
  let file: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'baton-line-batcher-'));
    file = join(folder, 'lines.jsonl');
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('writes the lines of one delay together, in order, and says when they are in the file', async () => {
    const clock = manualClock();
    const lines = new LineBatcher(file, { clock });
    await lines.append('one');
    await lines.append('two');
    const flushed = lines.flushed();
    expect(clock.pending()).toBe(1);
    expect(await settled(flushed)).toBe(false);
    clock.fire();
    await flushed;
    expect(readFileSync(file, 'utf8')).toBe('one\ntwo\n');
    await lines.append('three');
    clock.fire();
    await lines.flushed();
    expect(readFileSync(file, 'utf8')).toBe('one\ntwo\nthree\n');
    await lines.close();
  });

  it('writes a full batch at once, without waiting for the delay', async () => {
    const clock = manualClock();
    const lines = new LineBatcher(file, { clock, batchSize: 8 });
    await lines.append('1234567');
    expect(clock.pending()).toBe(0);
    await lines.flushed();
    expect(readFileSync(file, 'utf8')).toBe('1234567\n');
    await lines.close();
  });

  it('holds the caller back while more than two batches are being written', async () => {
    const lines = new LineBatcher(file, { clock: manualClock(), batchSize: 4 });
    // Each line fills a batch of its own, written at once; the third leaves 12 > 2 × 4 in flight.
    expect(await settled(lines.append('abc'))).toBe(true);
    expect(await settled(lines.append('def'))).toBe(true);
    const third = lines.append('ghi');
    expect(await settled(third)).toBe(false);
    await third;
    expect(readFileSync(file, 'utf8')).toBe('abc\ndef\nghi\n');
    await lines.close();
  });

  it('writes what waits on close, keeps appending to an existing file, and refuses lines after', async () => {
    const first = new LineBatcher(file, { clock: manualClock() });
    await first.append('kept');
    await first.close();
    const clock = manualClock();
    const second = new LineBatcher(file, { clock });
    await second.append('added');
    await second.close();
    expect(clock.pending()).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('kept\nadded\n');
    await expect(second.append('late')).rejects.toSatisfy(
      (error) => EvalError.isInstance(error) && error.code === 'internal',
    );
    await second.close();
  });

  it('fails every later call once a write failed', async () => {
    // A folder cannot be opened as a file: the stream fails, and so does everything after.
    const lines = new LineBatcher(folder, { clock: manualClock() });
    await lines.append('lost').catch(() => {});
    const flushed = lines.flushed();
    const failure = await lines.close().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: 'EISDIR' });
    await expect(flushed).rejects.toBeInstanceOf(Error);
    await expect(lines.append('after')).rejects.toBe(failure);
    await expect(lines.flushed()).rejects.toBe(failure);
  });
});
