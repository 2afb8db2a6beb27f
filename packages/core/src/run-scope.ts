import { BatonError, BudgetExceededError, toBatonError } from './baton-error.js';
import { Budget, type BudgetLimits } from './budget.js';
import type { ChatModel, ChatRequest, ChatResponse, EmbeddingModel } from './chat-model.js';
import { emptyUsage } from './chat-model.js';
import { type Clock, systemClock } from './clock.js';
import { createId } from './create-id.js';
import type { DelegationEvent, DelegationEventListener } from './delegation-event.js';
import type { RemoteCall } from './delegation-record.js';

/** Limits that hold for a whole delegation tree. */
export interface RunLimits {
  /** Deepest allowed nesting of delegations (the front agent's own delegation is depth 1). */
  maxDepth: number;
  /** Default time one delegation attempt may take. */
  attemptTimeoutMs?: number;
}

type WithoutTime<T> = T extends DelegationEvent ? Omit<T, 'time'> : never;

const eventClock =
  typeof performance === 'undefined' ? Date : { now: () => performance.timeOrigin + performance.now() };

/**
 * Step 5 of delegation, monitoring: what flows down a delegation tree — cancellation, deadline,
 * budget, depth, the path of agents (for cycle detection), tool grants, and the event listener.
 * Every agent run and model call receives a scope and goes through it, so limits are enforced
 * *before* a call rather than discovered after.
 */
export class RunScope {
  readonly depth: number;
  /** Agent ids from the root delegator down to the current agent. */
  readonly path: readonly string[];
  readonly budget: Budget;
  readonly deadline: number | undefined;
  readonly limits: RunLimits;
  /** Event id that new units nest under. */
  readonly parentEventId: string | undefined;
  /** Tools the current branch may use; `undefined` means no restriction from above. */
  readonly toolGrant: ReadonlySet<string> | undefined;
  /** Where time and timers come from (deadlines, timeouts, wall-time budgets). */
  readonly clock: Clock;
  private readonly listener: DelegationEventListener | undefined;
  private readonly onRemote: ((call: RemoteCall) => void) | undefined;
  /** The signal that can cancel this scope; `undefined` when nothing can (no signal was given). */
  private readonly source: AbortSignal | undefined;
  /** The never-aborting signal {@link RunScope.signal} hands out when there is no source. */
  private idleSignal: AbortSignal | undefined;

  constructor(
    init: {
      /** What cancels the scope; none (or `undefined`): nothing can. */
      signal?: AbortSignal | undefined;
      depth?: number;
      path?: readonly string[];
      budget?: Budget;
      deadline?: number;
      limits?: Partial<RunLimits>;
      listener?: DelegationEventListener;
      parentEventId?: string;
      toolGrant?: ReadonlySet<string>;
      /** Receives {@link RunScope.reportRemote} calls: the enclosing attempt's record. */
      onRemote?: ((call: RemoteCall) => void) | undefined;
      /** Default: {@link systemClock}. Children inherit it. */
      clock?: Clock;
    } = {},
  ) {
    this.clock = init.clock ?? systemClock;
    this.source = init.signal;
    this.depth = init.depth ?? 0;
    this.path = init.path ?? [];
    this.budget = init.budget ?? new Budget({}, undefined, () => this.clock.now());
    this.deadline = init.deadline;
    this.limits = { maxDepth: 3, ...init.limits };
    this.listener = init.listener;
    this.parentEventId = init.parentEventId;
    this.toolGrant = init.toolGrant;
    this.onRemote = init.onRemote;
  }

  /**
   * Aborts when this scope is cancelled (the signal it was given, or its attempt's guard: see
   * {@link RunScope.guard}); pass it to any I/O. A scope that nothing can cancel (no signal was
   * given) hands out a signal that never aborts, created on first read: Node builds an
   * `AbortSignal` in about 3 µs, a tenth of a whole delegation, and most turns of a plain
   * `team.respond(turn)` never read it.
   */
  get signal(): AbortSignal {
    if (this.source) return this.source;
    this.idleSignal ??= new AbortController().signal;
    return this.idleSignal;
  }

  /** Whether this scope has been cancelled (or its attempt aborted); reads no signal when none can fire. */
  get aborted(): boolean {
    return this.source?.aborted ?? false;
  }

