// Running evaluations
export type { AgentMode, SuiteAgents } from './build-agents.js';
export { buildAgents } from './build-agents.js';
export type { ColumnMapping } from './dataset/column-mapping.js';
export { defineColumnMapping, parseColumnMapping } from './dataset/column-mapping.js';
export type { AgentTurn, Conversation, ConversationInput, Turn, UserTurn } from './dataset/conversation.js';
export { conversationSchema, goldDomains, referenceReply } from './dataset/conversation.js';
export type { KnowledgeArticle } from './dataset/knowledge-base.js';
export { readKnowledgeBase } from './dataset/knowledge-base.js';
export type { ConversationStream, ReadConversationsOptions } from './dataset/load-conversations.js';
export { readConversations } from './dataset/load-conversations.js';
export type { Suite } from './dataset/load-suite.js';
export { loadSuite } from './dataset/load-suite.js';
export { readCsvConversations } from './dataset/read-csv-conversations.js';
export { readJsonlConversations } from './dataset/read-jsonl-conversations.js';
export type { InvalidRecordPolicy, ReadSummary } from './dataset/read-tally.js';
export type { Split, SplitPart } from './dataset/split.js';
export { filterBySplit, readSplit } from './dataset/split.js';
export type { SuiteConfig, SuiteConfigInput } from './dataset/suite-config.js';
export { suiteConfigSchema } from './dataset/suite-config.js';
export type { EvalConfig, EvalOptions } from './eval-config.js';
export { defineConfig, evalOptionsSchema } from './eval-config.js';
// Errors
export type { DatasetLocation, EvalErrorCode } from './eval-error.js';
export { DatasetError, EvalError } from './eval-error.js';
export type { EvaluateEnvironment, EvaluateResult } from './evaluate.js';
export { evaluate, shardOf } from './evaluate.js';
// Free running (`--free-run`)
export type {
  FitJudge,
  FitReason,
  FitReasonCode,
  FitRule,
  FitVerdict,
  FreeRunEnding,
  FreeRunSettings,
  FreeRunTurn,
  UserSimulator,
  UserSimulatorInput,
  UserSimulatorTurn,
} from './free-run/index.js';
export {
  createFitJudge,
  createUserSimulator,
  defaultFitRule,
  recordingFits,
  userStopToken,
} from './free-run/index.js';
// Scoring
export type { ItemResult, ScoreValue } from './item-result.js';
export { scoreNames } from './item-result.js';
// Recorded conversations
export type { LangfuseConversationsOptions } from './langfuse-conversations.js';
export { conversationsFromLangfuseItems, langfuseConversations } from './langfuse-conversations.js';
export { defaultRubric, llmJudgeScorer } from './llm-judge-scorer.js';
export type { BuildProfileOptions } from './profile/build-profile.js';
export { buildDelegateProfile, measuredAgentOf } from './profile/build-profile.js';
export { exploreStrategy } from './profile/explore-strategy.js';
export { readDelegateProfile } from './profile/read-profile.js';
export type { ReferenceMetric } from './reference-scorer.js';
export { referenceScorer } from './reference-scorer.js';
export type { ReplayTurn } from './replay-turn.js';
export { replayTurns } from './replay-turn.js';
export type {
  NamedStrategy,
  ReplaySource,
  RunEvaluationOptions,
  RunEvaluationResult,
} from './run-evaluation.js';
export { runEvaluation } from './run-evaluation.js';
export type {
  Comparison,
  FreeRunSummary,
  GateCheck,
  MetricEstimate,
  ReplaySummary,
  RunSummary,
  StrategyMetrics,
  StrategySummary,
} from './run-summary.js';
export type { ScoringThresholds } from './score-item.js';
export { scoreItem } from './score-item.js';
export type { Scorer, ScorerInput, ScorerResult } from './scorer.js';
export type { StrategyEntry, StrategyFactoryContext } from './strategy-registry.js';
export { builtInStrategies, defaultStrategyNames } from './strategy-registry.js';
