import { type CancelTimer, type Clock, systemClock } from './clock.js';

/** What the server made of one unit of a request. */
export type DeliveryOutcome =
  /** Acknowledged: the only outcome that counts as delivered. `response` is the server's answer. */
  | { status: 'acknowledged'; response?: unknown }
  /** Refused for good (a 4xx about this unit): sending it again now would not help. */
  | { status: 'rejected'; reason: string }
  /** Not taken this time (no answer, 429, 5xx, a refused connection): tried again after a pause. */
  | { status: 'retry'; reason: string }
  /** Nothing will get through (keys refused): everything waiting is set aside at once. */
  | { status: 'give-up'; reason: string }
  /** Not sent, and not needed: the server has no use for it (e.g. an endpoint it no longer has). */
  | { status: 'not-needed'; reason: string };

/** Where a unit ended: delivered, refused, or kept aside (not delivered, for a later push). */
export type DeliveryResult =
  | { result: 'acknowledged'; response?: unknown }
  | { result: 'rejected'; reason: string }
  | { result: 'set-aside'; reason: string }
  | { result: 'not-needed'; reason: string };

/** How many units ended where. */
export interface DeliveryCounts {
  acknowledged: number;
  rejected: number;
  setAside: number;
  /** Units the server turned out to have no use for (neither delivered nor missing). */
  notNeeded: number;
}

/** Why a queue stopped waiting, for its owner's one-line warning. */
export interface DeliveryStall {
  /** How long nothing was acknowledged when the queue gave up (0 for a `give-up` answer). */
  stalledForMs: number;
  /** Units set aside at that moment (queued and in flight). */
  setAside: number;
  /** The last failure seen, if any. */
  reason: string | undefined;
}

/** Options of {@link DeliveryQueue}. */
export interface DeliveryQueueOptions<TUnit> {
  /**
   * Sends one batch and resolves one outcome per unit, in order (or a single outcome for all).
   * A rejection counts as `retry` for the whole batch. Abort the request when `signal` fires.
   */
  send(batch: readonly TUnit[], signal: AbortSignal): Promise<DeliveryOutcome | readonly DeliveryOutcome[]>;
  /** Units per request. Default 1. */
  maxBatchSize?: number;
  /**
   * How long a partial batch waits for more units before it is sent (units handed over in one
   * go fill whole batches without it). Default 0: at once.
   */
  lingerMs?: number;
  /** With {@link sizeOf}: a batch stops growing before it would exceed this many bytes. */
  maxBatchBytes?: number;
  /** A unit's size in bytes, for {@link maxBatchBytes}. */
  sizeOf?: (unit: TUnit) => number;
  /** Requests in flight at once. Default 8. */
  concurrency?: number;
  /**
   * Units queued (not yet in flight). Beyond this, {@link DeliveryQueue.add} waits for room and
   * {@link DeliveryQueue.ready} tells a producer to hold back. Default 2,000.
   */
  maxQueued?: number;
  /** Gives up after this long without an acknowledgement while there is work. */
  stallTimeoutMs: number;
  /** The first pause after a `retry`, doubled on each one in a row. Default 500 ms. */
  retryDelayMs?: number;
  /** The longest pause between retries. Default 8,000 ms. */
  maxRetryDelayMs?: number;
  /** After giving up, units are set aside at once until this long has passed; then one try again. Default 60,000 ms. */
  probeAfterMs?: number;
  clock?: Clock;
  /** Units not delivered now — rejected, or set aside — for the pending file. */
  onUndelivered?: (units: readonly TUnit[], result: 'rejected' | 'set-aside', reason: string) => void;
  /** Called once each time the queue gives up (a stall or a `give-up` answer). */
  onGiveUp?: (stall: DeliveryStall) => void;
}

interface Entry<TUnit> {
  unit: TUnit;
  settle: (result: DeliveryResult) => void;
}

interface Flight<TUnit> {
  entries: Entry<TUnit>[];
  controller: AbortController;
  abandoned: boolean;
}

