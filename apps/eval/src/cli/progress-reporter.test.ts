import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatDuration, ProgressReporter } from './progress-reporter.js';

/** A stream that keeps what was written. */
function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, isTTY, columns: 120, write: (text: string) => writes.push(text) };
}

describe('ProgressReporter on a terminal', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows a line at once and keeps its clock moving before the total is known', () => {
    const out = stream(true);
    const progress = new ProgressReporter(out, { enabled: true });
    progress.start();
    expect(out.writes).toEqual(['\rpreparing… 0.0s\u001b[K']);
    vi.advanceTimersByTime(1000);
    expect(out.writes.at(-1)).toBe('\rpreparing… 1.0s\u001b[K');
    progress.finish();
    expect(out.writes.at(-1)).toBe('\n');
    // Stopped: no more redraws.
    const count = out.writes.length;
    vi.advanceTimersByTime(5000);
    expect(out.writes).toHaveLength(count);
  });

  it('shows the rate and the time left from the first finished item, counted from the plan', () => {
    const out = stream(true);
    const progress = new ProgressReporter(out, { enabled: true });
    progress.start();
    vi.advanceTimersByTime(2000); // reading the suite
    progress.plan(100);
    expect(progress.line()).toBe(`[${'.'.repeat(24)}] 0/100 items · –/s · ETA … · 2.0s`);
    vi.advanceTimersByTime(1000);
    progress.update(10);
    // 10 items in the 1 s since the plan: 10/s, 90 left → 9 s.
    expect(progress.line()).toBe(`[${'#'.repeat(2)}${'.'.repeat(22)}] 10/100 items · 10/s · ETA 9.0s · 3.0s`);
    vi.advanceTimersByTime(250);
    expect(out.writes.at(-1)).toContain('10/100 items · 8.0/s · ETA 11s · 3.3s');
    progress.update(100);
    expect(progress.line()).toContain('100/100 items');
    expect(progress.line()).toContain('ETA 0s');
    progress.finish();
  });

  it('wipes the line for a log line and fits the width it is given', () => {
    const out = stream(true);
    const progress = new ProgressReporter(out, { enabled: true, width: 30, color: true });
    progress.plan(4);
    progress.update(1);
    const drawn = out.writes.at(-1)!;
    expect(drawn).toContain('\u001b[32m');
    const visible = drawn.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[mK]`, 'g'), '');
    expect(visible.length).toBeLessThanOrEqual(30);
    progress.clear();
    expect(out.writes.at(-1)).toBe('\r\u001b[K');
    progress.finish();
  });
});

describe('ProgressReporter in a log', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes a plain line with the first item and at every tenth, with rate and ETA', () => {
    const out = stream(false);
    const progress = new ProgressReporter(out, { enabled: true });
    progress.start();
    progress.plan(20);
    expect(out.writes).toEqual([]);
    for (let done = 1; done <= 20; done += 1) {
      vi.advanceTimersByTime(100);
      progress.update(done);
    }
    progress.finish();
    expect(out.writes).toHaveLength(11);
    expect(out.writes[0]).toBe('progress: 1/20 items (5%) · 10/s · ETA 1.9s · 0.1s elapsed\n');
    expect(out.writes.at(-1)).toBe('progress: 20/20 items (100%) · 10/s · ETA 0s · 2.0s elapsed\n');
  });

  it('writes nothing when turned off', () => {
    const out = stream(false);
    const progress = new ProgressReporter(out, { enabled: false });
    progress.start();
    progress.plan(2);
    progress.update(2);
    progress.finish();
    expect(out.writes).toEqual([]);
  });

  it('asks for the total only when it shows progress, so a quiet run reads its dataset once', () => {
    expect(new ProgressReporter(stream(false), { enabled: false }).wantsTotal).toBe(false);
    expect(new ProgressReporter(stream(false), { enabled: true }).wantsTotal).toBe(true);
    expect(new ProgressReporter(stream(true), { enabled: true }).wantsTotal).toBe(true);
  });
});

describe('formatDuration', () => {
  it('reads as seconds, minutes or hours', () => {
    expect([400, 9_940, 12_400, 59_600, 185_000, 3_725_000].map(formatDuration)).toEqual([
      '0.4s',
      '9.9s',
      '12s',
      '1m 00s',
      '3m 05s',
      '1h 02m',
    ]);
  });
});
