import { readFileSync } from 'node:fs';
import { eng } from 'stopword';
import { describe, expect, it } from 'vitest';
import { renderStopWordTable, stopWordTableFile } from '../scripts/stop-word-table.js';
import { isStopWord } from '../src/facts/fact-tokens.js';

describe('the stop-word table', () => {
  it('is what the script renders from the installed stopword package (run generate:stop-words after an upgrade)', async () => {
    expect(readFileSync(stopWordTableFile, 'utf8')).toBe(await renderStopWordTable());
  });

  it('is what fact matching reads', () => {
    expect(eng.every((word) => isStopWord(word))).toBe(true);
    expect(isStopWord('refund')).toBe(false);
  });
});
