import { describe, expect, it } from 'vitest';
import { splitSentences } from './split-sentences.js';

describe('splitSentences', () => {
  it('splits lines, then sentences, trimming and dropping blank pieces', () => {
    expect(splitSentences('Hi Anna! Fees are 1.49 %.\n\n- Step one\n- Step two  ')).toEqual([
      'Hi Anna!',
      'Fees are 1.49 %.',
      '- Step one',
      '- Step two',
    ]);
  });

  it('does not split at abbreviations, decimals or menu paths', () => {
    expect(
      splitSentences(
        'Use a backup code, e.g. the first one. Go to Back Office → Payouts. It costs €0.10 each.',
      ),
    ).toEqual([
      'Use a backup code, e.g. the first one.',
      'Go to Back Office → Payouts.',
      'It costs €0.10 each.',
    ]);
  });

  it('gives nothing for blank text', () => {
    expect(splitSentences(' \r\n ')).toEqual([]);
  });
});
