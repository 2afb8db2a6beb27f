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

  it('keeps a title and a German day number with the words after them', () => {
    expect(splitSentences('Dr. Smith will call you. Hola Sr. García. Thanks!')).toEqual([
      'Dr. Smith will call you.',
      'Hola Sr. García.',
      'Thanks!',
    ]);
    expect(splitSentences('Wir zahlen am 3. Juni aus. Der Betrag ist 12. Danke.')).toEqual([
      'Wir zahlen am 3. Juni aus.',
      'Der Betrag ist 12.',
      'Danke.',
    ]);
    expect(splitSentences('No. That is not possible.')).toEqual(['No.', 'That is not possible.']);
    // A unit after a number is no title: "ms." and "hr." still end a sentence there.
    expect(splitSentences('The timeout is 500 ms. Restart the app.')).toEqual([
      'The timeout is 500 ms.',
      'Restart the app.',
    ]);
    expect(splitSentences('It takes about 1 hr. Then it syncs.')).toEqual([
      'It takes about 1 hr.',
      'Then it syncs.',
    ]);
  });

  it('keeps a list item’s number with its step', () => {
    expect(splitSentences('Two steps:\n1. Open Settings.\n2) Tap Payouts. Then confirm.\nb. Done.')).toEqual([
      'Two steps:',
      '1. Open Settings.',
      '2) Tap Payouts.',
      'Then confirm.',
      'b. Done.',
    ]);
    // Only at a line's start: inside a line the number may end a sentence after an abbreviation.
    expect(splitSentences('Open it. 2. Tap Save.')).toEqual(['Open it.', '2.', 'Tap Save.']);
    expect(splitSentences('The fee is approx. 15. Then tap Save.')).toEqual([
      'The fee is approx.',
      '15.',
      'Then tap Save.',
    ]);
  });

  it('gives nothing for blank text', () => {
    expect(splitSentences(' \r\n ')).toEqual([]);
  });
});
