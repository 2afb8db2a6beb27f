export type { RegulatedTopic } from './regulated-advice-guardrail.js';
export { regulatedAdviceGuardrail } from './regulated-advice-guardrail.js';
export { regulatedTopicOf } from './regulated-advice-rules.js';
