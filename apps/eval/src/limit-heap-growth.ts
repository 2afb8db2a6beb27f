import { setFlagsFromString } from 'node:v8';
import type { ResourceLimits } from 'node:worker_threads';
import { EvalError } from './eval-error.js';

/**
 * The heap growth a run's summary is computed under when no `--heap-growth` was chosen: reading
 * `items.jsonl` back and resampling it allocates far more short-lived data than it keeps (~60 MB
 * live for 300,000 items), and V8's own factor let the heap reach 560 MB before collecting. At
 * 100 % (the heap at most twice what is live) the peak of `baton report` on 288,000 items fell
 * from 723 to 452 MB for the same CPU time. Since the summary sums its turns without an object per
 * turn and metric (2026-12-05), 50 % costs no more time than 100 either: `baton report` on 300,000
 * items, two interleaved pairs of one build, peak 346 / 351 against 420 / 430 MB in 38.9 / 41.2
 * against 42.7 / 40.3 s. For the summary of a run whose turns ran under V8's own factor; one whose
 * turns ran under a growth keeps it.
 */
export const summaryHeapGrowth = 50;

/**
 * The heap growth the turns of a run that waits on a live model host run under when no
 * `--heap-growth` was chosen. There the main thread idles while calls are out, so the extra full
 * collections cost next to nothing, and V8's own factor (up to 4× what is live) is most of the
 * process's memory: on the benchmark's stub host (N = 2,000, C = 32) peak RSS 355–384 → 274–277 MB
 * for the same CPU within the machine's noise (14.1 against 14.4 s over three interleaved pairs);
 * at N = 10,000, C = 64, 514–532 → 316–318 MB. Offline and cassette-replayed runs are CPU-bound,
 * where 50 % costs CPU: only those over large data files get it (see {@link largeDatasetHeapGrowth}).
 */
export const liveModelHeapGrowth = 50;

/**
 * The size of the data files from which an offline run's turns start under
 * {@link largeDatasetHeapGrowth}: 10 MB, about 10,000 conversations like the support corpus's
 * (whose 1,128 take 1.2 MB). What a run keeps alive does not grow with its length (~80 MB on the
 * main thread, ~22 MB in the scoring worker, from the first minute of a 20,000-conversation run to
 * its last turns), but V8's own factor lets the heap climb to four times that over the first
 * minutes, so a long run's memory is mostly garbage not yet collected.
 */
export const largeDatasetBytes = 10 * 1024 * 1024;

/**
 * The heap growth the turns of an offline run over a large dataset ({@link largeDatasetBytes})
 * run under when no `--heap-growth` was chosen. Such a run is long, and flat memory is worth its
 * price there: on a 20,000-conversation file (21 MB, `route-lexical`, two interleaved pairs) peak
 * RSS 583–613 → 354–355 MB for 4–10 % more wall time (13–17 % more CPU; the extra collections run
 * partly on V8's background threads). A small run (the default suite) keeps V8's own factor and
 * its speed.
 */
export const largeDatasetHeapGrowth = 50;

/**
 * The heap growth the turns of a run start under: the one chosen, else {@link liveModelHeapGrowth}
 * when the run calls a model host live, else {@link largeDatasetHeapGrowth} when its data files
 * hold {@link largeDatasetBytes} or more, else none (V8's own factor).
 *
 * @param options - The chosen `--heap-growth`; whether any model (the agents', the judge, the
 *   simulated user, the embeddings) is called live rather than replayed from a cassette or not at
 *   all; and the size of the data files the run reads (unknown for a Langfuse dataset).
 */
export function turnsHeapGrowth(options: {
  chosen?: number;
  callsLiveModel: boolean;
  datasetBytes?: number;
}): number | undefined {
  if (options.chosen !== undefined) return options.chosen;
  if (options.callsLiveModel) return liveModelHeapGrowth;
  if (options.datasetBytes !== undefined && options.datasetBytes >= largeDatasetBytes)
    return largeDatasetHeapGrowth;
  return undefined;
}

/**
 * The young generation, in MB, of the scoring workers of a run whose turns run under a heap growth
 * (chosen, or by default: see {@link turnsHeapGrowth}); V8 gives a worker 32 (two 16 MB
 * semi-spaces, every page of which a long run touches). A scoring task's garbage is dead before
 * the next task, so a small young generation collects it about as well: on the benchmark's stub
 * host (N = 2,000, C = 32, three interleaved pairs) peak RSS 261–273 → 231–246 MB for the same CPU
 * and wall time within the noise; on an offline run over 10,000 generated conversations the
 * worker's heap went from 75 to 45–49 MB (peak RSS 328–338 → 307–308 MB). It is not free where the
 * worker is busy: the default offline run took 4–10 % more wall time with it (three interleaved
 * pairs), so a run that keeps V8's own heap growth keeps V8's young generation too.
 */
export const limitedScoreWorkerYoungGenerationMb = 6;

/**
 * The heap limits of a run's scoring workers: a young generation of
 * {@link limitedScoreWorkerYoungGenerationMb} when the turns run under a heap growth, else V8's
 * own (`undefined`).
 *
 * @param heapGrowth - The growth the turns run under ({@link turnsHeapGrowth}), if any.
 * @example
 * ```ts
 * scoreWorkerLimits(50); // { maxYoungGenerationSizeMb: 6 }
 * scoreWorkerLimits(undefined); // undefined
 * ```
 */
export function scoreWorkerLimits(heapGrowth: number | undefined): ResourceLimits | undefined {
  return heapGrowth === undefined
    ? undefined
    : { maxYoungGenerationSizeMb: limitedScoreWorkerYoungGenerationMb };
}

/**
 * Caps how far V8 lets the heap grow past what is live before its next full collection, for the
 * whole process (main thread and workers), from now on: V8's `--heap-growing-percent`, which it
 * reads at every full collection, so it applies to a process already running. By default V8 picks
 * the factor itself, up to 4× what is live when memory is plentiful, which is most of a long run's
 * resident memory: live data stays near 100 MB while the heap grows to several hundred.
 *
 * Measured on a generated file of 30,000 one-turn conversations (`route-lexical`): peak RSS 718 →
 * 421 MB with 50 %, flat over the run instead of climbing, for about 9 % more wall time.
 *
 * @param percent - An integer in 1–1000: 50 lets the heap reach 1.5× what is live.
 * @throws EvalError `usage` for anything else.
 */
export function limitHeapGrowth(percent: number): void {
  if (!Number.isInteger(percent) || percent < 1 || percent > 1000) {
    throw new EvalError(
      'usage',
      `--heap-growth must be an integer from 1 to 1000 (percent), got ${percent}.`,
    );
  }
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
