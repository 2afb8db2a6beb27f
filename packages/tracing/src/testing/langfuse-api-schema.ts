import { z } from 'zod';

/**
 * Request bodies of the Langfuse public API endpoints Baton calls, as Langfuse's server validates
 * them, so the fake server answers 400 where the real one would. Taken from Langfuse's published
 * definitions (github.com/langfuse/langfuse, read at commit 62751446, August 2026):
 *
 * - the Fern API definition the SDKs are generated from: `fern/apis/server/definition/`
 *   `datasets.yml` (CreateDatasetRequest), `dataset-items.yml` (CreateDatasetItemRequest),
 *   `dataset-run-items.yml` (CreateDatasetRunItemRequest), `scores.yml` (CreateScoreRequest),
 *   `ingestion.yml` (IngestionRequest, IngestionEvent, ScoreBody, IngestionResponse) and
 *   `opentelemetry.yml` (OtelTraceRequest);
 * - the zod schemas the server applies to them: `web/src/features/public-api/types/datasets.ts`
 *   (PostDatasetsV2Body, PostDatasetItemsV1Body, PostDatasetRunItemsV1Body — the last `.strict()`),
 *   `packages/shared/src/server/ingestion/types.ts` (the ingestion envelope and ScoreBody),
 *   `packages/shared/src/features/scores/interfaces/ingestion/validation.ts` and
 *   `packages/shared/src/utils/scores.ts` (exactly one score target), and
 *   `packages/shared/src/server/otel/utils.ts` (validateOtelSpanIds, for OTLP exports);
 * - the handlers' limits: `web/src/pages/api/public/ingestion.ts` (body up to 4.5 MB, the batch
 *   checked as `{ batch: unknown[] }` first, then every event on its own, answered 207).
 */

/** `jsonSchema` of Langfuse's shared utils: any JSON value except `null` at the root. */
const json = z.json().refine((value) => value !== null, { message: 'Expected JSON, not null' });

/** `idSchema`: 1 to 800 characters, no carriage return. */
const ingestionId = z
  .string()
  .min(1)
  .max(800)
  .refine((id) => !id.includes('\r'), { message: 'ID cannot contain carriage return characters' });

/** `publicApiIdSchema`: dataset item ids, 1 to 255 characters. */
const publicApiId = z.string().min(1, 'ID must not be empty').max(255, 'ID must be at most 255 characters');

/** `POST /api/public/v2/datasets` (PostDatasetsV2Body). */
export const createDatasetBody = z.object({
  name: z.string(),
  description: z.string().nullish(),
  metadata: json.nullish(),
  inputSchema: z.record(z.string(), z.unknown()).nullish(),
  expectedOutputSchema: z.record(z.string(), z.unknown()).nullish(),
});

/** `POST /api/public/dataset-items` (PostDatasetItemsV1Body). */
export const createDatasetItemBody = z.object({
  datasetName: z.string(),
  input: z.any().nullish(),
  expectedOutput: z.any().nullish(),
  metadata: z.any().nullish(),
  id: publicApiId.nullish(),
  sourceTraceId: z.string().nullish(),
  sourceObservationId: z.string().nullish(),
  status: z.enum(['ACTIVE', 'ARCHIVED']).nullish(),
});

/** `POST /api/public/dataset-run-items` (PostDatasetRunItemsV1Body): strict, unknown keys are refused. */
export const createDatasetRunItemBody = z
  .object({
    runName: z.string(),
    runDescription: z.string().nullish(),
    metadata: json.nullish(),
    datasetItemId: z.string(),
    observationId: z.string().nullish(),
    traceId: z.string().nullish(),
    datasetVersion: z.iso.datetime({ offset: true }).nullish(),
    createdAt: z.iso.datetime({ offset: true }).nullish(),
  })
  .strict()
  .refine((data) => data.observationId || data.traceId, {
    message: 'observationId or traceId must be provided',
    path: ['observationId', 'traceId'],
  });

const scoreFoundation = z.object({
  id: ingestionId.nullish(),
  name: z.string().min(1),
  traceId: z.string().nullish(),
  sessionId: z.string().nullish(),
  datasetRunId: z.string().nullish(),
  observationId: z.string().nullish(),
  environment: z.string().nullish(),
  comment: z.string().nullish(),
  metadata: json.nullish(),
  source: z.enum(['API', 'EVAL', 'ANNOTATION']).optional(),
  queueId: z.string().nullish(),
  configId: z.string().nullish(),
});

/**
 * A score (ScoreBody of the ingestion API, PostScoresBody of `POST /api/public/scores`): the value
 * must match the data type (BOOLEAN as 0 or 1), and exactly one of traceId (with an optional
 * observationId), sessionId or datasetRunId names its target.
 */