  /** Whether anyone listens; callers skip building event payloads when not. */
  get emitting(): boolean {
    return this.listener !== undefined;
  }

  /** Sends an event to the listener, stamping the time. A throwing listener never breaks a run. */
  emit(event: WithoutTime<DelegationEvent>): void {
    if (!this.listener) return;
    try {
      // The injected clock's time, so events line up with the records (and replay identically);
      // the system clock keeps sub-millisecond precision.
      const time = this.clock === systemClock ? eventClock.now() : this.clock.now();
      this.listener({ ...event, time } as DelegationEvent);
    } catch {
      // Tracing must never fail the work it observes.
    }
  }

  /**
   * Says that the current attempt's work runs in another process: a remote agent (such as an A2A
   * agent) calls this once it knows the endpoint, and again when the remote assigns a task id.
   * Fields merge into the enclosing attempt's {@link AttemptRecord.remote}; a call outside any
   * attempt does nothing.
   */
  reportRemote(call: RemoteCall): void {
    if (!this.onRemote) return;
    try {
      this.onRemote(call);
    } catch {
      // Bookkeeping must never fail the work it describes.
    }
  }

  /** A scope for work nested under this one; limits only ever narrow. */
  child(
    options: {
      agentId?: string | undefined;
      parentEventId?: string;
      budget?: BudgetLimits;
      signal?: AbortSignal;
      deadline?: number | undefined;
      toolGrant?: ReadonlySet<string>;
      nest?: boolean;
      /** Where {@link RunScope.reportRemote} goes from here down (a new attempt); default: inherited. */
      onRemote?: (call: RemoteCall) => void;
    } = {},
  ): RunScope {
    const deadline =
      options.deadline === undefined
        ? this.deadline
        : this.deadline === undefined
          ? options.deadline
          : Math.min(this.deadline, options.deadline);
    let toolGrant = this.toolGrant;
    if (options.toolGrant) {
      toolGrant = toolGrant
        ? new Set([...options.toolGrant].filter((tool) => toolGrant?.has(tool)))
        : options.toolGrant;
    }
    return new RunScope({
      signal: options.signal ?? this.source,
      depth: options.nest ? this.depth + 1 : this.depth,
      path: options.agentId ? [...this.path, options.agentId] : this.path,
      budget: options.budget ? this.budget.child(options.budget) : this.budget,
      deadline,
      limits: this.limits,
      listener: this.listener,
      parentEventId: options.parentEventId ?? this.parentEventId,
      toolGrant,
      clock: this.clock,
      onRemote: options.onRemote ?? this.onRemote,
    });
  }

  /**
   * A controller that aborts after `timeoutMs` (with a `timeout` error naming `what`) or when this
   * scope is cancelled, whichever comes first. Call `dispose()` when the work ends, so no timer or
   * listener outlives it. Without a timeout the scope's own signal is returned.
   */
  timeout(timeoutMs: number | undefined, what: string): { signal: AbortSignal; dispose(): void } {
    if (timeoutMs === undefined) return { signal: this.signal, dispose: () => undefined };
    const controller = new AbortController();
    const detach = this.forwardAbort(controller);
    const timer = this.clock.setTimeout(() => {
      controller.abort(new BatonError('timeout', `${what} did not finish within ${timeoutMs} ms.`));
    }, timeoutMs);
    return {
      signal: controller.signal,
      dispose: () => {
        this.clock.clearTimeout(timer);
        detach();
      },
    };
  }

