import { TracingError } from './tracing-error.js';

/** Why a Langfuse dataset could not be read. */
export type LangfuseDatasetErrorReason =
  /** No keys (or malformed `LANGFUSE_*` variables): there is no Langfuse to read from. */
  | 'not-configured'
  /** Langfuse answered 404: no dataset of that name in the keys' project. */
  | 'not-found'
  /** Langfuse answered 401 or 403: the keys are wrong or lack access. */
  | 'unauthorized'
  /** No answer: connection refused, DNS, a timeout, or 429/5xx after the client's retries. */
  | 'unreachable'
  /** An answer that is not what Langfuse sends: another 4xx, or a body that does not validate. */
  | 'invalid-response';

/**
 * A Langfuse dataset could not be read. Every reason is the caller's to fix (the keys, the base URL
 * or the dataset name they gave), which is why the code is `invalid-options`; `reason` tells which.
 *
 * @example
 * ```ts
 * try { for await (const item of readLangfuseDataset({ name: 'support' })) … }
 * catch (error) {
 *   if (LangfuseDatasetError.isInstance(error) && error.reason === 'not-found') …
 * }
 * ```
 */
export class LangfuseDatasetError extends TracingError {
  /** The dataset that was asked for. */
  readonly datasetName: string;
  readonly reason: LangfuseDatasetErrorReason;
  /** The HTTP status Langfuse answered with, when it answered. */
  readonly status: number | undefined;

  constructor(
    details: { datasetName: string; reason: LangfuseDatasetErrorReason; status?: number },
    message: string,
    options?: { cause?: unknown },
  ) {
    super('invalid-options', message, options);
    this.name = 'LangfuseDatasetError';
    this.datasetName = details.datasetName;
    this.reason = details.reason;
    this.status = details.status;
  }

  /** Recognises a dataset read error across duplicate installs (a tracing error with a `reason`). */
  static override isInstance(error: unknown): error is LangfuseDatasetError {
    return TracingError.isInstance(error) && 'reason' in error && 'datasetName' in error;
  }
}
