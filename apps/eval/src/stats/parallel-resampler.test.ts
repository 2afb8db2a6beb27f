import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type ClusterSums,
  type ResampleJob,
  resampleClusterMeansTogether,
  sumByCluster,
} from './cluster-bootstrap.js';
import {
  createParallelResampler,
  type ParallelResampler,
  type ResampleHelper,
  startResampleWorker,
} from './parallel-resampler.js';
import { type ResampleTask, runResampleTask, taskState } from './resample-task.js';
import { SeededRandom } from './seeded-random.js';

/** A job of `rows` inputs over `clusters` conversations, some of several turns, from `seed`. */
function job(seed: number, clusters: number, rows: number, resamples = 200): ResampleJob {
  const random = new SeededRandom(seed);
  const inputs: ClusterSums[] = [];
  for (let row = 0; row < rows; row++) {
    const items = [];
    for (let cluster = 0; cluster < clusters; cluster++) {
      const turns = 1 + (cluster % 3 === 0 ? random.nextInt(3) : 0);
      for (let turn = 0; turn < turns; turn++)
        items.push({ cluster: `c${cluster}`, value: random.nextFloat() });
    }
    inputs.push(sumByCluster(items));
  }
  return { inputs, resamples, seed: seed * 7 };
}

const jobs = [job(1, 40, 3), job(2, 25, 1), job(3, 40, 2), job(4, 60, 4), job(5, 10, 2)];
const expected = jobs.map((each) => resampleClusterMeansTogether(each.inputs, each));

/** A helper run by hand: tasks wait in `sent` until the test runs (or breaks) them. */
function handHelper(): ResampleHelper & { sent: ResampleTask[]; terminated: boolean } {
  return {
    sent: [],
    terminated: false,
    postMessage(task) {
      this.sent.push(task);
    },
    async terminate() {
      this.terminated = true;
    },
  };
}

let open: ParallelResampler[] = [];
afterEach(async () => {
  await Promise.all(open.map((resampler) => resampler.close()));
  open = [];
});
function resamplerWith(helper: ResampleHelper, patienceMs?: number): ParallelResampler {
  const resampler = createParallelResampler({
    minDraws: 0,
    startHelper: () => helper,
    ...(patienceMs === undefined ? {} : { patienceMs }),
  });
  open.push(resampler);
  return resampler;
}

