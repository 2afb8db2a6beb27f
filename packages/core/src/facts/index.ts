/**
 * Whether a text conveys a fact, offline: the matcher behind the core's `required-facts` criterion
 * and the evaluation harness's nugget scoring, so an answer the SDK's verifier accepts is one the
 * harness counts as conveying the fact. Its own subpath (`@baton/core/facts`) so a scoring worker
 * loads it without the rest of the core (the language tables). Token arrays are read as given and
 * some facts about them are remembered per array: do not change an array after passing it (each
 * call of `factTokens` returns a new one).
 *
 * @packageDocumentation
 */
export {
  type FactToken,
  factTokens,
  foldText,
  functionWordLanguage,
  isStopWord,
  sameWord,
  WordSet,
} from './fact-tokens.js';
export {
  defaultWordShare,
  matchNuggets,
  type NuggetJudgement,
  type NuggetMatchResult,
  type NuggetVerdict,
  nuggetVerdict,
} from './nugget-match.js';
export { holdsNegation } from './nugget-stance.js';
