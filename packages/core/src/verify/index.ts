export type { AcceptanceCriterion } from './acceptance-criterion.js';
export { acceptanceCriterionSchema } from './acceptance-criterion.js';
export { conveys, criteriaVerifier } from './criteria-verifier.js';
export { groundednessVerifier } from './groundedness-verifier.js';
export { languageVerifier } from './language-verifier.js';
export { llmVerifier } from './llm-verifier.js';
export { schemaVerifier } from './schema-verifier.js';