export const scoreBody = z
  .union([
    scoreFoundation.extend({ dataType: z.literal('NUMERIC'), value: z.number() }),
    scoreFoundation.extend({ dataType: z.literal('CATEGORICAL'), value: z.string() }),
    scoreFoundation.extend({
      dataType: z.literal('BOOLEAN'),
      value: z.number().refine((value) => value === 0 || value === 1, {
        message: 'Value must be a number equal to either 0 or 1 for data type BOOLEAN',
      }),
    }),
    scoreFoundation.extend({ dataType: z.literal('CORRECTION'), value: z.string() }),
    scoreFoundation.extend({ dataType: z.literal('TEXT'), value: z.string().min(1).max(500) }),
    scoreFoundation.extend({ dataType: z.undefined().optional(), value: z.union([z.string(), z.number()]) }),
  ])
  .refine(
    (data) =>
      (Boolean(data.traceId) && !data.sessionId && !data.datasetRunId) ||
      (Boolean(data.sessionId) && !data.traceId && !data.datasetRunId && !data.observationId) ||
      (Boolean(data.datasetRunId) && !data.traceId && !data.sessionId && !data.observationId),
    {
      message:
        'Provide exactly one of the following: traceId (with optional observationId), sessionId or datasetRunId. ObservationId requires traceId.',
      path: ['traceId', 'sessionId', 'datasetRunId', 'observationId'],
    },
  );

/** `POST /api/public/ingestion`, first pass: the envelope only (a failure here is a 400 for all). */
export const ingestionRequestBody = z.object({
  batch: z.array(z.unknown()),
  metadata: json.nullish(),
});

/** One ingestion event's envelope (BaseEvent). */
export const ingestionEventEnvelope = z.object({
  id: ingestionId,
  timestamp: z.iso.datetime({ offset: true }),
  metadata: json.nullish(),
  type: z.string(),
  body: z.unknown(),
});

/** The `score-create` event. */
export const scoreCreateEvent = ingestionEventEnvelope.extend({
  type: z.literal('score-create'),
  body: scoreBody,
});

/** Ingestion event types Langfuse knows (IngestionEvent's union and the server's event types). */
export const ingestionEventTypes = [
  'trace-create',
  'score-create',
  'span-create',
  'span-update',
  'generation-create',
  'generation-update',
  'event-create',
  'sdk-log',
  'observation-create',
  'observation-update',
] as const;

/** Langfuse's ingestion and dataset endpoints read bodies up to 4.5 MB. */
export const maxBodyBytes = 4.5 * 1024 * 1024;

const otelAnyValue: z.ZodType<unknown> = z.lazy(() =>
  z
    .object({
      stringValue: z.string().optional(),
      intValue: z.union([z.number().int(), z.string().regex(/^-?\d+$/)]).optional(),
      doubleValue: z.number().optional(),
      boolValue: z.boolean().optional(),
      arrayValue: z.object({ values: z.array(otelAnyValue).optional() }).optional(),
      kvlistValue: z.object({ values: z.array(otelAttribute).optional() }).optional(),
      bytesValue: z.string().optional(),
    })
    .refine((value) => Object.values(value).filter((field) => field !== undefined).length <= 1, {
      message: 'an AnyValue holds one value',
    }),
);
const otelAttribute: z.ZodType<unknown> = z.lazy(() =>
  z.object({ key: z.string(), value: otelAnyValue.optional() }),
);
const otelAttributes = z.array(otelAttribute).nullish();
const nanos = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]);

/**
 * `POST /api/public/otel/v1/traces` with `Content-Type: application/json` (OTLP/JSON,
 * ExportTraceServiceRequest): every span needs a trace id and span id (OTLP/JSON writes them as
 * hex: 32 and 16 characters), attributes and events must be lists.
 */
export const otlpTraceRequestBody = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({ attributes: otelAttributes }).nullish(),
        scopeSpans: z
          .array(
            z.object({
              scope: z
                .object({
                  name: z.string().optional(),
                  version: z.string().optional(),
                  attributes: otelAttributes,
                })
                .nullish(),
              spans: z
                .array(
                  z.object({
                    traceId: z.string().regex(/^[0-9a-f]{32}$/i, 'traceId must be 32 hex characters'),
                    spanId: z.string().regex(/^[0-9a-f]{16}$/i, 'spanId must be 16 hex characters'),
                    parentSpanId: z
                      .string()
                      .regex(/^([0-9a-f]{16})?$/i, 'parentSpanId must be 16 hex characters')
                      .nullish(),
                    name: z.string().optional(),
                    kind: z.number().int().min(0).max(5).optional(),
                    startTimeUnixNano: nanos.optional(),
                    endTimeUnixNano: nanos.optional(),
                    attributes: otelAttributes,
                    events: z
                      .array(
                        z.object({
                          timeUnixNano: nanos.optional(),
                          name: z.string(),
                          attributes: otelAttributes,
                        }),
                      )
                      .nullish(),
                    links: z.array(z.object({ traceId: z.string(), spanId: z.string() })).nullish(),
                    status: z
                      .object({
                        code: z.number().int().min(0).max(2).optional(),
                        message: z.string().optional(),
                      })
                      .nullish(),
                  }),
                )
                .nullish(),
            }),
          )
          .nullish(),
      }),
    )
    .nullish(),
});
