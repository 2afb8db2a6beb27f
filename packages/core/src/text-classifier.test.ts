import { describe, expect, it } from 'vitest';
import { TextClassifier } from './text-classifier.js';

const examples = [
  { text: 'I was charged twice this month', labels: ['billing'] },
  { text: 'please refund my annual plan', labels: ['billing'] },
  { text: 'where is my invoice with VAT', labels: ['billing'] },
  { text: 'the receipt printer is not printing', labels: ['technical'] },
  { text: 'card reader shows error E-204', labels: ['technical'] },
  { text: 'app crashes after the update', labels: ['technical'] },
];

describe('TextClassifier', () => {
  it('predicts the label of unseen texts, typos included', () => {
    const classifier = TextClassifier.train(examples);
    expect(classifier.predict('I need a refnud for the double charge')[0]?.label).toBe('billing');
    expect(classifier.predict('printer stopped printing receipts')[0]?.label).toBe('technical');
  });

  it('hands out predictions its caller may change without changing the next ones', () => {
    const classifier = TextClassifier.train(examples);
    const first = classifier.predict('refund the charge');
    const expected = structuredClone(first);
    first[0]!.probability = 0;
    first.reverse();
    expect(classifier.predict('refund the charge')).toEqual(expected);
  });

  it('returns a probability distribution', () => {
    const predictions = TextClassifier.train(examples).predict('invoice');
    const total = predictions.reduce((sum, prediction) => sum + prediction.probability, 0);
    expect(total).toBeCloseTo(1, 10);
    expect(predictions[0]!.probability).toBeGreaterThan(predictions[1]!.probability);
  });

  it('counts a multi-label example for each label', () => {
    const classifier = TextClassifier.train([
      ...examples,
      { text: 'refund the broken reader', labels: ['billing', 'technical'] },
    ]);
    expect(classifier.labels).toEqual(['billing', 'technical']);
  });

  it('round-trips through JSON', () => {
    const classifier = TextClassifier.train(examples);
    const restored = TextClassifier.fromJSON(JSON.parse(JSON.stringify(classifier.toJSON())));
    expect(restored.predict('charged twice')).toEqual(classifier.predict('charged twice'));
  });

  it('refuses to train without examples', () => {
    expect(() => TextClassifier.train([])).toThrow(/without labelled examples/);
  });
});
