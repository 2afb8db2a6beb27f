import { availableParallelism } from 'node:os';
import { type ResourceLimits, Worker } from 'node:worker_threads';
import type { NuggetMatchResult } from '@baton/core/facts';
import { EvalError } from '../eval-error.js';
import { workerEntry } from '../worker-entry.js';
import type { TextScoreJob, TextScoreReply, TextScoreTask } from './text-score-worker.js';
import { memoizeTextScoring, type TextScores, type TextScoring } from './text-scoring.js';

/** Options of {@link createTextScorePool}. */
export interface TextScorePoolOptions {
  /** Worker threads; at least 1 (use `inlineTextScoring` for none). */
  threads: number;
  /**
   * Limits of each worker's V8 heap (`worker_threads`' own option). A worker that outgrows them
   * ends with an error, which fails its pending scores and the pool's later ones. Default: V8's.
   */
  resourceLimits?: ResourceLimits;
}

/**
 * The default number of scoring threads: one per core beyond the main thread (which answers turns
 * and writes results), at most 2; 0 on a one-core machine, where a worker would only add copies.
 * Two are enough because the main thread is the limit: on the LLM path of the performance bench one
 * worker is idle a third of the time while the main thread is never idle, and each worker is
 * another V8 heap (tens of MB).
 *
 * @example
 * ```ts
 * defaultScoreThreads(); // 1 on a 2-core machine
 * ```
 */
export function defaultScoreThreads(cores = availableParallelism()): number {
  return Math.max(0, Math.min(2, cores - 1));
}

interface PoolWorker {
  worker: Worker;
  pending: Map<
    number,
    { resolve: (value: TextScores | NuggetMatchResult) => void; reject: (error: Error) => void }
  >;
  /** Tasks not yet sent: everything asked of this worker in one turn of the event loop, sent as one message. */
  outbox: TextScoreTask[];
}

/**
 * Text scores computed in worker threads. The edit-rate search behind cleanup is the harness's
 * largest CPU cost per turn (a third of it on the LLM path); on the main thread it delays every
 * other turn's network callbacks. Here it runs on other cores while the main thread keeps turns in
 * flight. Each task goes to the worker with the fewest pending, the memo (shared with the inline
 * scoring) keeps repeated answers from being sent at all, and the numbers are the inline scoring's:
 * both run `computeTextScores`.
 *
 * A worker that crashes fails its pending scores and the pool's later ones with an `internal`
 * EvalError: the run stops loudly rather than losing items. Idle workers do not keep the process
 * alive; call `close()` when the run ends anyway.
 *
 * @example
 * ```ts
 * const scoring = createTextScorePool({ threads: defaultScoreThreads() });
 * try {
 *   const { cleanup, tokenF1 } = await scoring.score({ answer, reference, nuggets });
 * } finally {
 *   await scoring.close();
 * }
 * ```
 */
export function createTextScorePool(options: TextScorePoolOptions): TextScoring {
  if (!Number.isInteger(options.threads) || options.threads < 1) {
    throw new EvalError(
      'usage',
      `A text score pool needs a positive whole number of threads, got ${options.threads}.`,
    );
  }
  const workers: PoolWorker[] = [];
  let nextId = 0;
  let closed = false;
  let failure: Error | undefined;

  const rejectTasks = (entry: PoolWorker, tasks: readonly TextScoreTask[], error: Error) => {
    for (const task of tasks) {
      entry.pending.get(task.id)?.reject(error);
      entry.pending.delete(task.id);
    }
    if (entry.pending.size === 0) entry.worker.unref();
  };
  const rejectPending = (entry: PoolWorker, error: Error) => {
    for (const { reject } of entry.pending.values()) reject(error);
    entry.pending.clear();
  };
  // One failed worker fails the pool: the run stops rather than scoring on with fewer threads.
  const fail = (entry: PoolWorker, error: Error) => {
    failure ??= error;
    rejectPending(entry, error);
  };

  const start = workerEntry(import.meta.url, './text-score-worker');
  for (let index = 0; index < options.threads; index++) {
    const worker = new Worker(start.script, {
      eval: start.eval,
      ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
    });
    const entry: PoolWorker = { worker, pending: new Map(), outbox: [] };
    // Idle workers must not keep the process alive: ref'd only while tasks are out.
    worker.unref();
    worker.on('message', (replies: readonly TextScoreReply[]) => {
      for (const reply of replies) {
        const waiting = entry.pending.get(reply.id);
        if (!waiting) continue;
        entry.pending.delete(reply.id);
        if ('error' in reply) waiting.reject(new EvalError('internal', `Scoring failed: ${reply.error}`));
        else waiting.resolve(reply.value);
      }
      if (entry.pending.size === 0) worker.unref();
    });
    worker.on('error', (error) =>
      fail(entry, new EvalError('internal', `A scoring worker crashed: ${error.message}`, { cause: error })),
    );
    worker.on('exit', (code) => {
      if (!closed) fail(entry, new EvalError('internal', `A scoring worker exited with code ${code}.`));
    });
    workers.push(entry);
  }

  const run = <T extends TextScores | NuggetMatchResult>(job: TextScoreJob): Promise<T> => {
    if (closed) return Promise.reject(new EvalError('internal', 'The text score pool is closed.'));
    if (failure) return Promise.reject(failure);
    let target = workers[0]!;
    for (const entry of workers) if (entry.pending.size < target.pending.size) target = entry;
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      target.pending.set(id, { resolve: resolve as (value: TextScores | NuggetMatchResult) => void, reject });
      if (target.pending.size === 1) target.worker.ref();
      target.outbox.push({ ...job, id });
      // One message per worker per turn of the event loop, sent once this turn's callbacks are
      // done: a message costs both threads a wake-up and a dispatch whatever it carries, and the
      // turns that finish in one turn of the loop ask for several scores each.
      if (target.outbox.length === 1) setImmediate(send, target);
    });
  };
  const send = (entry: PoolWorker): void => {
    const tasks = entry.outbox;
    entry.outbox = [];
    // Closed since: close() rejected every pending score.
    if (closed) return;
    // Another worker failed since (this one's own failure rejected its pending already): the pool
    // takes no more work, as `run` does, so the tasks held back here fail too.
    if (failure) {
      rejectTasks(entry, tasks, failure);
      return;
    }
    try {
      entry.worker.postMessage(tasks);
    } catch (error) {
      // A task that cannot be copied to the worker (it is plain data, so this is a bug): its batch
      // fails with it, here rather than as an uncaught exception of a later turn of the loop.
      const reason = error instanceof Error ? error.message : String(error);
      rejectTasks(entry, tasks, new EvalError('internal', `Scoring failed: ${reason}`, { cause: error }));
    }
  };

  const memoized = memoizeTextScoring({
    score: (request) => run<TextScores>({ kind: 'text', request }),
    matchNuggets: (answer, nuggets) => run<NuggetMatchResult>({ kind: 'nuggets', answer, nuggets }),
  });
  return {
    ...memoized,
    threads: options.threads,
    async close() {
      if (closed) return;
      closed = true;
      const error = new EvalError('internal', 'The text score pool was closed with scores pending.');
      for (const entry of workers) rejectPending(entry, error);
      await Promise.all(workers.map((entry) => entry.worker.terminate()));
    },
  };
}