  /**
   * A signal for one unit of work (an attempt) that aborts as soon as the first of these passes:
   * this scope's cancellation, `timeoutMs` (error `timeout`), this scope's deadline
   * (`deadline-exceeded`) or what is left of its wall-time budget (`budget-exceeded`). So a deadline
   * or a wall-time budget stops the running work when it passes, not only the next call. Call
   * `dispose()` when the work ends, so no timer or listener outlives it.
   */
  guard(what: string, timeoutMs?: number): { signal: AbortSignal; dispose(): void } {
    const limits: { inMs: number; error: () => BatonError }[] = [];
    if (timeoutMs !== undefined) {
      limits.push({
        inMs: timeoutMs,
        error: () => new BatonError('timeout', `${what} did not finish within ${timeoutMs} ms.`),
      });
    }
    if (this.deadline !== undefined) {
      const deadline = this.deadline;
      limits.push({
        inMs: deadline - this.clock.now(),
        error: () =>
          new BatonError(
            'deadline-exceeded',
            `The deadline (${new Date(deadline).toISOString()}) passed while ${what} was running; the attempt was aborted.`,
          ),
      });
    }
    const wallTime = this.budget.remaining().wallTimeMs;
    if (Number.isFinite(wallTime)) {
      limits.push({
        inMs: wallTime,
        error: () =>
          new BudgetExceededError(
            'wallTimeMs',
            0,
            0,
            `The wall-time budget ran out while ${what} was running; the attempt was aborted.`,
          ),
      });
    }
    const first = limits.sort((a, b) => a.inMs - b.inMs)[0];
    if (!first) return { signal: this.signal, dispose: () => undefined };
    const controller = new AbortController();
    const detach = this.forwardAbort(controller);
    // A limit already passed aborts at once; one due now (a zero timeout) on the next timer tick.
    if (first.inMs < 0 && !controller.signal.aborted) controller.abort(first.error());
    const timer = controller.signal.aborted
      ? undefined
      : this.clock.setTimeout(() => controller.abort(first.error()), first.inMs);
    return {
      signal: controller.signal,
      dispose: () => {
        if (timer !== undefined) this.clock.clearTimeout(timer);
        detach();
      },
    };
  }

  /**
   * Aborts `controller` when this scope's signal aborts (at once if it already has); returns the
   * function that stops listening. Without a source nothing can abort, so nothing listens.
   */
  private forwardAbort(controller: AbortController): () => void {
    const source = this.source;
    if (!source) return noop;
    if (source.aborted) {
      controller.abort(source.reason);
      return noop;
    }
    const onAbort = () => controller.abort(source.reason);
    source.addEventListener('abort', onAbort, { once: true });
    return () => source.removeEventListener('abort', onAbort);
  }

  /** Throws if cancelled or past the deadline or out of budget: call before starting any work. */
  ensureCanProceed(estimate: { tokens?: number; costUsd?: number } = {}): void {
    if (this.source?.aborted) throw abortError(this.source);
    if (this.deadline !== undefined && this.clock.now() >= this.deadline) {
      throw new BatonError('deadline-exceeded', 'The deadline passed before the call could start.');
    }
    this.budget.ensure(estimate);
  }

  /**
   * Calls a model under this scope's limits: refuses before the call when the estimated tokens
   * exceed the budget, emits `model-call-start`/`-end`, charges usage and cost, honours the signal.
   */
  async callModel(
    model: ChatModel,
    request: ChatRequest,
    options: { agentId: string },
  ): Promise<ChatResponse> {
    const tokens = estimateTokens(request);
    const costUsd = model.estimateCostUsd?.({
      inputTokens: tokens - outputAllowance(request),
      outputTokens: outputAllowance(request),
    });
    this.ensureCanProceed();
    // Refused here, before the request leaves, when the estimate does not fit what is left.
    const reservation = this.budget.reserve({ tokens, ...(costUsd !== undefined ? { costUsd } : {}) });
    const id = createId('call');
    const started = this.clock.now();
    if (this.emitting) {
      this.emit({
        type: 'model-call-start',
        id,
        parentId: this.parentEventId,
        agentId: options.agentId,
        provider: model.provider,
        modelId: model.modelId,
        request,
      });
    }
    try {
      const source = this.source;
      // Without a source nothing can cancel the call: no signal to pass, no race to run.
      const response = await (source
        ? raceSignal(model.generate(request, { signal: source }), source)
        : model.generate(request, noCallOptions));
      reservation.settle(response.usage, response.costUsd ?? 0);
      if (this.emitting) {
        this.emit({
          type: 'model-call-end',
          id,
          parentId: this.parentEventId,
          agentId: options.agentId,
          provider: model.provider,
          modelId: response.modelId || model.modelId,
          response,
          usage: response.usage,
          costUsd: response.costUsd ?? 0,
          latencyMs: this.clock.now() - started,
        });
      }
      return response;
    } catch (error) {
      reservation.release();
      const batonError = toBatonError(error, 'model-error');
      this.emit({
        type: 'model-call-end',
        id,
        parentId: this.parentEventId,
        agentId: options.agentId,
        provider: model.provider,
        modelId: model.modelId,
        error: { code: batonError.code, message: batonError.message },
        usage: emptyUsage,
        costUsd: 0,
        latencyMs: this.clock.now() - started,
      });
      throw batonError;
    }
  }

