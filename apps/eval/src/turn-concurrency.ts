/**
 * Turns in flight by default when a run calls a host live (the agents' model, the judge, the
 * simulated user, the embeddings, or a deployed A2A delegate): a host's rate limit, not the
 * harness, sets the pace there, and `--host-concurrency` defaults to this.
 */
export const liveHostConcurrency = 8;

/**
 * Turns in flight by default when nothing is called live (retrieval agents, or every model call
 * replayed from a cassette). Such a run is CPU-bound on the main thread while the text scores are
 * computed in the scoring workers; with only 8 turns in flight every one of them soon waits on a
 * score and the main thread idles. On the default offline suite (3,440 items plus the profiling
 * pass's 1,568, 2-core machine, three interleaved rounds) the wall time was 7.9–10.1 s at 8,
 * 7.6–9.6 s at 32 and 6.9–7.6 s at 128; three more rounds gave 6.1–7.9 s at 128, 6.3–7.7 at 256
 * and 6.3–7.9 at 1,024 (whose in-flight turns only add memory). The items and the summary are the
 * same whatever the concurrency.
 */
export const offlineConcurrency = 128;

/**
 * The turns a run keeps in flight: the one chosen (`--concurrency`), else
 * {@link liveHostConcurrency} when the run calls a host live, else {@link offlineConcurrency}.
 *
 * @param options - The chosen concurrency, and whether any turn waits on a live host.
 * @returns Turns in flight, end to end.
 *
 * @example
 * ```ts
 * turnConcurrency({ callsLiveHost: false }); // 128
 * turnConcurrency({ chosen: 4, callsLiveHost: false }); // 4
 * ```
 */
export function turnConcurrency(options: { chosen?: number; callsLiveHost: boolean }): number {
  return options.chosen ?? (options.callsLiveHost ? liveHostConcurrency : offlineConcurrency);
}
