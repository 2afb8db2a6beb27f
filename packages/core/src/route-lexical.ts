import { type AssessPolicy, thresholdAssess } from './assess-policy.js';
import type { ContextPolicy } from './context-policy.js';
import { defineStrategy } from './define-strategy.js';
import { lexicalSelector } from './lexical-selector.js';
import type { Strategy } from './strategy.js';

/**
 * Routes each turn to the delegate whose capability card best matches it (lexically), with no
 * verification and no fallback: the simplest delegation.
 */
export function routeLexical(
  options: { minScore?: number; scale?: number; assess?: AssessPolicy; transfer?: ContextPolicy } = {},
): Strategy {
  return defineStrategy({
    name: 'route-lexical',
    description: 'capability-card match, no verification',
    select: lexicalSelector(options.scale !== undefined ? { scale: options.scale } : {}),
    assess:
      options.assess ?? thresholdAssess(options.minScore !== undefined ? { minScore: options.minScore } : {}),
    ...(options.transfer ? { transfer: options.transfer } : {}),
  });
}