  /**
   * Embeds texts under this scope's limits, like {@link RunScope.callModel}: refuses before the call
   * when the estimated tokens (4 characters a token) exceed the budget, emits
   * `embedding-call-start`/`-end`, charges usage and cost, honours the signal.
   */
  async callEmbedding(
    model: EmbeddingModel,
    request: { values: string[] },
    options: { agentId: string },
  ): Promise<{ embeddings: number[][]; usage: { inputTokens: number }; costUsd?: number }> {
    let characters = 0;
    for (const value of request.values) characters += value.length;
    const tokens = Math.ceil(characters / 4);
    this.ensureCanProceed();
    const reservation = this.budget.reserve({ tokens });
    const id = createId('embed');
    const started = this.clock.now();
    if (this.emitting) {
      this.emit({
        type: 'embedding-call-start',
        id,
        parentId: this.parentEventId,
        agentId: options.agentId,
        provider: model.provider,
        modelId: model.modelId,
        values: request.values.length,
      });
    }
    try {
      const source = this.source;
      const response = await (source
        ? raceSignal(model.embed(request, { signal: source }), source)
        : model.embed(request, noCallOptions));
      const usage = { inputTokens: response.usage.inputTokens, outputTokens: 0 };
      reservation.settle(usage, response.costUsd ?? 0);
      if (this.emitting) {
        this.emit({
          type: 'embedding-call-end',
          id,
          parentId: this.parentEventId,
          agentId: options.agentId,
          provider: model.provider,
          modelId: model.modelId,
          usage,
          costUsd: response.costUsd ?? 0,
          latencyMs: this.clock.now() - started,
        });
      }
      return response;
    } catch (error) {
      reservation.release();
      const batonError = toBatonError(error, 'model-error');
      this.emit({
        type: 'embedding-call-end',
        id,
        parentId: this.parentEventId,
        agentId: options.agentId,
        provider: model.provider,
        modelId: model.modelId,
        error: { code: batonError.code, message: batonError.message },
        usage: emptyUsage,
        costUsd: 0,
        latencyMs: this.clock.now() - started,
      });
      throw batonError;
    }
  }
}

function noop(): void {}

/** The options of a call nothing can cancel: an object still, for adapters that read `options.signal`. */
const noCallOptions: { signal?: AbortSignal } = Object.freeze({});

/** Output tokens assumed for a call that sets no `maxOutputTokens`, for budget checks. */
export const defaultOutputAllowance = 512;

function outputAllowance(request: ChatRequest): number {
  return request.maxOutputTokens ?? defaultOutputAllowance;
}

/**
 * A rough token estimate (4 characters a token, plus `maxOutputTokens` or a default allowance of
 * {@link defaultOutputAllowance}) used to refuse calls that cannot fit the budget. Deliberately provider-agnostic: exact tokenizers differ per host.
 */
export function estimateTokens(request: ChatRequest): number {
  let characters = 0;
  for (const message of request.messages) characters += message.content?.length ?? 0;
  for (const tool of request.tools ?? [])
    characters += tool.description.length + schemaLength(tool.parameters);
  return Math.ceil(characters / 4) + outputAllowance(request);
}

/**
 * Serialised lengths of tool schemas already measured: agents send the same tool objects on every
 * call. A schema changed in place after its first call keeps its first length (an estimate anyway).
 */
const schemaLengths = new WeakMap<object, number>();

/** The JSON length of a tool's parameter schema, serialised once per schema object. */
function schemaLength(parameters: Record<string, unknown>): number {
  let length = schemaLengths.get(parameters);
  if (length === undefined) {
    length = JSON.stringify(parameters).length;
    schemaLengths.set(parameters, length);
  }
  return length;
}

/** The error to throw for an aborted signal: a timeout keeps its own code. */
export function abortError(signal: AbortSignal): BatonError {
  const reason: unknown = signal.reason;
  if (BatonError.isInstance(reason)) return reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') {
    return new BatonError('timeout', reason.message, { cause: reason });
  }
  return new BatonError('aborted', 'The operation was cancelled.', { cause: reason });
}

/**
 * Settles with `promise`, or rejects as soon as `signal` aborts, whichever is first: an agent that
 * ignores its signal still cannot hold a delegation past its timeout.
 */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
