import type { CandidateScore } from './delegation-record.js';
import { preferLanguage, type Selector } from './selector.js';
import type { TextClassifier } from './text-classifier.js';

/**
 * Selects delegates with a text classifier trained on labelled turns (gold domains). A delegate's
 * score is the probability of the most likely domain it serves; the probability of the front agent's
 * domains becomes `self`, and of the `humanLabel` becomes `human`, so the router can also decide not
 * to delegate or to escalate.
 *
 * @example
 * ```ts
 * const select = trainedSelector({ classifier: TextClassifier.train(trainingTurns) });
 * ```
 */
export function trainedSelector(options: {
  classifier: TextClassifier;
  humanLabel?: string;
  languagePenalty?: number;
}): Selector {
  const humanLabel = options.humanLabel ?? 'human';
  return {
    name: 'trained',
    select(request) {
      const predictions = options.classifier.predict(request.text);
      const probability = new Map(
        predictions.map((prediction) => [prediction.label, prediction.probability]),
      );
      const scored: CandidateScore[] = [];
      for (const agent of request.candidates) {
        let best = 0;
        let domain = '';
        for (const served of agent.card.domains) {
          const value = probability.get(served) ?? 0;
          if (value > best) {
            best = value;
            domain = served;
          }
        }
        if (best > 0)
          scored.push({ agentId: agent.id, score: round(best), reason: `P(${domain}) = ${round(best)}` });
      }
      const self = Math.max(0, ...request.front.card.domains.map((domain) => probability.get(domain) ?? 0));
      const agents = new Map(request.candidates.map((agent) => [agent.id, agent]));
      const top = predictions[0];
      return {
        candidates: preferLanguage(scored, agents, request.language, options.languagePenalty),
        self: round(self),
        human: round(probability.get(humanLabel) ?? 0),
        reason: top ? `classifier: ${top.label} (${round(top.probability)})` : 'classifier has no labels',
      };
    },
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
