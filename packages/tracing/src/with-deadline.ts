/**
 * Waits for `work` at most `timeoutMs`; resolves `true` if it settled in time, `false` otherwise
 * (the work keeps running, unobserved). Never rejects.
 *
 * The timer is deliberately not `unref`'d: a caller awaiting a shutdown at the top level of an ES
 * module would otherwise see the process exit mid-await once nothing else holds the event loop.
 */
export async function withDeadline(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
