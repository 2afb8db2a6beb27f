import type { ChatModel } from '@baton/core';
import { ProviderCallError, ProviderError } from '@baton/providers';

/**
 * Whether a model error is a fault of the run's setup — a call missing from the replay cassette, a
 * missing or rejected key, an unknown model — rather than of one turn. Such an error would fail
 * every turn alike and masquerade as a strategy's low quality, so the run stops on the first one.
 * Per-request rejections (400, 422: this prompt, this schema) stay per-turn failures.
 */
export function isSetupError(error: unknown): error is Error {
  if (!ProviderError.isInstance(error) || !error.isUserError) return false;
  if (error instanceof ProviderCallError || 'status' in error) {
    const status = (error as { status?: number }).status;
    return status === 401 || status === 403 || status === 404;
  }
  return true;
}

/**
 * Wraps a model so that a setup error (see {@link isSetupError}) is reported through `onSetupError`
 * before it propagates; the harness then stops the run and exits with the error.
 */
export function stopOnSetupErrors(model: ChatModel, onSetupError: (error: Error) => void): ChatModel {
  const watch = (error: unknown) => {
    if (isSetupError(error)) onSetupError(error);
    return error;
  };
  return {
    ...model,
    generate: async (request, options) => {
      try {
        return await model.generate(request, options);
      } catch (error) {
        throw watch(error);
      }
    },
    ...(model.stream
      ? {
          stream: (request, options) => {
            const stream = model.stream!(request, options);
            return (async function* () {
              try {
                yield* stream;
              } catch (error) {
                throw watch(error);
              }
            })();
          },
        }
      : {}),
  };
}
