import { describe, expect, it } from 'vitest';
import { normalizeText, tokenizeWords } from './normalize-text.js';

describe('normalizeText', () => {
  it('lower-cases, folds compatibility forms (NFKC) and collapses whitespace', () => {
    // Full-width "ＡＰＩ" and the "ﬁ" ligature are NFKC-equivalent to "API" and "fi".
    expect(normalizeText('  The ＡＰＩ\tis\n\n ﬁne ')).toBe('the api is fine');
  });

  it('replaces Unicode punctuation by spaces and keeps accented letters', () => {
    expect(normalizeText('¿Dónde está el baño? ¡Aquí!')).toBe('dónde está el baño aquí');
    expect(normalizeText('«Straße»—Größe: l’homme')).toBe('straße größe l homme');
  });

  it('composes decomposed accents so both spellings compare equal', () => {
    const decomposed = 'Cafe\u0301'; // "e" + combining acute accent
    expect(normalizeText(decomposed)).toBe(normalizeText('Café'));
  });

  it('drops stop words only when asked', () => {
    expect(normalizeText('the cat and the hat')).toBe('the cat and the hat');
    expect(normalizeText('The cat and the hat', { stopWords: new Set(['the', 'and']) })).toBe('cat hat');
  });
});

describe('tokenizeWords', () => {
  it('splits into letter and digit runs across scripts, dropping symbols', () => {
    expect(tokenizeWords('Größe: 10 €, s’il vous plaît! 🙂')).toEqual([
      'größe',
      '10',
      's',
      'il',
      'vous',
      'plaît',
    ]);
    expect(tokenizeWords('Привет, мир')).toEqual(['привет', 'мир']);
  });

  it('cuts scripts written without spaces into words, and matches a Turkish capital İ', () => {
    expect(tokenizeWords('返金は3日以内に処理されます')).toEqual([
      '返金',
      'は',
      '3',
      '日',
      '以内',
      'に',
      '処理',
      'さ',
      'れ',
      'ます',
    ]);
    expect(tokenizeWords('สวัสดีครับ ผมชื่อสมชาย')).toEqual(['สวัสดี', 'ครับ', 'ผม', 'ชื่อ', 'สมชาย']);
    expect(tokenizeWords('İADE İstanbul')).toEqual(tokenizeWords('iade istanbul'));
  });

  it('returns no words for text without letters or digits', () => {
    expect(tokenizeWords('  ...!? ')).toEqual([]);
    expect(tokenizeWords('')).toEqual([]);
  });

  it('drops stop words only when asked', () => {
    expect(tokenizeWords('Le chat et le chien', { stopWords: new Set(['le', 'et']) })).toEqual([
      'chat',
      'chien',
    ]);
  });
});
