import { Worker } from 'node:worker_threads';
import { workerEntry } from '../worker-entry.js';
import {
  type ClusterSums,
  type ResampleJob,
  type Resampler,
  resampleClusterMeansTogether,
} from './cluster-bootstrap.js';
import { type ResampleTask, taskState } from './resample-task.js';

/** What the parallel resampler needs of its helper thread: a `Worker`, or a stand-in in tests. */
export interface ResampleHelper {
  postMessage(task: ResampleTask): void;
  terminate(): Promise<unknown>;
}

/** Options of {@link createParallelResampler}. */
export interface ParallelResamplerOptions {
  /**
   * Jobs of fewer draws (resamples × the inputs' clusters) are computed at once on this thread: a
   * helper costs a thread start (tens of ms of CPU) and a copy of the sums. Default 20,000,000
   * (about 0.15 s of draws: 10,000 turns of one strategy at 2,000 resamples); smaller runs' summaries
   * gained nothing measurable from the helper.
   */
  minDraws?: number;
  /**
   * How long this thread waits for a job the helper has started before it computes the job itself
   * and stops using the helper (a helper that died mid-job never says so to a thread that is
   * waiting). Default 10 s; the result is the same either way.
   */
  patienceMs?: number;
  /** Starts the helper; `onError` hears of its failure. Default: a worker thread. */
  startHelper?: (onError: (error: Error) => void) => ResampleHelper;
}

/** A {@link Resampler} that shares the work with a helper thread. */
export interface ParallelResampler extends Resampler {
  /** Jobs computed so far on this thread and by the helper. */
  readonly computed: { readonly here: number; readonly helper: number };
  /** Why the helper stopped being used, if it did (the jobs were then computed here). */
  readonly failure: Error | undefined;
  /** Stops the helper. Jobs submitted afterwards are computed here. */
  close(): Promise<void>;
}

interface Pending {
  /** Dropped once the job is computed: its sums are the large part. */
  job: ResampleJob | undefined;
  /** The job's shape, kept for reading the helper's output after the job is dropped. */
  resamples: number;
  inputCount: number;
  state: Int32Array;
  output: SharedArrayBuffer;
  result: Float64Array[] | undefined;
}

/**
 * A resampler that runs jobs on this thread and on one helper thread side by side, for a summary
 * whose bootstraps take seconds (300,000 items: about half of `baton report`'s time). Each job goes
 * to the helper as it is submitted; this thread then computes the oldest earlier job the helper has
 * not started, so the two share the jobs without a scheduler, and at most two or three jobs' sums
 * wait at once. Reading a job's result waits only for a job the helper has started; one it has not
 * is computed here. Every result is `resampleClusterMeansTogether`'s for the job, wherever it ran,
 * so the summary is the same, bit for bit, as with the inline resampler.
 *
 * The waiting is synchronous (`Atomics.wait`), so the summary code stays synchronous: nothing else
 * runs on this thread while a summary is being built anyway. A helper that fails to start, fails a
 * job or stops answering costs time, never a result: its jobs are computed here (see `failure`).
 *
 * @example
 * ```ts
 * const resampler = createParallelResampler();
 * try {
 *   buildRunSummary({ ...input, resampler });
 * } finally {
 *   await resampler.close();
 * }
 * ```
 */
