export type { PiiRedaction, PiiSpan } from './redact-pii.js';
export { findPii, redactPii } from './redact-pii.js';
