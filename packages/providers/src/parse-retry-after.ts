/** The part of `Headers` we read, so plain objects and SDK headers both fit. */
export interface HeaderReader {
  get(name: string): string | null;
}

/**
 * How long the host asked us to wait, in milliseconds: `retry-after-ms` (OpenAI and Azure send it)
 * wins over `Retry-After`, which may be seconds or an HTTP date. Undefined when neither is usable.
 *
 * @param headers - The response headers.
 * @param now - The current time in ms since the epoch, for HTTP dates.
 */
export function parseRetryAfter(
  headers: HeaderReader | undefined,
  now: number = Date.now(),
): number | undefined {
  if (headers === undefined) return undefined;
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds !== null && milliseconds.trim() !== '') {
    const value = Number(milliseconds);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = headers.get('retry-after');
  if (retryAfter === null || retryAfter.trim() === '') return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
