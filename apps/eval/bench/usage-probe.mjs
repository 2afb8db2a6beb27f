// Loaded with `node --import` into a measured `baton` process: samples its resident memory while
// it runs and, as it exits, writes its CPU time, peak RSS (the kernel's high-water mark) and the
// samples to the file named by BATON_BENCH_USAGE_FILE. Plain JavaScript: the measured process runs
// the compiled CLI, without tsx.
import { readFileSync, writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = process.env.BATON_BENCH_USAGE_FILE;
// Worker threads inherit the `--import`: only the main thread reports. Its figures are the whole
// process's anyway (CPU time and RSS cover every thread).
if (file && isMainThread) {
  const started = performance.now();
  const samples = [];
  const sample = () => samples.push([Math.round(performance.now() - started), process.memoryUsage.rss()]);
  const timer = setInterval(sample, Number(process.env.BATON_BENCH_SAMPLE_MS ?? '250'));
  timer.unref();
  process.on('exit', () => {
    clearInterval(timer);
    sample();
    const cpu = process.cpuUsage();
    writeFileSync(
      file,
      JSON.stringify({
        userMs: cpu.user / 1000,
        systemMs: cpu.system / 1000,
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
        mainThreadMs: mainThreadMs(),
        samples,
      }),
    );
  });
}

/**
 * The main thread's own CPU time (Linux: the scheduler's nanoseconds on a CPU, from
 * /proc/thread-self/schedstat, read on the main thread), or undefined elsewhere. The rest of the
 * process's CPU is the scoring worker's and V8's background threads' (compilation, garbage
 * collection).
 */
function mainThreadMs() {
  try {
    const onCpu = Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
    return Number.isFinite(onCpu) ? onCpu / 1e6 : undefined;
  } catch {
    return undefined;
  }
}
