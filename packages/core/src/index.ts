// Contracts
export type {
  Agent,
  AgentInput,
  AgentOutput,
  PreviousAttempt,
  SourceRef,
  TransferredContext,
} from './agent.js';
// Agents and their cards
export type { AgentTool } from './agent-tool.js';
export { defineTool } from './agent-tool.js';
// The seven steps as policies
export type { Assessment, AssessPolicy } from './assess-policy.js';
export { thresholdAssess } from './assess-policy.js';
// Errors
export type { BatonErrorCode } from './baton-error.js';
export { BatonError, BudgetExceededError, NoSuchAgentError, toBatonError } from './baton-error.js';
export { breakTies } from './break-ties.js';
// Teams, rosters, monitoring
export type { BudgetLimits } from './budget.js';
export { Budget } from './budget.js';
export type { A2AAgentCard, CapabilityCard, CapabilityCardInput, Skill } from './capability-card.js';
export {
  a2aAgentCardSchema,
  capabilityCardSchema,
  defineCapabilityCard,
  fromA2AAgentCard,
  skillSchema,
} from './capability-card.js';
export type {
  ChatCallOptions,
  ChatMessage,
  ChatModel,
  ChatRequest,
  ChatResponse,
  ChatStreamPart,
  EmbeddingModel,
  FinishReason,
  ResponseFormat,
  ToolCall,
  ToolChoice,
  ToolDefinition,
  Usage,
} from './chat-model.js';
export { addUsage, emptyUsage } from './chat-model.js';
export type { Clock } from './clock.js';
export { systemClock } from './clock.js';
// Verification
export { confidenceVerifier } from './confidence-verifier.js';
export type { ContextPolicy, ContextSelection } from './context-policy.js';
export { fullContext, lastMessages, namedFields, summaryContext } from './context-policy.js';
// Strategies
export type { StrategyPolicies } from './define-strategy.js';
export { defineStrategy, delegateTurn } from './define-strategy.js';
export type { DelegateOptions, DelegationResult } from './delegate.js';
export { delegate } from './delegate.js';
// Events and records
export type {
  AgentRunEndEvent,
  AgentRunStartEvent,
  AttemptEndEvent,
  AttemptStartEvent,
  DelegationEndEvent,
  DelegationEvent,
  DelegationEventListener,
  DelegationStartEvent,
  EmbeddingCallEndEvent,
  EmbeddingCallStartEvent,
  EventBase,
  FallbackStartEvent,
  GuardrailEndEvent,
  HandoffEndEvent,
  HandoffStartEvent,
  ModelCallEndEvent,
  ModelCallStartEvent,
  TurnEndEvent,
  TurnStartEvent,
  VerificationEndEvent,
} from './delegation-event.js';
export type {
  AttemptRecord,
  AttemptRung,
  CandidateScore,
  ContextTransferInfo,
  DelegationRecord,
  ErrorInfo,
  ExclusionReason,
  FallbackRung,
  FallbackStep,
  RemoteCall,
  TaskRecord,
  Verdict,
} from './delegation-record.js';
// Selection
export { embeddingSelector } from './embedding-selector.js';
export type { FailureLadder } from './failure-ladder.js';
export { failureLadder, noFallback, reviseWithFeedback } from './failure-ladder.js';
export type { Guardrail, GuardrailResult } from './guardrail.js';
export type { RegulatedTopic } from './guardrails/index.js';
export { regulatedAdviceGuardrail, regulatedTopicOf } from './guardrails/index.js';
export { handoff } from './handoff.js';
export type { KnowledgeArticle } from './knowledge-article.js';
export { knowledgeArticleSchema } from './knowledge-article.js';
export type { KnowledgeHit } from './knowledge-index.js';
export { KnowledgeIndex } from './knowledge-index.js';
// Languages: detection and the reply-language policy
export { detectableLanguages, detectLanguage, guessLanguage, replyLanguages } from './language/index.js';
export { lexicalSelector } from './lexical-selector.js';
export type { LlmAgentOptions } from './llm-agent.js';
export { createLlmAgent } from './llm-agent.js';
export { llmSelector } from './llm-selector.js';
// Routing by measured performance (delegate profiles)
export type {
  AgentProfile,
  DelegateProfile,
  ExpectationSource,
  ExpectedMetric,
  ExpectedQualityInput,
  ExpectedQualityResult,
  MeasuredSelector,
  MeasuredSelectorOptions,
  MeasuredWeights,
  ObservedSlice,
  ProfileDimension,
  ProfileEntryUsed,
  ProfileEstimate,
  ProfileEvidence,
  ProfileMetrics,
  ProfileSlice,
  QualityCell,
  RequestDescriber,
  RequestDescription,
  RouteMeasuredOptions,
  SliceProbability,
  UniformSource,
} from './measured/index.js';
export {
  classifierDescriber,
  defaultPriorStrength,
  delegateProfileSchema,
  expectedQuality,
  intentClusterMethod,
  intentClusterOf,
  measuredAssess,
  measuredSelector,
  ProfileIndex,
  parseDelegateProfile,
  profileDimensions,
  profileMetricsSchema,
  routeMeasured,
  sampleBeta,
  uninformedQuality,
} from './measured/index.js';
export type { ParallelOptions } from './parallel.js';
export { parallel } from './parallel.js';
export type { PiiRedaction, PiiSpan } from './pii/index.js';
export { findPii, redactPii } from './pii/index.js';
export { RecentResults } from './recent-results.js';
export type { RetrievalAgentOptions } from './retrieval-agent.js';
export { createRetrievalAgent } from './retrieval-agent.js';
export type { DelegationAllowlist } from './roster.js';
export { Roster } from './roster.js';
export { routeEmbedding } from './route-embedding.js';
export { routeLexical } from './route-lexical.js';
export { routeLlm } from './route-llm.js';
export { routeTrained } from './route-trained.js';
export type { RunLimits } from './run-scope.js';
export { estimateTokens, RunScope } from './run-scope.js';
export type { Selection, SelectionRequest, Selector } from './selector.js';
export { preferLanguage } from './selector.js';
export { smallTalkReply } from './small-talk.js';
export { solo } from './solo.js';
export type { SpecifyFromCardOptions, SpecifyPolicy, SpecifyRequest } from './specify-policy.js';
export { defaultSpecify, specifyFromCard } from './specify-policy.js';
export { splitRequest } from './split-request.js';
export type { Strategy, StrategyAnswer, StrategyContext } from './strategy.js';
export type { TaskSpec } from './task-spec.js';
export { defineTask } from './task-spec.js';
export type { Team, TeamOptions, TurnResult } from './team.js';
export { createTeam } from './team.js';
export type { LabelledText, LabelScore, TextClassifierState } from './text-classifier.js';
export { TextClassifier } from './text-classifier.js';
export { trainedSelector } from './trained-selector.js';
export type { ConversationMessage, TurnInput } from './turn-input.js';
export type { Verifier } from './verifier.js';
export type { AcceptanceCriterion } from './verify/index.js';
export {
  acceptanceCriterionSchema,
  conveys,
  criteriaVerifier,
  groundednessVerifier,
  languageVerifier,
  llmVerifier,
  schemaVerifier,
} from './verify/index.js';
export { verifyRecover } from './verify-recover.js';
export { withGuardrails } from './with-guardrails.js';
