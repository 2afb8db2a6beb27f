/**
 * Maps over items with at most `limit` calls in flight, keeping the input order in the result. If a
 * call rejects, no new call starts, the calls in flight are still awaited (none is left running
 * unobserved), and the first rejection is rethrown.
 */
export async function mapConcurrent<TItem, TResult>(
  items: readonly TItem[],
  limit: number,
  map: (item: TItem, index: number) => Promise<TResult>,
): Promise<TResult[]> {
  const results = new Array<TResult>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const index = next;
      next += 1;
      try {
        results[index] = await map(items[index]!, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const settled = await Promise.allSettled(
    Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker),
  );
  const rejection = settled.find((outcome) => outcome.status === 'rejected');
  if (rejection) throw rejection.reason;
  return results;
}
