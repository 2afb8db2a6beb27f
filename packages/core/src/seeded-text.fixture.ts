/**
 * A deterministic text of `length` words drawn from `words` (a linear congruential stream from
 * `seed`): test articles and queries that share a small vocabulary, so that terms overlap a lot.
 */
export function seededText(words: readonly string[], seed: number, length: number): string {
  const picked: string[] = [];
  let state = seed;
  for (let index = 0; index < length; index += 1) {
    state = (state * 1103515245 + 12345) % 2147483648;
    picked.push(words[state % words.length]!);
  }
  return picked.join(' ');
}
