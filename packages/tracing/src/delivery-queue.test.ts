import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type DeliveryOutcome,
  DeliveryQueue,
  type DeliveryQueueOptions,
  type DeliveryStall,
} from './delivery-queue.js';

/** A server that answers after `latencyMs` of (fake) time, as `answer` says. */
function scriptedServer(options: {
  latencyMs?: number;
  answer?: (unit: string, attempt: number) => DeliveryOutcome;
}) {
  const batches: string[][] = [];
  const attempts = new Map<string, number>();
  const send = (batch: readonly string[], signal: AbortSignal) =>
    new Promise<DeliveryOutcome[]>((resolve, reject) => {
      batches.push([...batch]);
      const timer = setTimeout(() => {
        resolve(
          batch.map((unit) => {
            const attempt = (attempts.get(unit) ?? 0) + 1;
            attempts.set(unit, attempt);
            return options.answer?.(unit, attempt) ?? { status: 'acknowledged' };
          }),
        );
      }, options.latencyMs ?? 100);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason);
      });
    });
  return { send, batches, attempts };
}

function queueFor(
  server: ReturnType<typeof scriptedServer>,
  options: Partial<DeliveryQueueOptions<string>> = {},
) {
  const undelivered: { units: string[]; result: string; reason: string }[] = [];
  const stalls: DeliveryStall[] = [];
  const queue = new DeliveryQueue<string>({
    send: server.send,
    stallTimeoutMs: 30_000,
    onUndelivered: (units, result, reason) => undelivered.push({ units: [...units], result, reason }),
    onGiveUp: (stall) => stalls.push(stall),
    ...options,
  });
  return { queue, undelivered, stalls };
}

const units = (count: number, prefix = 'u') =>
  Array.from({ length: count }, (_, index) => `${prefix}${index}`);

