import { type AssessPolicy, thresholdAssess } from './assess-policy.js';
import type { ContextPolicy } from './context-policy.js';
import { defineStrategy } from './define-strategy.js';
import type { Strategy } from './strategy.js';
import { type LabelledText, TextClassifier } from './text-classifier.js';
import { trainedSelector } from './trained-selector.js';

/**
 * Routes each turn with a text classifier trained on labelled turns (their gold domains). It can
 * also learn to escalate (`human` label) and to keep small talk at the front desk.
 *
 * @example
 * ```ts
 * const strategy = routeTrained({ examples: trainSplit.map((turn) => ({ text: turn.text, labels: turn.domains })) });
 * ```
 */
export function routeTrained(
  options: ({ classifier: TextClassifier } | { examples: readonly LabelledText[] }) & {
    minScore?: number;
    assess?: AssessPolicy;
    transfer?: ContextPolicy;
  },
): Strategy {
  const classifier = 'classifier' in options ? options.classifier : TextClassifier.train(options.examples);
  return defineStrategy({
    name: 'route-trained',
    description: `text classifier over ${classifier.labels.length} labels, no verification`,
    select: trainedSelector({ classifier }),
    assess:
      options.assess ?? thresholdAssess(options.minScore !== undefined ? { minScore: options.minScore } : {}),
    ...(options.transfer ? { transfer: options.transfer } : {}),
  });
}
