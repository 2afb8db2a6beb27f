/**
 * Maps over items with at most `limit` calls in flight, keeping the input order in the result.
 */
export async function mapConcurrent<TItem, TResult>(
  items: readonly TItem[],
  limit: number,
  map: (item: TItem, index: number) => Promise<TResult>,
): Promise<TResult[]> {
  const results = new Array<TResult>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await map(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
