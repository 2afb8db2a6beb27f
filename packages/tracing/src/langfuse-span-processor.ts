import { LANGFUSE_SDK_NAME, LANGFUSE_SDK_VERSION } from '@langfuse/core';
import { isDefaultExportSpan, LangfuseSpanProcessor } from '@langfuse/otel';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { BATON_TRACER_NAME, BatonAttributes } from './baton-attributes.js';
import type { ResolvedLangfuseOptions } from './langfuse-config.js';
import { ResilientBatchExporter } from './resilient-batch-exporter.js';
import type { TracingLogger } from './tracing-logger.js';

/**
 * The export filter for Langfuse: every Baton span (by scope, or by its `baton.unit` attribute
 * when a caller used their own tracer) plus everything Langfuse keeps by default (its own spans,
 * `gen_ai.*` spans, known LLM instrumentations). Langfuse's default alone would drop Baton's
 * turn, delegation and attempt spans, which carry no `gen_ai.*` attribute.
 */
export function shouldExportToLangfuse({ otelSpan }: { otelSpan: ReadableSpan }): boolean {
  return (
    otelSpan.instrumentationScope.name === BATON_TRACER_NAME ||
    otelSpan.attributes[BatonAttributes.UNIT] !== undefined ||
    isDefaultExportSpan(otelSpan)
  );
}

/** Options of {@link createLangfuseSpanProcessor}. */
export interface LangfuseSpanProcessorOptions extends Omit<ResolvedLangfuseOptions, 'stallTimeoutMs'> {
  logger?: TracingLogger;
  /** Appended to the first export failure warning (where traces can still be found). */
  failureHint?: string;
  /** Export batching and failure handling (see `ResilientBatchExporter`). */
  maxBatchSize?: number;
  maxQueueSize?: number;
  flushIntervalMs?: number;
  cooldownMs?: number;
  maxConcurrentExports?: number;
  /** Spans that could not be delivered (e.g. to keep them in a pending file for a later push). */
  onUndelivered?: (spans: readonly ReadableSpan[], reason: string) => void;
  /** Replaces the OTLP/HTTP exporter (tests). */
  exporter?: SpanExporter;
}

/**
 * The OTLP exporter's gzip setting. Its type is an enum of `@opentelemetry/otlp-exporter-base`,
 * which this package reaches only through `@opentelemetry/exporter-trace-otlp-http`; the value is
 * the enum's own string (`CompressionAlgorithm.GZIP === 'gzip'`).
 */
type OtlpCompression = NonNullable<
  NonNullable<ConstructorParameters<typeof OTLPTraceExporter>[0]>['compression']
>;
const gzip = 'gzip' as OtlpCompression;

/**
 * The OTLP/HTTP exporter to Langfuse, as the Langfuse SDK configures it, with gzip (Langfuse's
 * OTLP endpoint reads `Content-Encoding: gzip`): posts OTLP JSON to
 * `{baseUrl}/api/public/otel/v1/traces` with Basic auth.
 */
export function createLangfuseOtlpExporter(
  options: Pick<ResolvedLangfuseOptions, 'publicKey' | 'secretKey' | 'baseUrl' | 'timeoutMs'>,
): OTLPTraceExporter {
  return new OTLPTraceExporter({
    url: `${options.baseUrl}/api/public/otel/v1/traces`,
    // The same headers as the Langfuse SDK's default exporter, plus the v4 ingestion version that
    // Langfuse asks direct OTLP exporters to send (real-time processing on v4 servers; older
    // servers ignore it): the server picks its ingestion path by them.
    headers: {
      'x-langfuse-ingestion-version': '4',
      Authorization: `Basic ${Buffer.from(`${options.publicKey}:${options.secretKey}`).toString('base64')}`,
      'x-langfuse-sdk-name': LANGFUSE_SDK_NAME,
      'x-langfuse-sdk-version': LANGFUSE_SDK_VERSION,
      'x-langfuse-public-key': options.publicKey,
    },
    timeoutMillis: options.timeoutMs,
    compression: gzip,
  });
}

/**
 * Langfuse's own span processor (masking, environment, release, its app-root marking), set up so
 * that every Baton span is exported and a slow or unreachable Langfuse can never hurt a run: its
 * spans go through a {@link ResilientBatchExporter} around the OTLP/HTTP exporter
 * ({@link createLangfuseOtlpExporter}: gzip'd OTLP JSON, Basic auth as the Langfuse SDK sends it).
 *
 * @example
 * ```ts
 * const { processor, exporter } = createLangfuseSpanProcessor({ publicKey, secretKey, baseUrl, timeoutMs: 5000 });
 * const provider = new BasicTracerProvider({ spanProcessors: [processor] });
 * ```
 */
export function createLangfuseSpanProcessor(options: LangfuseSpanProcessorOptions): {
  processor: LangfuseSpanProcessor;
  exporter: ResilientBatchExporter;
} {
  const otlp = options.exporter ?? createLangfuseOtlpExporter(options);
  const exporter = new ResilientBatchExporter({
    exporter: otlp,
    destination: `Langfuse at ${options.baseUrl}`,
    failureHint: options.failureHint,
    logger: options.logger,
    maxBatchSize: options.maxBatchSize,
    maxQueueSize: options.maxQueueSize,
    flushIntervalMs: options.flushIntervalMs,
    cooldownMs: options.cooldownMs,
    maxConcurrentExports: options.maxConcurrentExports,
    onUndelivered: options.onUndelivered,
    // Slightly longer than the OTLP exporter's own timeout, which should answer first.
    timeoutMs: options.timeoutMs + 1_000,
  });
  const processor = new LangfuseSpanProcessor({
    publicKey: options.publicKey,
    secretKey: options.secretKey,
    baseUrl: options.baseUrl,
    environment: options.environment,
    release: options.release,
    exporter,
    // Batching happens in the resilient exporter; Langfuse's own batch mode caps its queue at 2,048 spans.
    exportMode: 'immediate',
    shouldExportSpan: shouldExportToLangfuse,
    // Baton spans carry no base64 media; scanning every input and output for it is wasted work.
    mediaUploadEnabled: false,
  });
  return { processor, exporter };
}