export function createParallelResampler(options: ParallelResamplerOptions = {}): ParallelResampler {
  const minDraws = options.minDraws ?? 20_000_000;
  const patienceMs = options.patienceMs ?? 10_000;
  const startHelper = options.startHelper ?? startResampleWorker;
  let helper: ResampleHelper | undefined;
  let failure: Error | undefined;
  let closed = false;
  /** Jobs sent to the helper whose sums may still be needed here. */
  let waiting: Pending[] = [];
  const computed = { here: 0, helper: 0 };

  const computeHere = (job: ResampleJob): Float64Array[] => {
    computed.here += 1;
    return resampleClusterMeansTogether(job.inputs, job);
  };
  const settle = (pending: Pending, result: Float64Array[]): Float64Array[] => {
    pending.result = result;
    pending.job = undefined;
    return result;
  };
  const readHelperOutput = (pending: Pending): Float64Array[] => {
    computed.helper += 1;
    const { output, resamples, inputCount } = pending;
    return Array.from(
      { length: inputCount },
      (_, index) => new Float64Array(output, index * resamples * 8, resamples),
    );
  };
  /**
   * Computes here the oldest waiting job the helper has not started, other than `except`; says
   * whether there was one. Jobs the helper has finished let go of their sums on the way (the
   * result is in the shared output).
   */
  const takeOneOpen = (except: Pending): boolean => {
    let took = false;
    for (const earlier of waiting) {
      if (earlier === except || earlier.job === undefined) continue;
      const state = Atomics.load(earlier.state, 0);
      if (state === taskState.helperDone) earlier.job = undefined;
      else if (
        !took &&
        state === taskState.open &&
        Atomics.compareExchange(earlier.state, 0, taskState.open, taskState.here) === taskState.open
      ) {
        settle(earlier, computeHere(earlier.job));
        took = true;
      }
    }
    waiting = waiting.filter((earlier) => earlier.job !== undefined);
    return took;
  };
  const result = (pending: Pending): Float64Array[] => {
    if (pending.result !== undefined) return pending.result;
    let waited = 0;
    for (;;) {
      const state = Atomics.compareExchange(pending.state, 0, taskState.open, taskState.here);
      if (state === taskState.open) return settle(pending, computeHere(pending.job!));
      if (state === taskState.helperDone) return settle(pending, readHelperOutput(pending));
      if (state === taskState.helperFailed) {
        failure ??= new Error('the resampling helper failed a job');
        return settle(pending, computeHere(pending.job!));
      }
      // Gave up on the helper already (another job): no more waiting for it.
      if (failure !== undefined) return settle(pending, computeHere(pending.job!));
      if (waited >= patienceMs) {
        failure ??= new Error(`the resampling helper did not finish a job within ${patienceMs} ms`);
        return settle(pending, computeHere(pending.job!));
      }
      // While the helper works on this one, this thread does any job it has not started.
      if (takeOneOpen(pending)) continue;
      const slice = Math.min(1000, patienceMs - waited);
      Atomics.wait(pending.state, 0, taskState.helper, slice);
      waited += slice;
    }
  };

  return {
    computed,
    get failure() {
      return failure;
    },
    submit(job) {
      let draws = 0;
      for (const input of job.inputs) draws += input.sums.length;
      draws *= job.resamples;
      if (closed || failure !== undefined || draws < minDraws) {
        const means = computeHere(job);
        return () => means;
      }
      if (helper === undefined) {
        try {
          helper = startHelper((error) => {
            failure ??= error;
          });
        } catch (error) {
          failure = error instanceof Error ? error : new Error(String(error));
          const means = computeHere(job);
          return () => means;
        }
      }
      // The sums go over in shared memory: a message's copy would wait in the helper's queue,
      // one per job, until the helper got to it (30-45 MB more at the peak of a 300,000-item summary).
      const shared: ResampleJob = { ...job, inputs: job.inputs.map(inSharedMemory) };
      const pending: Pending = {
        job: shared,
        resamples: job.resamples,
        inputCount: job.inputs.length,
        state: new Int32Array(new SharedArrayBuffer(4)),
        output: new SharedArrayBuffer(8 * job.resamples * job.inputs.length),
        result: undefined,
      };
      helper.postMessage({
        job: shared,
        control: pending.state.buffer as SharedArrayBuffer,
        output: pending.output,
      });
      // This thread's share: the oldest earlier job the helper has not started.
      takeOneOpen(pending);
      waiting.push(pending);
      return () => result(pending);
    },
    async close() {
      closed = true;
      await helper?.terminate();
    },
  };
}

function inSharedMemory(input: ClusterSums): ClusterSums {
  const share = (values: Float64Array): Float64Array => {
    if (values.buffer instanceof SharedArrayBuffer) return values;
    const copy = new Float64Array(new SharedArrayBuffer(values.byteLength));
    copy.set(values);
    return copy;
  };
  return { ...input, sums: share(input.sums), counts: share(input.counts) };
}

/**
 * The default helper of {@link createParallelResampler}: a worker thread running `resample-worker`,
 * which does not keep the process alive.
 *
 * @param onError - Hears of the worker's failure (its jobs are then computed where they were
 *   submitted), instead of an uncaught `'error'` event.
 */
export function startResampleWorker(onError: (error: Error) => void): ResampleHelper {
  const entry = workerEntry(import.meta.url, './resample-worker');
  const worker = new Worker(entry.script, { eval: entry.eval });
  worker.unref();
  worker.on('error', onError);
  return worker;
}
