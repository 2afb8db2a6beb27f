import type { SelectionRequest } from '../selector.js';
import type { TextClassifier } from '../text-classifier.js';

/** A slice value with the probability that the request belongs to it. */
export interface SliceProbability {
  value: string;
  probability: number;
}

/**
 * What kind of request this is, in the terms of a delegate profile: its language, and how likely
 * each domain and intent cluster is. Gold labels never reach a router, so these are estimates.
 */
export interface RequestDescription {
  /** The request's language; default: the language the team detected. */
  language?: string;
  /** Probability of each domain (they need not sum to 1: the rest is "unknown"). */
  domains?: readonly SliceProbability[];
  /** Probability of each intent cluster. */
  intents?: readonly SliceProbability[];
  /** Probability that only a human can handle the request (the measured router escalates on it). */
  human?: number;
}

/** Describes a request for a measured router. */
export type RequestDescriber = (
  request: SelectionRequest,
) => RequestDescription | Promise<RequestDescription>;

/**
 * Describes requests with trained text classifiers: one over domains (whose `humanLabel` becomes the
 * probability that a human is needed, the other domains renormalised without it) and, optionally,
 * one over intent clusters. Train them on labelled turns the router will not be evaluated on.
 *
 * @example
 * ```ts
 * const describe = classifierDescriber({
 *   domains: TextClassifier.train(trainTurns.map((turn) => ({ text: turn.text, labels: turn.domains }))),
 *   intents: TextClassifier.train(trainTurns.map((turn) => ({ text: turn.text, labels: [intentClusterOf(turn.intent)] }))),
 * });
 * ```
 */
export function classifierDescriber(options: {
  domains?: TextClassifier;
  intents?: TextClassifier;
  /** The domain label that means "a human is needed". Default `human`. */
  humanLabel?: string;
}): RequestDescriber {
  const humanLabel = options.humanLabel ?? 'human';
  return (request) => {
    const description: RequestDescription = {};
    if (options.domains) {
      const predictions = options.domains.predict(request.text);
      const human = predictions.find((prediction) => prediction.label === humanLabel)?.probability ?? 0;
      const rest = 1 - human;
      description.human = human;
      description.domains = predictions
        .filter((prediction) => prediction.label !== humanLabel)
        .map((prediction) => ({
          value: prediction.label,
          probability: rest > 0 ? prediction.probability / rest : 0,
        }));
    }
    if (options.intents) {
      description.intents = options.intents
        .predict(request.text)
        .map((prediction) => ({ value: prediction.label, probability: prediction.probability }));
    }
    return description;
  };
}
