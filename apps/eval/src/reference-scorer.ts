import { rougeL } from './metrics/rouge-l.js';
import { tokenF1 } from './metrics/token-f1.js';
import type { Scorer } from './scorer.js';

/** The reference-based similarity measures available offline. */
export type ReferenceMetric = 'token-f1' | 'rouge-l';

/**
 * Offline answer quality: similarity of the answer to the recorded human reply after normalisation
 * (token F1 by default, or ROUGE-L F). Cheap and deterministic; it rewards saying what the human said,
 * so it understates good answers worded differently — use an LLM judge when a model is available.
 */
export function referenceScorer(options: { metric?: ReferenceMetric; name?: string } = {}): Scorer {
  const metric = options.metric ?? 'token-f1';
  return {
    specificationVersion: 'v1',
    name: options.name ?? 'answerQuality',
    description: `reference-based ${metric} against the human reply`,
    score({ turn, answer }) {
      if (turn.reference === null) return { value: null };
      const value =
        metric === 'rouge-l' ? rougeL(answer, turn.reference).f : tokenF1(answer, turn.reference).f1;
      return { value: Math.round(value * 10000) / 10000 };
    },
  };
}
