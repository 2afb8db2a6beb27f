import { LANGFUSE_SDK_EXPERIMENT_ENVIRONMENT, serializeValue } from '@langfuse/core';
import { LangfuseOtelSpanAttributes as L } from '@langfuse/tracing';
import type { Attributes } from '@opentelemetry/api';

/**
 * Which Langfuse experiment (v4) a top-level turn belongs to: one experiment run per strategy of an
 * evaluation, one experiment item per dataset item the turn answers. Langfuse v4 builds experiment
 * runs from attributes on every ingested observation, not from dataset-run links.
 */
export interface ExperimentContext {
  /** The same for every turn of one experiment run, e.g. 16 hex characters of a hash. */
  id: string;
  /** The run's name, e.g. `datasetRunName(strategy, runId)`. */
  name: string;
  /** The Langfuse id of the dataset the items belong to (from creating the dataset). */
  datasetId: string;
  /** The Langfuse id of the dataset item this turn answers. */
  itemId: string;
  /** Shown with the run; on the turn span only. */
  description?: string;
  /** Run metadata (scorer, model…), serialised once as JSON; on every span, as the Langfuse SDK does. */
  metadata?: Record<string, unknown>;
  /** What the item should produce; on the turn span only, and only when content is captured. */
  expectedOutput?: unknown;
}

/** The experiment attributes of one experiment item's trace, split by where they go. */
export interface ExperimentSpanAttributes {
  /**
   * On every span of the trace: the five attributes Langfuse v4 requires on every observation of an
   * item trace, the run metadata, and the SDK's experiment environment. Frozen, so one object can be
   * handed to every span.
   */
  everySpan: Readonly<Attributes>;
  /** On the item's root span only: description and expected output. */
  root: Attributes;
}

/**
 * The span attributes that put one turn's trace into a Langfuse v4 experiment run, as the Langfuse
 * JS SDK's experiment runner sets them (its `propagateAttributes({ _internalExperiment })`):
 * experiment id, name, metadata and dataset id, the item id and the item's root observation (the
 * turn span) on every span, with the environment `sdk-experiment`; description and expected output
 * on the root span.
 *
 * @param experiment - The turn's experiment.
 * @param rootObservationId - The span id of the item's root span (the turn span).
 * @param captureContent - Whether the expected output (conversation text) may go into the span.
 */
export function experimentSpanAttributes(
  experiment: ExperimentContext,
  rootObservationId: string,
  captureContent: boolean,
): ExperimentSpanAttributes {
  const everySpan: Attributes = {
    [L.EXPERIMENT_ID]: experiment.id,
    [L.EXPERIMENT_NAME]: experiment.name,
    [L.EXPERIMENT_DATASET_ID]: experiment.datasetId,
    [L.EXPERIMENT_ITEM_ID]: experiment.itemId,
    [L.EXPERIMENT_ITEM_ROOT_OBSERVATION_ID]: rootObservationId,
    // The SDK gives every span of an experiment item this environment (Langfuse's own span
    // processor sets the configured one when a span starts; this is set after, so it wins).
    [L.ENVIRONMENT]: LANGFUSE_SDK_EXPERIMENT_ENVIRONMENT,
  };
  const metadata = serializeValue(experiment.metadata);
  if (metadata !== undefined) everySpan[L.EXPERIMENT_METADATA] = metadata;
  const root: Attributes = {};
  if (experiment.description) root[L.EXPERIMENT_DESCRIPTION] = experiment.description;
  if (captureContent) {
    const expected = serializeValue(experiment.expectedOutput);
    if (expected !== undefined) root[L.EXPERIMENT_ITEM_EXPECTED_OUTPUT] = expected;
  }
  return { everySpan: Object.freeze(everySpan), root };
}

/** Why an experiment context cannot be used, or `undefined` when it can. */
export function experimentContextProblem(experiment: ExperimentContext): string | undefined {
  const missing = (['id', 'name', 'datasetId', 'itemId'] as const).filter(
    (key) => typeof experiment[key] !== 'string' || experiment[key] === '',
  );
  return missing.length > 0 ? `it has no ${missing.join(', ')}` : undefined;
}
