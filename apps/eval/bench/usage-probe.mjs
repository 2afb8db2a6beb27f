// Loaded with `node --import` into a measured `baton` process: samples its resident memory while
// it runs and, as it exits, writes its CPU time, peak RSS (the kernel's high-water mark) and the
// samples to the file named by BATON_BENCH_USAGE_FILE. Plain JavaScript: the measured process runs
// the compiled CLI, without tsx.
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { BroadcastChannel, isMainThread } from 'node:worker_threads';

const file = process.env.BATON_BENCH_USAGE_FILE;
// Worker threads inherit the `--import`. The main thread reports (its figures are the whole
// process's: CPU time and RSS cover every thread); a worker only says which thread it is, so the
// report can tell the scoring workers' CPU from V8's and libuv's background threads'.
const channelName = 'baton-bench-usage-probe';
if (file && !isMainThread) {
  const tid = threadId();
  if (tid !== undefined) {
    const channel = new BroadcastChannel(channelName);
    channel.postMessage(tid);
    channel.close();
  }
}
if (file && isMainThread) {
  const started = performance.now();
  const samples = [];
  const workerTids = new Set();
  const channel = new BroadcastChannel(channelName);
  channel.onmessage = (event) => workerTids.add(String(event.data));
  channel.unref();
  const sample = () => samples.push([Math.round(performance.now() - started), process.memoryUsage.rss()]);
  const timer = setInterval(sample, Number(process.env.BATON_BENCH_SAMPLE_MS ?? '250'));
  timer.unref();
  process.on('exit', () => {
    clearInterval(timer);
    sample();
    const cpu = process.cpuUsage();
    const main = mainThreadMs();
    const background = main === undefined ? undefined : backgroundThreadsMs(workerTids);
    writeFileSync(
      file,
      JSON.stringify({
        userMs: cpu.user / 1000,
        systemMs: cpu.system / 1000,
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
        mainThreadMs: main,
        backgroundThreadsMs: background,
        samples,
      }),
    );
  });
}

/** This thread's kernel id (Linux: /proc/thread-self links to `<pid>/task/<tid>`), or undefined. */
function threadId() {
  try {
    return readlinkSync('/proc/thread-self').split('/').pop();
  } catch {
    return undefined;
  }
}

/** A thread's CPU time so far: the scheduler's nanoseconds on a CPU, in ms (Linux only). */
function onCpuMs(path) {
  const onCpu = Number(readFileSync(path, 'utf8').split(' ')[0]);
  return Number.isFinite(onCpu) ? onCpu / 1e6 : undefined;
}

/**
 * The main thread's own CPU time (Linux: /proc/thread-self/schedstat, read on the main thread), or
 * undefined elsewhere.
 */
function mainThreadMs() {
  try {
    return onCpuMs('/proc/thread-self/schedstat');
  } catch {
    return undefined;
  }
}

/**
 * The CPU time of the threads that are neither the main thread nor a worker thread (V8's platform
 * threads: compilation and garbage collection; libuv's pool: file writes), read as the process
 * exits. They live as long as the process, so the figure is exact; the worker threads' CPU is then
 * the process's total less the main thread's and this, whether or not they are still running (a
 * thread that has ended is gone from /proc but its time stays in the process's).
 */
function backgroundThreadsMs(workerTids) {
  try {
    const self = threadId();
    let total = 0;
    for (const tid of readdirSync('/proc/self/task')) {
      if (tid === self || workerTids.has(tid)) continue;
      total += onCpuMs(`/proc/self/task/${tid}/schedstat`) ?? 0;
    }
    return total;
  } catch {
    return undefined;
  }
}
