import { describe, expect, it } from 'vitest';
import { NgramLanguageDetector } from './ngram-language-detector.js';

describe('NgramLanguageDetector', () => {
  const detector = new NgramLanguageDetector();

  it('finds no language in a text without a known n-gram', () => {
    expect(detector.detect('')).toEqual({ language: '', scores: new Map(), reliable: false });
    expect(detector.detect('12345 !!!')).toEqual({ language: '', scores: new Map(), reliable: false });
  });

  it('tells the seven corpus languages apart on plain sentences', () => {
    expect(detector.detect('Where is my order? It was due yesterday.').language).toBe('en');
    expect(detector.detect('¿Dónde está mi pedido? Debía llegar ayer.').language).toBe('es');
    expect(detector.detect('Wo ist meine Bestellung? Sie sollte gestern kommen.').language).toBe('de');
    expect(detector.detect('Où est ma commande ? Elle devait arriver hier.').language).toBe('fr');
  });

  it('ranks the languages best first, each score in 0–1, and calls a guess on one short word unreliable', () => {
    const { scores, language } = detector.detect(
      'Das Paket ist immer noch nicht angekommen, bitte prüfen Sie das.',
    );
    const values = [...scores.values()];
    expect([...scores.keys()][0]).toBe(language);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(values.every((score) => score > 0 && score < 1)).toBe(true);
    expect(detector.detect('hello?').reliable).toBe(false);
  });
});
