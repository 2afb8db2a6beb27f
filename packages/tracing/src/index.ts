export type { BatonUnit } from './baton-attributes.js';
export { BATON_TRACER_NAME, BatonAttributes } from './baton-attributes.js';
export type { CancelTimer, Clock } from './clock.js';
export { systemClock } from './clock.js';
export type { TracingSummary } from './console-summary-processor.js';
export { ConsoleSummaryProcessor } from './console-summary-processor.js';
export type { ExperimentContext } from './experiment-context.js';
export { GenAiAttributes, GenAiOperation } from './gen-ai-attributes.js';
export type { JsonlSpanExporterOptions } from './jsonl-span-exporter.js';
export { JsonlSpanExporter } from './jsonl-span-exporter.js';
export type { JsonlSpanRecord } from './jsonl-span-record.js';
export { jsonlSpanRecordSchema, readJsonlSpans, toJsonlSpanRecord } from './jsonl-span-record.js';
export type { LangfuseEnv, LangfuseOptions, ResolvedLangfuseOptions } from './langfuse-config.js';
export { langfuseUrlVariables, resolveLangfuseOptions } from './langfuse-config.js';
export type { LangfuseDatasetErrorReason } from './langfuse-dataset-error.js';
export { LangfuseDatasetError } from './langfuse-dataset-error.js';
export type {
  CreateLangfuseEvalReporterOptions,
  DatasetItemInput,
  EvalReportOperation,
  EvalReportSummary,
  LangfuseEvalReporterOptions,
  RunItemLink,
  RunScoreInput,
  ScoreInput,
  ScoreValueInput,
  UpsertedDataset,
} from './langfuse-eval-reporter.js';
export {
  createLangfuseEvalReporter,
  datasetRunName,
  LangfuseEvalReporter,
  langfuseDatasetItemId,
} from './langfuse-eval-reporter.js';
export type {
  LangfusePendingEntry,
  LangfusePendingKind,
  LangfusePendingRecord,
} from './langfuse-pending.js';
export {
  LangfusePendingLog,
  langfusePendingKinds,
  langfusePendingRecordSchema,
  readLangfusePending,
} from './langfuse-pending.js';
export type { LangfuseSpanProcessorOptions } from './langfuse-span-processor.js';
export {
  createLangfuseOtlpExporter,
  createLangfuseSpanProcessor,
  shouldExportToLangfuse,
} from './langfuse-span-processor.js';
export type {
  PushedKind,
  PushLangfusePendingOptions,
  PushLangfusePendingResult,
} from './push-langfuse-pending.js';
export { pushLangfusePending } from './push-langfuse-pending.js';
export type { LangfuseDatasetItem, ReadLangfuseDatasetOptions } from './read-langfuse-dataset.js';
export { readLangfuseDataset } from './read-langfuse-dataset.js';
export { redactSecrets } from './redact.js';
export type {
  ExportProgress,
  ExportStats,
  ResilientBatchExporterOptions,
} from './resilient-batch-exporter.js';
export { ResilientBatchExporter } from './resilient-batch-exporter.js';
export type {
  LangfuseExportTuning,
  SetupTracingOptions,
  TextSink,
  Tracing,
  TracingShutdownReport,
} from './setup-tracing.js';
export { setupTracing } from './setup-tracing.js';
export { stableId } from './stable-id.js';
export type { TracingErrorCode } from './tracing-error.js';
export { TracingError } from './tracing-error.js';
export type { TracingListener, TracingListenerOptions, TurnTrace } from './tracing-listener.js';
export { createTracingListener } from './tracing-listener.js';
export type { TracingLogger } from './tracing-logger.js';
export { stderrLogger } from './tracing-logger.js';