describe('createParallelResampler', () => {
  it('reads the jobs the helper finished from its output, the same means as computed here', () => {
    const helper = handHelper();
    const resampler = resamplerWith(helper);
    const results = jobs.map((each) => resampler.submit(each));
    // This thread took one earlier job per submit; the helper does the rest.
    for (const task of helper.sent) runResampleTask(task);
    expect(results.map((result) => result())).toEqual(expected);
    expect(resampler.computed.here + resampler.computed.helper).toBe(jobs.length);
    expect(resampler.computed.helper).toBeGreaterThan(0);
    expect(resampler.failure).toBeUndefined();
  });

  it('takes on each submit the oldest earlier job the helper has not started, and leaves it the newest', () => {
    const helper = handHelper();
    const resampler = resamplerWith(helper);
    const results = [];
    for (const [index, each] of jobs.entries()) {
      results.push(resampler.submit(each));
      // A helper that never starts: this thread has done every job but the newest so far.
      expect(resampler.computed.here).toBe(index);
    }
    expect(helper.sent).toHaveLength(jobs.length);
    expect(results.map((result) => result())).toEqual(expected);
    expect(resampler.computed).toEqual({ here: jobs.length, helper: 0 });
    // The helper finds every task taken and leaves the outputs alone.
    for (const task of helper.sent) runResampleTask(task);
    expect(helper.sent.map((task) => new Int32Array(task.control)[0])).toEqual(
      jobs.map(() => taskState.here),
    );
  });

  it('computes here a job the helper failed, and says so', () => {
    const helper = handHelper();
    const resampler = resamplerWith(helper);
    const result = resampler.submit(jobs[0]!);
    const state = new Int32Array(helper.sent[0]!.control);
    Atomics.store(state, 0, taskState.helperFailed);
    expect(result()).toEqual(expected[0]);
    expect(resampler.failure?.message).toMatch(/failed a job/);
    // Later jobs are not sent to it.
    expect(resampler.submit(jobs[1]!)()).toEqual(expected[1]);
    expect(helper.sent).toHaveLength(1);
  });

  it('stops waiting for a job the helper started but never finished, and computes it here', () => {
    const helper = handHelper();
    const resampler = resamplerWith(helper, 1);
    // The helper takes each job as it comes (so this thread finds none open) and then goes silent.
    const first = resampler.submit(jobs[0]!);
    Atomics.store(new Int32Array(helper.sent[0]!.control), 0, taskState.helper);
    const second = resampler.submit(jobs[1]!);
    Atomics.store(new Int32Array(helper.sent[1]!.control), 0, taskState.helper);
    expect(first()).toEqual(expected[0]);
    expect(resampler.failure?.message).toMatch(/did not finish a job within 1 ms/);
    expect(second()).toEqual(expected[1]);
    expect(resampler.computed).toEqual({ here: 2, helper: 0 });
  });

  it('computes here the jobs below minDraws, and everything when the helper cannot start', () => {
    let starts = 0;
    const small = createParallelResampler({
      minDraws: 1e9,
      startHelper: () => {
        starts += 1;
        return handHelper();
      },
    });
    open.push(small);
    expect(jobs.map((each) => small.submit(each)())).toEqual(expected);
    expect(starts).toBe(0);

    const broken = createParallelResampler({
      minDraws: 0,
      startHelper: () => {
        throw new Error('no threads here');
      },
    });
    open.push(broken);
    expect(jobs.map((each) => broken.submit(each)())).toEqual(expected);
    expect(broken.failure?.message).toBe('no threads here');
  });

  it('stops its helper on close and computes later jobs here', async () => {
    const helper = handHelper();
    const resampler = resamplerWith(helper);
    resampler.submit(jobs[0]!);
    await resampler.close();
    expect(helper.terminated).toBe(true);
    expect(resampler.submit(jobs[1]!)()).toEqual(expected[1]);
    expect(helper.sent).toHaveLength(1);
  });

  it('reads a job its worker thread did from shared memory', async () => {
    const sent: ResampleTask[] = [];
    const resampler = createParallelResampler({
      minDraws: 0,
      startHelper: (onError) => {
        const worker = startResampleWorker(onError);
        return {
          postMessage: (task) => {
            sent.push(task);
            worker.postMessage(task);
          },
          terminate: () => worker.terminate(),
        };
      },
    });
    open.push(resampler);
    const result = resampler.submit(jobs[3]!);
    // Only reading the result would take the job here: wait (without reading) until the worker has
    // done it. The bound only stops a broken worker from hanging the suite.
    const state = new Int32Array(sent[0]!.control);
    await vi.waitFor(() => expect(Atomics.load(state, 0)).toBe(taskState.helperDone), {
      timeout: 60_000,
      interval: 20,
    });
    expect(result()).toEqual(expected[3]);
    expect(resampler.computed).toEqual({ here: 0, helper: 1 });
    expect(resampler.failure).toBeUndefined();
  });

  it('gives the same means with its worker thread as computed here', async () => {
    const resampler = createParallelResampler({ minDraws: 0 });
    open.push(resampler);
    const many = Array.from({ length: 12 }, (_, index) => job(100 + index, 300, 3, 500));
    const results = many.map((each) => resampler.submit(each));
    expect(results.map((result) => result())).toEqual(
      many.map((each) => resampleClusterMeansTogether(each.inputs, each)),
    );
    expect(resampler.computed.here + resampler.computed.helper).toBe(many.length);
    expect(resampler.failure).toBeUndefined();
  });
});
