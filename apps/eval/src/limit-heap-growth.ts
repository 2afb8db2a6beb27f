import { setFlagsFromString } from 'node:v8';
import { EvalError } from './eval-error.js';

/**
 * The heap growth a run's summary is computed under when no `--heap-growth` was chosen: reading
 * `items.jsonl` back and resampling it allocates far more short-lived data than it keeps (about
 * 100 MB live for 288,000 items), and V8's own factor let the heap reach 560 MB before collecting.
 * At 100 % (the heap at most twice what is live) the peak of `baton report` on those items fell
 * from 723 to 452 MB for the same CPU time. The turns themselves run under V8's own factor: there,
 * a limit costs CPU (see {@link limitHeapGrowth}).
 */
export const summaryHeapGrowth = 100;

/**
 * The heap growth the turns of a run that waits on a live model host run under when no
 * `--heap-growth` was chosen. There the main thread idles while calls are out, so the extra full
 * collections cost next to nothing, and V8's own factor (up to 4× what is live) is most of the
 * process's memory: on the benchmark's stub host (N = 2,000, C = 32) peak RSS 355–384 → 274–277 MB
 * for the same CPU within the machine's noise (14.1 against 14.4 s over three interleaved pairs);
 * at N = 10,000, C = 64, 514–532 → 316–318 MB. Offline and cassette-replayed runs are CPU-bound
 * and keep V8's factor (there 50 % costs about a tenth more CPU).
 */
export const liveModelHeapGrowth = 50;

/**
 * The heap growth the turns of a run start under: the one chosen, else {@link liveModelHeapGrowth}
 * when the run calls a model host live, else none (V8's own factor).
 *
 * @param options - The chosen `--heap-growth`, and whether any model (the agents', the judge, the
 *   simulated user, the embeddings) is called live rather than replayed from a cassette or not at
 *   all.
 */
export function turnsHeapGrowth(options: { chosen?: number; callsLiveModel: boolean }): number | undefined {
  return options.chosen ?? (options.callsLiveModel ? liveModelHeapGrowth : undefined);
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
