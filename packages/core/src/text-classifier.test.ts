import { describe, expect, it } from 'vitest';
import { type LabelScore, TextClassifier, type TextClassifierState } from './text-classifier.js';
import { tokenize } from './text-terms.js';

const examples = [
  { text: 'I was charged twice this month', labels: ['billing'] },
  { text: 'please refund my annual plan', labels: ['billing'] },
  { text: 'where is my invoice with VAT', labels: ['billing'] },
  { text: 'the receipt printer is not printing', labels: ['technical'] },
  { text: 'card reader shows error E-204', labels: ['technical'] },
  { text: 'app crashes after the update', labels: ['technical'] },
];

/**
 * The model's definition written out plainly: every feature of the text in order (the word, the pair
 * with the word before, the word's character 4-grams), each known one adding its Laplace-smoothed
 * log-likelihood per label, the sum tempered by √(known features).
 */
function referencePrediction(state: TextClassifierState, text: string): LabelScore[] {
  const features: string[] = [];
  const words = tokenize(text);
  words.forEach((word, index) => {
    features.push(`w:${word}`);
    if (index > 0) features.push(`b:${words[index - 1]} ${word}`);
    const padded = `^${word}$`;
    for (let start = 0; start + 4 <= padded.length; start += 1)
      features.push(`c:${padded.slice(start, start + 4)}`);
  });
  const known = features.filter((feature) => feature in state.counts);
  const scores = state.labels.map((_, label) =>
    known.reduce(
      (sum, feature) =>
        sum + Math.log((state.counts[feature]![label]! + 1) / (state.totals[label]! + state.vocabulary)),
      Math.log(state.priors[label]!),
    ),
  );
  const temperature = Math.max(1, Math.sqrt(known.length));
  const max = Math.max(...scores);
  const exps = scores.map((score) => Math.exp((score - max) / temperature));
  const sum = exps.reduce((total, value) => total + value, 0);
  return state.labels
    .map((label, index) => ({ label, probability: exps[index]! / sum }))
    .sort((a, b) => b.probability - a.probability);
}

describe('TextClassifier', () => {
  it('gives exactly the probabilities of its definition, repeated words and unknown features included', () => {
    // Two labels, and twelve (each example its own), where a feature is seen with few of them.
    const classifiers = [
      TextClassifier.train(examples),
      TextClassifier.train([
        ...examples.map((example, index) => ({ text: example.text, labels: [`label-${index}`] })),
        ...examples.map((example, index) => ({ text: example.text, labels: [`other-${index}`, 'shared'] })),
      ]),
    ];
    const texts = [
      'I was charged twice, twice! refund refund the printer',
      'printer printer printer error E-204 after the update of my annual plan',
      'qqqq zzzz unknown words only',
      'a',
      '',
      'the the the',
      'Rückerstattung für die doppelte Belastung, s’il vous plaît',
    ];
    // And word salads over the training words and their misspellings, where a change in the order
    // of the sums shows in the last bits.
    const vocabulary = [...new Set(examples.flatMap((example) => example.text.split(' ')))];
    let seed = 7;
    const next = (below: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % below;
    };
    for (let salad = 0; salad < 300; salad += 1) {
      const words = Array.from({ length: 1 + next(40) }, () => {
        const word = vocabulary[next(vocabulary.length)]!;
        return next(4) === 0 ? `${word.slice(1)}${word[0]}` : word;
      });
      texts.push(words.join(' '));
    }
    for (const classifier of classifiers) {
      for (const text of texts) {
        // Twice: the second answer comes from what the first remembered.
        expect(classifier.predict(text)).toEqual(referencePrediction(classifier.toJSON(), text));
        expect(classifier.predict(text)).toEqual(referencePrediction(classifier.toJSON(), text));
      }
    }
  });

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

  it('writes its state as one count per label for every feature, in the order the features were first seen', () => {
    const training = [
      ...examples,
      { text: 'refund the broken reader', labels: ['technical', 'billing'] },
      { text: 'refund refund', labels: ['billing', 'billing'] },
    ];
    // The definition, plainly: every feature of every example counted once per label it carries.
    const labels = ['billing', 'technical'];
    const counts: Record<string, number[]> = {};
    const totals = [0, 0];
    const priors = [0, 0];
    for (const example of training) {
      const words = tokenize(example.text);
      const found = words.flatMap((word, index) => {
        const padded = `^${word}$`;
        const grams = Array.from(
          { length: Math.max(0, padded.length - 3) },
          (_, start) => `c:${padded.slice(start, start + 4)}`,
        );
        return [`w:${word}`, ...(index > 0 ? [`b:${words[index - 1]} ${word}`] : []), ...grams];
      });
      for (const label of example.labels) {
        const index = labels.indexOf(label);
        priors[index]! += 1;
        for (const feature of found) {
          counts[feature] ??= [0, 0];
          counts[feature]![index]! += 1;
          totals[index]! += 1;
        }
      }
    }
    const state = TextClassifier.train(training).toJSON();
    expect(state).toEqual({
      version: 1,
      labels,
      priors: priors.map((value) => value / (priors[0]! + priors[1]!)),
      counts,
      totals,
      vocabulary: Object.keys(counts).length,
    });
    expect(Object.keys(state.counts)).toEqual(Object.keys(counts));
  });

  it('round-trips through JSON', () => {
    const classifier = TextClassifier.train(examples);
    const restored = TextClassifier.fromJSON(JSON.parse(JSON.stringify(classifier.toJSON())));
    expect(restored.predict('charged twice')).toEqual(classifier.predict('charged twice'));
    expect(restored.toJSON()).toEqual(classifier.toJSON());
  });

  it('refuses to train without examples', () => {
    expect(() => TextClassifier.train([])).toThrow(/without labelled examples/);
  });
});
