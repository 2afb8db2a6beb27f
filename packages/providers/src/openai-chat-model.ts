import type { ChatCallOptions, ChatModel, ChatRequest, ChatResponse, ChatStreamPart } from '@baton/core';
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources';
import { ChatStreamAssembler } from './chat-stream-assembler.js';
import { type ModelSetup, type OpenAIModelOptions, resolveModelSetup } from './model-setup.js';
import { chatCompletionChunkSchema, chatCompletionSchema, parseWireBody } from './openai-wire-schemas.js';
import { ProviderCallError } from './provider-error.js';
import { abortReason, raceWithAbort } from './race-with-abort.js';
import { readJsonBody } from './read-json-body.js';
import {
  type AttemptController,
  classifyAttemptError,
  createAttemptController,
  resilientCall,
} from './resilient-call.js';
import { toChatCompletionBody } from './to-chat-completion-body.js';
import { toChatResponse } from './to-chat-response.js';
import { withRetry } from './with-retry.js';

/**
 * A core {@link ChatModel} over the official `openai` SDK, for OpenAI and every OpenAI-compatible
 * host. Calls go through the host's shared limiter, a per-attempt timeout and retries with backoff;
 * failures surface as `ProviderCallError`s; usage and cost come back with every answer.
 *
 * @example
 * ```ts
 * const model = createOpenAIChatModel({ model: 'gpt-4.1-mini' }); // reads OPENAI_API_KEY
 * const response = await model.generate({ messages: [{ role: 'user', content: 'Hi' }] });
 * ```
 */
export function createOpenAIChatModel(options: OpenAIModelOptions): ChatModel {
  const setup = resolveModelSetup(options);
  return {
    specificationVersion: 'v1',
    provider: setup.provider,
    modelId: setup.modelId,
    generate: (request, callOptions) => generate(setup, request, callOptions),
    stream: (request, callOptions) => stream(setup, request, callOptions),
    // Lets a cost budget refuse a call before it is sent.
    estimateCostUsd: (usage) => setup.costOf(usage, undefined),
  };
}

// Bodies are cast to the SDK's types: `providerOptions` carries host fields those types do not know.
async function generate(
  setup: ModelSetup,
  request: ChatRequest,
  options?: ChatCallOptions,
): Promise<ChatResponse> {
  const body = toChatCompletionBody(request, { modelId: setup.modelId, quirks: setup.quirks, stream: false });
  const { hostLabel } = setup.resilience;
  const completion = await resilientCall(
    async (attempt) => {
      // The raw response, so the body is read under the idle timer (the SDK would read it unguarded).
      const response = await setup.client.chat.completions
        .create(body as unknown as ChatCompletionCreateParamsNonStreaming, {
          ...setup.requestOptions,
          signal: attempt.signal,
        })
        .asResponse();
      const raw = await readJsonBody(response, attempt, hostLabel);
      return parseWireBody(chatCompletionSchema, raw, { hostLabel, what: 'a chat completion' });
    },
    setup.resilience,
    options?.signal,
  );
  return toChatResponse(completion, { modelId: setup.modelId, costOf: setup.costOf });
}

interface OpenedStream {
  iterator: AsyncIterator<unknown>;
  first: IteratorResult<unknown>;
  attempt: AttemptController;
  release: () => void;
}

/**
 * Streams one answer. Retries happen only while opening, i.e. until the first chunk has arrived:
 * once text has reached the caller, a failure is reported rather than silently replayed. The
 * attempt's time limit covers the wait for the first chunk; after it, the idle limit covers each
 * wait for the next one (and the consumer's own time between chunks counts for neither).
 */
async function* stream(
  setup: ModelSetup,
  request: ChatRequest,
  options?: ChatCallOptions,
): AsyncGenerator<ChatStreamPart, void, undefined> {
  const signal = options?.signal;
  const body = toChatCompletionBody(request, { modelId: setup.modelId, quirks: setup.quirks, stream: true });
  const context = setup.resilience;
  const opening = withRetry(() => openStream(setup, body, signal), context.retry, signal);
  // If the caller gave up just as the stream opened, nobody will read it: close it and free the slot.
  opening.then(
    (late) => {
      if (signal?.aborted) closeOpened(late);
    },
    () => {},
  );
  const opened = await raceWithAbort(opening, signal);
  const { iterator, attempt, release } = opened;
  const assembler = new ChatStreamAssembler({ modelId: setup.modelId, costOf: setup.costOf });
  const what = { hostLabel: context.hostLabel, what: 'a stream chunk' };
  let finished = false;
  try {
    let next = opened.first;
    attempt.stopTimer();
    while (!next.done) {
      yield* assembler.push(parseWireBody(chatCompletionChunkSchema, next.value, what));
      attempt.startIdleTimer();
      try {
        next = await Promise.race([iterator.next(), attempt.cutoff]);
      } catch (error) {
        throw classifyAttemptError(error, attempt, signal, context);
      } finally {
        attempt.stopIdleTimer();
      }
    }
    // The SDK ends a stream quietly when its signal aborts, so an end may really be a cut-off.
    if (signal?.aborted) throw abortReason(signal);
    if (attempt.timedOut) throw classifyAttemptError(undefined, attempt, signal, context);
    // Text has reached the caller, so this is reported rather than retried.
    if (!assembler.finished) {
      throw new ProviderCallError(
        'invalid-response',
        `${context.hostLabel} ended the stream before it finished the answer (no finish_reason): the answer is cut short.`,
        { isRetryable: false },
      );
    }
    finished = true;
    yield { type: 'finish', response: assembler.finish() };
  } finally {
    attempt.dispose();
    release();
    // Closes the connection when the consumer stopped early or the stream failed.
    if (!finished) void iterator.return?.().catch(() => {});
  }
}

function closeOpened(opened: OpenedStream): void {
  opened.attempt.dispose();
  opened.release();
  void opened.iterator.return?.().catch(() => {});
}

async function openStream(
  setup: ModelSetup,
  body: Record<string, unknown>,
  signal: AbortSignal | undefined,
): Promise<OpenedStream> {
  const context = setup.resilience;
  const release = await context.limiter.acquire(signal);
  const attempt = createAttemptController(context, signal, context.clock);
  try {
    const opening = async () => {
      const sdkStream = await setup.client.chat.completions.create(
        body as unknown as ChatCompletionCreateParamsStreaming,
        {
          ...setup.requestOptions,
          signal: attempt.signal,
        },
      );
      const iterator: AsyncIterator<unknown> = sdkStream[Symbol.asyncIterator]();
      return { iterator, first: await iterator.next() };
    };
    const { iterator, first } = await Promise.race([opening(), attempt.cutoff]);
    if (first.done && (attempt.timedOut || signal?.aborted)) {
      throw new ProviderCallError('timeout', 'The stream ended before its first chunk.', {
        isRetryable: true,
      });
    }
    return { iterator, first, attempt, release };
  } catch (error) {
    attempt.dispose();
    release();
    throw classifyAttemptError(error, attempt, signal, context);
  }
}
