/** What the CLI knows of the stream it writes human output to (stderr). */
export interface TerminalStream {
  isTTY?: boolean;
  columns?: number;
}

/** Width assumed when stderr is not a terminal (a CI log) and `COLUMNS` does not say. */
export const defaultWidth = 100;

/**
 * The width human output is laid out for: the terminal's columns, or `COLUMNS`, or
 * {@link defaultWidth} when stderr is not a terminal.
 *
 * @param stream - stderr.
 * @param env - The environment (`COLUMNS`).
 */
export function terminalWidth(stream: TerminalStream, env: Record<string, string | undefined>): number {
  if (stream.isTTY && typeof stream.columns === 'number' && stream.columns > 0) return stream.columns;
  const columns = Number(env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? columns : defaultWidth;
}

/**
 * Whether to colour human output, as Node itself decides: `FORCE_COLOR` wins (`0` or `false` turn
 * colour off, anything else on), then `NO_COLOR` (set and not empty: off, see no-color.org), then
 * whether stderr is a terminal that is not `TERM=dumb`.
 *
 * @param stream - stderr.
 * @param env - The environment.
 */
export function useColor(stream: TerminalStream, env: Record<string, string | undefined>): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}
