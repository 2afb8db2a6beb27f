import { type ResampleJob, resampleClusterMeansTogether } from './cluster-bootstrap.js';

/**
 * Where a {@link ResampleTask} stands, in the first `Int32` of its `control` buffer. Whoever moves it
 * from `open` (by compare-and-exchange) computes it: the thread that submitted it (`here`) or the
 * helper (`helper`, then `helperDone` or `helperFailed`).
 */
export const taskState = {
  open: 0,
  helper: 1,
  helperDone: 2,
  here: 3,
  helperFailed: 4,
} as const;

/** A resampling job as the parallel resampler sends it to its helper thread. */
export interface ResampleTask {
  job: ResampleJob;
  /** Shared: one `Int32`, the task's {@link taskState}. */
  control: SharedArrayBuffer;
  /** Shared: receives the helper's result, each input's `resamples` means one after another. */
  output: SharedArrayBuffer;
}

/**
 * The helper's side of a task: takes it unless the submitting thread has, resamples it into the
 * shared output, and marks it done (or failed) for the thread that may be waiting on it.
 *
 * @example
 * ```ts
 * parentPort.on('message', runResampleTask);
 * ```
 */
export function runResampleTask(task: ResampleTask): void {
  const state = new Int32Array(task.control);
  if (Atomics.compareExchange(state, 0, taskState.open, taskState.helper) !== taskState.open) return;
  let done: number = taskState.helperDone;
  try {
    const means = resampleClusterMeansTogether(task.job.inputs, task.job);
    const output = new Float64Array(task.output);
    for (const [index, sorted] of means.entries()) output.set(sorted, index * task.job.resamples);
  } catch {
    // The submitting thread computes it itself: the same numbers, and its own error if any.
    done = taskState.helperFailed;
  }
  Atomics.store(state, 0, done);
  Atomics.notify(state, 0);
}
