let counter = 0;
// A per-process random prefix keeps ids unique across processes (shards) while the counter keeps them
// cheap: ids are made several times per delegation on the hot path.
const processPrefix = Math.floor(Math.random() * 36 ** 6)
  .toString(36)
  .padStart(6, '0');

/**
 * A short unique id such as `del-k3x9a1-42`, used for events and records.
 *
 * @param prefix - what the id names (`turn`, `del`, `att`, `run`, `call`…)
 */
export function createId(prefix: string): string {
  counter += 1;
  return `${prefix}-${processPrefix}-${counter.toString(36)}`;
}