describe('DeliveryQueue', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends units in batches, by count and by bytes, and counts each acknowledgement', async () => {
    const server = scriptedServer({});
    const { queue } = queueFor(server, {
      maxBatchSize: 3,
      maxBatchBytes: 25,
      sizeOf: (unit) => unit.length * 5,
      lingerMs: 1,
    });
    const results = Promise.all(['a', 'b', 'c', 'd', 'e', 'ffff', 'g'].map((unit) => queue.add(unit)));
    await vi.runAllTimersAsync();

    expect(server.batches).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
      ['ffff', 'g'],
    ]);
    expect((await results).map((result) => result.result)).toEqual(Array(7).fill('acknowledged'));
    expect(queue.counts()).toEqual({ acknowledged: 7, rejected: 0, setAside: 0, notNeeded: 0 });
  });

  it('lets a partial batch wait lingerMs for company', async () => {
    const server = scriptedServer({});
    const { queue } = queueFor(server, { maxBatchSize: 10, lingerMs: 50 });
    void queue.add('a');
    await vi.advanceTimersByTimeAsync(30);
    void queue.add('b');
    expect(server.batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(20);
    expect(server.batches).toEqual([['a', 'b']]);
  });

  it('waits as long as the server keeps acknowledging, however long the whole takes', async () => {
    // One unit every 10 s: 20 units take 200 s, far beyond the 30 s stall timeout.
    const server = scriptedServer({ latencyMs: 10_000 });
    const { queue, stalls } = queueFor(server, { concurrency: 1 });
    for (const unit of units(20)) void queue.add(unit);
    let drained = false;
    void queue.drain().then(() => {
      drained = true;
    });
    await vi.advanceTimersByTimeAsync(199_999);
    expect(drained).toBe(false);
    await vi.advanceTimersByTimeAsync(1);

    expect(drained).toBe(true);
    expect(queue.counts().acknowledged).toBe(20);
    expect(stalls).toEqual([]);
  });

  it('retries a transient failure after a pause that doubles, and delivers once the server recovers', async () => {
    const server = scriptedServer({
      latencyMs: 10,
      answer: (_unit, attempt) =>
        attempt <= 3 ? { status: 'retry', reason: 'HTTP 503' } : { status: 'acknowledged' },
    });
    const { queue } = queueFor(server, { retryDelayMs: 100 });
    const started = Date.now();
    const result = queue.add('a');
    await vi.runAllTimersAsync();

    expect(await result).toEqual({ result: 'acknowledged' });
    expect(server.attempts.get('a')).toBe(4);
    // Sent at 0, then after 10 + 100, + 10 + 200, + 10 + 400 ms.
    expect(Date.now() - started).toBe(740);
  });

  it('gives up after the stall timeout without an acknowledgement, setting everything aside', async () => {
    const server = scriptedServer({
      latencyMs: 10,
      answer: () => ({ status: 'retry', reason: 'ECONNREFUSED' }),
    });
    const { queue, undelivered, stalls } = queueFor(server, { maxBatchSize: 2, maxRetryDelayMs: 4_000 });
    const results = Promise.all(units(5).map((unit) => queue.add(unit)));
    await vi.advanceTimersByTimeAsync(29_999);
    expect(stalls).toEqual([]);
    // At 30 s the stall is seen, and confirmed a tick later once pending I/O has had its turn.
    await vi.advanceTimersByTimeAsync(2);

    expect(stalls).toEqual([{ stalledForMs: 30_000, setAside: 5, reason: 'ECONNREFUSED' }]);
    expect((await results).map((result) => result.result)).toEqual(Array(5).fill('set-aside'));
    expect(undelivered.flatMap((entry) => entry.units).sort()).toEqual(units(5));
    expect(queue.counts()).toEqual({ acknowledged: 0, rejected: 0, setAside: 5, notNeeded: 0 });
  });

  it('sets new units aside while given up, and tries again after probeAfterMs', async () => {
    let up = false;
    const server = scriptedServer({
      latencyMs: 10,
      answer: () => (up ? { status: 'acknowledged' } : { status: 'retry', reason: 'down' }),
    });
    const { queue } = queueFor(server, { stallTimeoutMs: 1_000, probeAfterMs: 60_000 });
    void queue.add('a');
    await vi.advanceTimersByTimeAsync(1_001);
    expect(queue.givenUp).toBe(true);
    const sentBefore = server.batches.length;
    expect(await queue.add('b')).toEqual({ result: 'set-aside', reason: 'down' });
    expect(server.batches).toHaveLength(sentBefore);

    up = true;
    await vi.advanceTimersByTimeAsync(60_000);
    const probe = queue.add('c');
    await vi.runAllTimersAsync();
    expect(await probe).toEqual({ result: 'acknowledged' });
    expect(queue.counts()).toMatchObject({ acknowledged: 1, setAside: 2 });
  });

  it('refuses for good what the server rejects, and gives up at once when told to', async () => {
    const server = scriptedServer({
      answer: (unit) =>
        unit === 'bad'
          ? { status: 'rejected', reason: 'HTTP 400' }
          : unit === 'locked'
            ? { status: 'give-up', reason: 'HTTP 401' }
            : { status: 'acknowledged' },
    });
    const { queue, undelivered, stalls } = queueFor(server, { concurrency: 1 });
    const results = Promise.all(['ok', 'bad', 'locked', 'later'].map((unit) => queue.add(unit)));
    await vi.runAllTimersAsync();

    expect((await results).map((result) => result.result)).toEqual([
      'acknowledged',
      'rejected',
      'set-aside',
      'set-aside',
    ]);
    expect(undelivered).toEqual([
      { units: ['bad'], result: 'rejected', reason: 'HTTP 400' },
      { units: ['locked', 'later'], result: 'set-aside', reason: 'HTTP 401' },
    ]);
    // Given up at 300 ms; the last acknowledgement came at 100 ms.
    expect(stalls).toEqual([{ stalledForMs: 200, setAside: 2, reason: 'HTTP 401' }]);
    expect(server.attempts.get('bad')).toBe(1);
  });

  it('holds producers back once maxQueued units wait, and lets them on in order', async () => {
    const server = scriptedServer({ latencyMs: 100 });
    const { queue } = queueFor(server, { concurrency: 1, maxQueued: 2 });
    void queue.add('a'); // in flight
    void queue.add('b');
    void queue.add('c');
    let ready = false;
    void queue.ready().then(() => {
      ready = true;
    });
    const late = queue.add('d'); // waits for room
    await vi.advanceTimersByTimeAsync(0);
    expect(ready).toBe(false);
    expect(queue.pending).toBe(4);

    await vi.advanceTimersByTimeAsync(100);
    expect(server.batches).toEqual([['a'], ['b']]);
    await vi.runAllTimersAsync();
    expect(ready).toBe(true);
    expect(await late).toEqual({ result: 'acknowledged' });
    expect(server.batches.flat()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('sets aside what is queued, waiting and in flight when abandoned, without calling onGiveUp', async () => {
    const server = scriptedServer({ latencyMs: 10_000 });
    const { queue, undelivered, stalls } = queueFor(server, { concurrency: 1, maxQueued: 1 });
    const results = Promise.all(['a', 'b', 'c'].map((unit) => queue.add(unit)));
    await vi.advanceTimersByTimeAsync(1);
    queue.abandon('shutting down');

    expect((await results).map((result) => result.result)).toEqual(['set-aside', 'set-aside', 'set-aside']);
    expect(undelivered).toEqual([{ units: ['a', 'b', 'c'], result: 'set-aside', reason: 'shutting down' }]);
    expect(stalls).toEqual([]);
    await queue.drain();
  });
});