/**
 * Delivers units (dataset items, run links, scores) to a server that may be slow, flaky or gone,
 * without losing count: each unit ends exactly once as acknowledged, rejected, or set aside.
 *
 * Bounded and patient rather than on a deadline: at most `maxQueued` units are queued (producers
 * await {@link DeliveryQueue.ready} for backpressure) and `concurrency` requests run; a transient failure pauses
 * and retries (backoff doubling up to `maxRetryDelayMs`); the queue waits as long as the server
 * keeps acknowledging, and gives up only when nothing has been acknowledged for `stallTimeoutMs` —
 * then everything waiting is set aside (handed to `onUndelivered`), and new units are set aside
 * until `probeAfterMs` has passed.
 *
 * @example
 * ```ts
 * const queue = new DeliveryQueue<Score>({ send: postBatch, maxBatchSize: 100, stallTimeoutMs: 30_000 });
 * for (const score of scores) {
 *   await queue.ready();
 *   void queue.add(score);
 * }
 * await queue.drain();
 * queue.counts(); // { acknowledged, rejected, setAside }
 * ```
 */
export class DeliveryQueue<TUnit> {
  private readonly options: DeliveryQueueOptions<TUnit>;
  private readonly clock: Clock;
  private readonly maxBatchSize: number;
  private readonly concurrency: number;
  private readonly maxQueued: number;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly probeAfterMs: number;
  private queue: Entry<TUnit>[] = [];
  /** Units handed over while the queue was full, waiting for room in their order. */
  private waiting: Entry<TUnit>[] = [];
  private readonly inFlight = new Set<Flight<TUnit>>();
  private readonly tally: DeliveryCounts = { acknowledged: 0, rejected: 0, setAside: 0, notNeeded: 0 };
  private lastProgressAt = 0;
  private pausedUntil = 0;
  /** Until when a partial batch waits for company. */
  private lingerUntil: number | undefined;
  private nextRetryDelayMs: number;
  private lastFailure: string | undefined;
  /** While set, the queue has given up: new units are set aside until this time. */
  private probeAt: number | undefined;
  private cancelStallTimer: CancelTimer | undefined;
  private cancelResumeTimer: CancelTimer | undefined;
  private roomWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(options: DeliveryQueueOptions<TUnit>) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.maxBatchSize = Math.max(1, options.maxBatchSize ?? 1);
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    this.maxQueued = Math.max(1, options.maxQueued ?? 2_000);
    this.retryDelayMs = options.retryDelayMs ?? 500;
    this.maxRetryDelayMs = Math.max(this.retryDelayMs, options.maxRetryDelayMs ?? 8_000);
    this.probeAfterMs = options.probeAfterMs ?? 60_000;
    this.nextRetryDelayMs = this.retryDelayMs;
  }

  /** Where the units handed over so far ended (units still on their way are in none). */
  counts(): DeliveryCounts {
    return { ...this.tally };
  }

  /** Units queued or in flight. */
  get pending(): number {
    let inFlight = 0;
    for (const flight of this.inFlight) inFlight += flight.entries.length;
    return this.waiting.length + this.queue.length + inFlight;
  }

  /** Whether the queue has given up and sets new units aside (until its probe time). */
  get givenUp(): boolean {
    return this.probeAt !== undefined && this.clock.now() < this.probeAt;
  }

  /**
   * Hands a unit over; resolves where it ended. Never rejects. While `maxQueued` units are queued
   * the unit waits for room (in order) — the caller holds it meanwhile, so a caller that awaits
   * {@link ready} between units keeps memory bounded.
   */
  add(unit: TUnit): Promise<DeliveryResult> {
    return new Promise((resolve) => {
      const entry: Entry<TUnit> = { unit, settle: resolve };
      if (this.probeAt !== undefined) {
        if (this.clock.now() < this.probeAt) {
          this.setAside([entry], this.lastFailure ?? 'Langfuse stopped acknowledging');
          return;
        }
        // Time for another try: a fresh stall window, and the pause is over.
        this.probeAt = undefined;
        this.pausedUntil = 0;
        this.nextRetryDelayMs = this.retryDelayMs;
      }
      if (this.pending === 0) this.lastProgressAt = this.clock.now();
      this.waiting.push(entry);
      this.pump();
    });
  }

  /** Resolves once a unit can be added without waiting for room (at once while given up). */
  ready(): Promise<void> {
    if (this.hasRoom() || this.probeAt !== undefined) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /**
   * Resolves when every unit handed over has ended — delivered, rejected, or set aside after a
   * stall. There is no deadline: the stall watch is what ends a wait on an unresponsive server.
   */
  drain(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops waiting now: everything queued or in flight is set aside (requests in flight are
   * aborted), and new units are set aside until `probeAfterMs` has passed. The caller, who knows
   * why, says so; `onGiveUp` is not called.
   */
  abandon(reason: string): void {
    this.giveUp(reason, 0, false);
  }

  private hasRoom(): boolean {
    return this.waiting.length === 0 && this.queue.length < this.maxQueued;
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.queue.length < this.maxQueued)
      this.queue.push(this.waiting.shift()!);
    const now = this.clock.now();
    const lingerMs = this.options.lingerMs ?? 0;
    if (this.queue.length === 0) this.lingerUntil = undefined;
    else this.lingerUntil ??= now + lingerMs;
    while (this.queue.length > 0 && this.inFlight.size < this.concurrency) {
      const full = this.queue.length >= this.maxBatchSize || this.waiting.length > 0;
      const due = Math.max(this.pausedUntil, full ? 0 : (this.lingerUntil ?? 0));
      if (now < due) {
        this.scheduleResume(due - now);
        break;
      }
      this.launch(this.takeBatch());
      this.lingerUntil = this.queue.length > 0 ? now + lingerMs : undefined;
    }
    this.wakeRoomWaiters();
    this.watchStall();
    this.settleIfIdle();
  }

  private takeBatch(): Entry<TUnit>[] {
    const { maxBatchBytes, sizeOf } = this.options;
    if (maxBatchBytes === undefined || sizeOf === undefined) return this.queue.splice(0, this.maxBatchSize);
    let bytes = 0;
    let count = 0;
    while (count < this.queue.length && count < this.maxBatchSize) {
      const size = sizeOf(this.queue[count]!.unit);
      // At least one unit a batch, however large: the server is the judge of that one.
      if (count > 0 && bytes + size > maxBatchBytes) break;
      bytes += size;
      count += 1;
    }
    return this.queue.splice(0, count);
  }

  private launch(entries: Entry<TUnit>[]): void {
    const flight: Flight<TUnit> = { entries, controller: new AbortController(), abandoned: false };
    this.inFlight.add(flight);
    let sending: Promise<DeliveryOutcome | readonly DeliveryOutcome[]>;
    try {
      sending = this.options.send(
        entries.map((entry) => entry.unit),
        flight.controller.signal,
      );
    } catch (error) {
      sending = Promise.reject(error);
    }
    sending.then(
      (outcomes) => this.land(flight, outcomes),
      (error: unknown) =>
        this.land(flight, {
          status: 'retry',
          reason: error instanceof Error ? error.message : String(error),
        }),
    );
  }

  private land(flight: Flight<TUnit>, outcomes: DeliveryOutcome | readonly DeliveryOutcome[]): void {
    this.inFlight.delete(flight);
    if (flight.abandoned) {
      this.pump();
      return;
    }
    const retry: Entry<TUnit>[] = [];
    let giveUp: string | undefined;
    flight.entries.forEach((entry, index) => {
      const outcome: DeliveryOutcome | undefined = isOutcomeList(outcomes) ? outcomes[index] : outcomes;
      if (outcome === undefined) {
        retry.push(entry);
        this.lastFailure = 'the server answered fewer results than it was sent';
        return;
      }
      switch (outcome.status) {
        case 'acknowledged':
          this.tally.acknowledged += 1;
          this.lastProgressAt = this.clock.now();
          this.nextRetryDelayMs = this.retryDelayMs;
          entry.settle(
            outcome.response === undefined
              ? { result: 'acknowledged' }
              : { result: 'acknowledged', response: outcome.response },
          );
          break;
        case 'rejected':
          this.tally.rejected += 1;
          this.options.onUndelivered?.([entry.unit], 'rejected', outcome.reason);
          entry.settle({ result: 'rejected', reason: outcome.reason });
          break;
        case 'retry':
          this.lastFailure = outcome.reason;
          retry.push(entry);
          break;
        case 'give-up':
          this.lastFailure = outcome.reason;
          giveUp = outcome.reason;
          retry.push(entry);
          break;
        case 'not-needed':
          this.tally.notNeeded += 1;
          entry.settle({ result: 'not-needed', reason: outcome.reason });
          break;
      }
    });
    if (retry.length > 0) {
      // Back to the front, in their order, after a pause that doubles while failures continue.
      this.queue.unshift(...retry);
      this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + this.nextRetryDelayMs);
      this.nextRetryDelayMs = Math.min(this.nextRetryDelayMs * 2, this.maxRetryDelayMs);
    }
    if (giveUp !== undefined) {
      this.giveUp(giveUp, this.clock.now() - this.lastProgressAt);
      return;
    }
    this.pump();
  }

  private giveUp(reason: string, stalledForMs: number, notify = true): void {
    const entries: Entry<TUnit>[] = [];
    for (const flight of this.inFlight) {
      flight.abandoned = true;
      flight.controller.abort(new Error(reason));
      entries.push(...flight.entries);
    }
    entries.push(...this.queue, ...this.waiting);
    this.queue = [];
    this.waiting = [];
    this.probeAt = this.clock.now() + this.probeAfterMs;
    this.lastFailure ??= reason;
    this.setAside(entries, reason);
    if (notify) this.options.onGiveUp?.({ stalledForMs, setAside: entries.length, reason: this.lastFailure });
    this.pump();
  }

  private setAside(entries: readonly Entry<TUnit>[], reason: string): void {
    if (entries.length === 0) return;
    this.tally.setAside += entries.length;
    this.options.onUndelivered?.(
      entries.map((entry) => entry.unit),
      'set-aside',
      reason,
    );
    for (const entry of entries) entry.settle({ result: 'set-aside', reason });
  }

  private scheduleResume(delayMs: number): void {
    if (this.cancelResumeTimer) return;
    this.cancelResumeTimer = this.clock.setTimer(() => {
      this.cancelResumeTimer = undefined;
      this.pump();
    }, delayMs);
  }

  /** Keeps one timer at the moment the current stall would end, while there is work. */
  private watchStall(): void {
    if (this.pending === 0 || this.probeAt !== undefined) {
      this.cancelStallTimer?.();
      this.cancelStallTimer = undefined;
      return;
    }
    if (this.cancelStallTimer) return;
    const due = this.lastProgressAt + this.options.stallTimeoutMs - this.clock.now();
    this.cancelStallTimer = this.clock.setTimer(() => {
      this.cancelStallTimer = undefined;
      if (this.pending === 0) return;
      const stalledForMs = this.clock.now() - this.lastProgressAt;
      if (stalledForMs < this.options.stallTimeoutMs) {
        this.watchStall();
        return;
      }
      // Confirmed after the I/O the event loop still holds: when this process itself was busy (a
      // long synchronous step), answers may be waiting unread, and they are progress.
      const seen = this.lastProgressAt;
      this.cancelStallTimer = this.clock.setTimer(() => {
        this.cancelStallTimer = undefined;
        if (this.pending === 0) return;
        if (this.lastProgressAt === seen) this.giveUp(this.lastFailure ?? 'no acknowledgement', stalledForMs);
        else this.watchStall();
      }, 0);
    }, due);
  }

  private wakeRoomWaiters(): void {
    if (this.roomWaiters.length === 0) return;
    if (!this.hasRoom() && this.probeAt === undefined) return;
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const wake of waiters) wake();
  }

  private settleIfIdle(): void {
    if (this.pending > 0) return;
    this.cancelResumeTimer?.();
    this.cancelResumeTimer = undefined;
    this.cancelStallTimer?.();
    this.cancelStallTimer = undefined;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}

function isOutcomeList(
  outcomes: DeliveryOutcome | readonly DeliveryOutcome[],
): outcomes is readonly DeliveryOutcome[] {
  return Array.isArray(outcomes);
}
