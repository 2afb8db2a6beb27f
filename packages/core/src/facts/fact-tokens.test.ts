import { describe, expect, it } from 'vitest';
import { factTokens, foldText, isStopWord, sameWord } from './fact-tokens.js';

const values = (text: string) => factTokens(text).map((token) => token.value);

describe('factTokens', () => {
  it('marks numbers, amounts, dates and codes as key tokens and function words as stop words', () => {
    expect(factTokens('Fees: 1,49 % + €0,10 from 1 March')).toEqual([
      { value: 'fees', key: false, stop: false, boundary: 2, path: false },
      { value: '1.49', key: true, stop: false, boundary: 1, path: false },
      { value: '%', key: false, stop: false, boundary: 0, path: false },
      { value: '€', key: false, stop: false, boundary: 0, path: false },
      { value: '0.1', key: true, stop: false, boundary: 0, path: false },
      { value: 'from', key: false, stop: true, boundary: 0, path: false },
      { value: 'd0301', key: true, stop: false, boundary: 0, path: false },
    ]);
  });

  it('ends a sentence at a full stop before a space, not in an address or after an abbreviation', () => {
    const starts = (text: string) =>
      factTokens(text)
        .filter((token) => token.boundary === 2)
        .map((token) => token.value);
    expect(starts('See help.tillwell.com or mail kim.nguyen@example.com. Then wait.')).toEqual([
      'see',
      'then',
    ]);
    expect(starts('Tillwell B.V. in Amsterdam, z. B. heute. Click "Forgot password?" now! Done')).toEqual([
      'tillwell',
      'click',
      'done',
    ]);
  });

  it('marks the steps of a menu path', () => {
    const steps = (text: string) =>
      factTokens(text)
        .filter((token) => token.path)
        .map((token) => token.value);
    expect(steps('Go to Back Office → Payouts > Bank account » Edit, then 2 > 1.')).toEqual([
      'payouts',
      'bank',
      'edit',
      '1',
    ]);
  });

  it('marks where sentences and clauses start, but not at menu paths, quotes, decimals or times', () => {
    const boundaries = (text: string) => factTokens(text).map((token) => `${token.boundary}${token.value}`);
    expect(boundaries('No, it is off. Tap "Save" at 8:30 – then Settings → Payments')).toEqual([
      '2no',
      '1it',
      '0is',
      '0off',
      '2tap',
      '0save',
      '0at',
      '0t0830',
      '1then',
      '0settings',
      '0payments',
    ]);
    expect(boundaries('The fee is 1.49 % (EU cards)\nthanks 😄 bye')).toEqual([
      '2the',
      '0fee',
      '0is',
      '01.49',
      '0%',
      '1eu',
      '0cards',
      '2thanks',
      '1bye',
    ]);
  });

  it('spells each date one way', () => {
    expect(values('14 March 2024, 2024-03-14, 14/03/2024, March 14th, 2024')).toEqual([
      'd0314',
      '2024',
      'd0314',
      '2024',
      'd0314',
      '2024',
      'd0314',
      '2024',
    ]);
    expect(values('le 14 mars, el 14 de marzo, am 14. März, 14/03')).toEqual([
      'le',
      'd0314',
      'el',
      'd0314',
      'am',
      'd0314',
      'd0314',
    ]);
    // Month first only when the first part cannot be a month.
    expect(values('03/14/2024')).toEqual(['d0314', '2024']);
  });

  it('spells each time, amount and code one way', () => {
    expect(values('8pm, 20:00, 8 p.m., 20.00 h, 20h00')).toEqual([
      't2000',
      't2000',
      't2000',
      't2000',
      'h',
      't2000',
    ]);
    // A dot is a time only before "h": alone it is an amount.
    expect(values('12.50 h and 12.50')).toEqual(['t1250', 'h', 'and', '12.5']);
    expect(values('10,000 EUR, 10.000 euros, €10 000')).toEqual(['10000', '€', '10000', '€', '€', '10000']);
    expect(values('49,00 € and 1.50 $')).toEqual(['49', '€', 'and', '1.5', '$']);
    expect(values('E-104, INV-2024-118342, R2, 2FA')).toEqual(['e104', 'inv2024118342', 'r2', '2fa']);
    expect(values('seven, sieben, sept, 7')).toEqual(['7', '7', '7', '7']);
  });

  it('reads am/pm after minutes, thousands before decimals, and digits of any script', () => {
    expect(values('8:00 pm, 8:30 p.m., 12:15 am, 8:00 AM')).toEqual(['t2000', 't2030', 't0015', 't0800']);
    expect(values('8:00 pm')).toEqual(values('20:00'));
    expect(values('$1,000.50')).toEqual(values('$1000.50'));
    expect(values('1.000,50 €')).toEqual(values('1000,50 €'));
    expect(values('1 000,50 €')).toEqual(['1000.5', '€']);
    // A thousands group is three digits, not the start of four.
    expect(values('1.2345')).not.toEqual(values('12345'));
    expect(values('0,125')).toEqual(values('0.125'));
    expect(values('14-03-2024')).toEqual(values('14/03/2024'));
    expect(values('INV-14-03-24')).toEqual(['inv140324']);
    expect(values('٣ أيام')).toEqual(['3', 'ايام']);
    expect(values('۱۴۰۳ ३')).toEqual(['1403', '3']);
    // German "am" (on) after a time is no a.m.: the 24-hour time stays as written.
    expect(values('um 12:30 am Freitag')).toContain('t1230');
    expect(values('Termin 15:00 am Montag')).toContain('t1500');
  });

  it('drops punctuation and menu-path separators', () => {
    const path = values('Back Office → Payouts');
    expect(values('Back Office > Payouts')).toEqual(path);
    expect(values('Back Office » Payouts.')).toEqual(path);
    expect(values('"Back Office" / "Payouts"')).toEqual(path);
  });
});

describe('sameWord', () => {
  it('accepts plurals and shared stems, and nothing else', () => {
    expect(sameWord('payout', 'payouts')).toBe(true);
    expect(sameWord('box', 'boxes')).toBe(true);
    expect(sameWord('verify', 'verification')).toBe(true);
    expect(sameWord('reembolso', 'reembolsos')).toBe(true);
    expect(sameWord('card', 'care')).toBe(false);
    expect(sameWord('set', 'settings')).toBe(false);
  });

  it('matches numbers and codes only exactly', () => {
    expect(sameWord('10', '10')).toBe(true);
    expect(sameWord('e104', 'e1045')).toBe(false);
    expect(sameWord('1.49', '1.4')).toBe(false);
  });
});

describe('foldText', () => {
  it('folds case, accents and compatibility characters', () => {
    expect(foldText('ÉLECTRONIQUE Ÿ ﬁle Straße')).toBe('electronique y file straße');
    expect(foldText('Ελλάδα ПОИСК Ñandú')).toBe('ελλαδα поиск nandu');
  });

  it('keeps the marks that are part of a letter in other scripts', () => {
    expect(foldText('ガス')).not.toBe(foldText('カス'));
    expect(foldText('काम')).not.toBe(foldText('कम'));
    // …and a word keeps its vowel signs as one token.
    expect(values('काम')).toEqual(['काम']);
  });
});

describe('isStopWord', () => {
  it('knows function words of the corpus languages and chat filler', () => {
    expect(['the', 'und', 'pour', 'thanks', 'hola'].every(isStopWord)).toBe(true);
    expect(isStopWord('refund')).toBe(false);
  });
});
