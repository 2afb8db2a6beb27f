export type { BatonUnit } from './baton-attributes.js';
export { BATON_TRACER_NAME, BatonAttributes } from './baton-attributes.js';
export type { TracingSummary } from './console-summary-processor.js';
export { ConsoleSummaryProcessor } from './console-summary-processor.js';
export type { ExperimentContext } from './experiment-context.js';
export { GenAiAttributes, GenAiOperation } from './gen-ai-attributes.js';
export type { JsonlSpanExporterOptions } from './jsonl-span-exporter.js';
export { JsonlSpanExporter } from './jsonl-span-exporter.js';
export type { JsonlSpanRecord } from './jsonl-span-record.js';
export { jsonlSpanRecordSchema, readJsonlSpans, toJsonlSpanRecord } from './jsonl-span-record.js';
export type { LangfuseEnv, LangfuseOptions, ResolvedLangfuseOptions } from './langfuse-config.js';
export { resolveLangfuseOptions } from './langfuse-config.js';
export type { LangfuseDatasetErrorReason } from './langfuse-dataset-error.js';
export { LangfuseDatasetError } from './langfuse-dataset-error.js';
export type {
  CreateLangfuseEvalReporterOptions,
  DatasetItemInput,
  EvalReportOperation,
  EvalReportSummary,
  LangfuseEvalReporterOptions,
  RunItemLink,
  ScoreInput,
  UpsertedDataset,
} from './langfuse-eval-reporter.js';
export {
  createLangfuseEvalReporter,
  datasetRunName,
  LangfuseEvalReporter,
  langfuseDatasetItemId,
} from './langfuse-eval-reporter.js';
export type { LangfuseSpanProcessorOptions } from './langfuse-span-processor.js';
export { createLangfuseSpanProcessor, shouldExportToLangfuse } from './langfuse-span-processor.js';
export type { LangfuseDatasetItem, ReadLangfuseDatasetOptions } from './read-langfuse-dataset.js';
export { readLangfuseDataset } from './read-langfuse-dataset.js';
export type { ExportStats, ResilientBatchExporterOptions } from './resilient-batch-exporter.js';
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
