import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eld } from 'eld/extrasmall';
import { describe, expect, it } from 'vitest';
import { eldNgramTableFile, readEldSources, renderEldNgramTable } from '../scripts/eld-ngram-table.js';
import { NgramLanguageDetector } from '../src/language/ngram-language-detector.js';

// The packed copy of eld's table and the port of its detector, checked against the installed eld on
// real text (here, since the core's sources may not read files).
const datasets = fileURLToPath(new URL('../../../datasets/', import.meta.url));

/** Every text of the recorded corpus and the guardrail sets: real messages in the seven languages. */
function corpusTexts(): string[] {
  const texts: string[] = [];
  const folder = join(datasets, 'support', 'conversations');
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(folder, file), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      for (const turn of (JSON.parse(line) as { turns: { text?: unknown; draft?: unknown }[] }).turns) {
        if (typeof turn.text === 'string') texts.push(turn.text);
        if (typeof turn.draft === 'string') texts.push(turn.draft);
      }
    }
  }
  for (const file of ['regulated-advice.jsonl', 'pii-spans.jsonl']) {
    for (const line of readFileSync(join(datasets, 'guardrails', file), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const text = (JSON.parse(line) as { text?: unknown }).text;
      if (typeof text === 'string') texts.push(text);
    }
  }
  return texts;
}

/**
 * Texts built to reach every branch of eld's reading: other scripts, astral characters and lone
 * surrogates, digits and punctuation, apostrophes, words past 70 bytes, texts past the 350/380-byte
 * cuts and the 1,000-character one, and near-empty ones.
 */
function edgeTexts(): string[] {
  let state = 0x2545f491;
  const next = (bound: number) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % bound;
  };
  const pieces = [
    'the',
    'order',
    'pedido',
    'Rückerstattung',
    'données',
    "l'ordine",
    'don’t',
    'día',
    'Ελληνικά',
    'русский',
    'עברית',
    'العربية',
    '日本語のテキスト',
    '한국어',
    'ภาษาไทย',
    '😀',
    '\ud83d',
    '\udc00x',
    'P1-4E7729-B',
    '42',
    '€10.50',
    '—',
    '...',
    'a',
    'x'.repeat(90),
    'ü'.repeat(40),
    'supercalifragilisticexpialidocious',
  ];
  const texts = [
    '',
    ' ',
    '?!',
    'ok',
    'hello?',
    'x'.repeat(1500),
    `${'word '.repeat(120)}end`,
    'é'.repeat(600),
  ];
  for (let index = 0; index < 400; index += 1) {
    const words = Array.from({ length: 1 + next(90) }, () => pieces[next(pieces.length)]!);
    texts.push(words.join(next(4) === 0 ? ', ' : ' '));
  }
  return texts;
}

/** The texts (cut to 80 characters) on which the detector and eld's own disagree in anything. */
function differencesFromEld(detector: NgramLanguageDetector, texts: readonly string[]): string[] {
  const differences: string[] = [];
  for (const text of texts) {
    const expected = eld.detect(text);
    const actual = detector.detect(text);
    const same =
      actual.language === expected.language &&
      actual.reliable === expected.isReliable() &&
      JSON.stringify(Object.fromEntries(actual.scores)) === JSON.stringify(expected.getScores());
    if (!same) differences.push(text.slice(0, 80));
  }
  return differences;
}

describe('eld-ngram-table.generated', () => {
  it('is what the generator renders from the installed eld (regenerate after an upgrade)', async () => {
    const rendered = renderEldNgramTable(await readEldSources());
    expect(readFileSync(eldNgramTableFile, 'utf8') === rendered).toBe(true);
  });

  it('detects exactly as eld does (language, every score, reliability) on texts reaching each branch', () => {
    expect(differencesFromEld(new NgramLanguageDetector(), edgeTexts())).toEqual([]);
  });

  it('detects exactly as eld does on every text of the corpus and the guardrail sets', () => {
    const texts = corpusTexts();
    expect(texts.length).toBeGreaterThan(3000);
    expect(differencesFromEld(new NgramLanguageDetector(), texts)).toEqual([]);
  });
});
