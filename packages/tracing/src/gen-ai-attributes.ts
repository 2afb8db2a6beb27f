/**
 * OpenTelemetry GenAI semantic-convention attribute names used on Baton spans. Copied rather than
 * imported because they live in the *incubating* entry of `@opentelemetry/semantic-conventions`,
 * which its authors ask users not to depend on (names there may change between minor versions).
 * Checked against semantic-conventions 1.45.
 */
export const GenAiAttributes = {
  OPERATION_NAME: 'gen_ai.operation.name',
  PROVIDER_NAME: 'gen_ai.provider.name',
  /** Deprecated in favour of `gen_ai.provider.name`, still read by many backends. */
  SYSTEM: 'gen_ai.system',
  REQUEST_MODEL: 'gen_ai.request.model',
  REQUEST_TEMPERATURE: 'gen_ai.request.temperature',
  REQUEST_MAX_TOKENS: 'gen_ai.request.max_tokens',
  RESPONSE_MODEL: 'gen_ai.response.model',
  RESPONSE_FINISH_REASONS: 'gen_ai.response.finish_reasons',
  USAGE_INPUT_TOKENS: 'gen_ai.usage.input_tokens',
  USAGE_OUTPUT_TOKENS: 'gen_ai.usage.output_tokens',
  AGENT_NAME: 'gen_ai.agent.name',
  CONVERSATION_ID: 'gen_ai.conversation.id',
  EVALUATION_NAME: 'gen_ai.evaluation.name',
  EVALUATION_SCORE_LABEL: 'gen_ai.evaluation.score.label',
  /** Stable (not GenAI-specific): the class of error a span ended with. */
  ERROR_TYPE: 'error.type',
} as const;

/** Values of `gen_ai.operation.name` that Baton emits. */
export const GenAiOperation = {
  CHAT: 'chat',
  INVOKE_AGENT: 'invoke_agent',
} as const;
