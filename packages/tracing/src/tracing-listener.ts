import type {
  AgentRunEndEvent,
  AgentRunStartEvent,
  AttemptEndEvent,
  AttemptStartEvent,
  DelegationEndEvent,
  DelegationEvent,
  DelegationEventListener,
  DelegationStartEvent,
  ErrorInfo,
  FallbackStartEvent,
  GuardrailEndEvent,
  HandoffEndEvent,
  HandoffStartEvent,
  ModelCallEndEvent,
  ModelCallStartEvent,
  TurnEndEvent,
  TurnStartEvent,
  Usage,
  VerificationEndEvent,
} from '@baton/core';
import { LangfuseOtelSpanAttributes } from '@langfuse/tracing';
import {
  type Attributes,
  type Context,
  context as otelContext,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { BatonAttributes as B, BATON_TRACER_NAME, type BatonUnit } from './baton-attributes.js';
import {
  type ExperimentContext,
  experimentContextProblem,
  experimentSpanAttributes,
} from './experiment-context.js';
import { GenAiAttributes as G, GenAiOperation } from './gen-ai-attributes.js';
import { stderrLogger, type TracingLogger, WarnOnce } from './tracing-logger.js';

/** Where one user turn's spans went: what the harness needs to link a dataset run item to a trace. */
export interface TurnTrace {
  /** The core's event id of the turn. */
  turnId: string;
  /** OpenTelemetry (and Langfuse) trace id, 32 hex characters. */
  traceId: string;
  /** The turn span's id (the Langfuse observation id of the turn). */
  spanId: string;
  strategy: string;
  conversationId?: string;
  turnIndex?: number;
  /** Set once the turn has ended. */
  outcome?: TurnEndEvent['outcome'];
}

/** Options of {@link createTracingListener}. */
export interface TracingListenerOptions {
  /** The tracer to create spans with. Takes precedence over `tracerProvider`. */
  tracer?: Tracer;
  /** A provider to take the `@baton/tracing` tracer from; default: the global OpenTelemetry provider. */
  tracerProvider?: TracerProvider;
  /**
   * Whether message contents (user input, answers, task goals, model requests and responses) go
   * into spans. Default `true`; set `false` to keep conversation text out of traces while keeping
   * routing, verdicts, usage and timings (an error's message, free text, is then left out too: a
   * failed span carries its code only).
   */
  captureContent?: boolean;
  /** Extra trace tags (the strategy is always a tag), e.g. the eval run id or suite. */
  tags?: readonly string[];
  /**
   * Which spans carry the trace's session, user, tags and metadata besides the turn. Langfuse v4
   * is observation-first: it filters and aggregates over the observations that carry them, so
   * `all` (the default) puts them on every span. `generations` keeps them on the turn and the model
   * calls only (which still serves cost by user, session and tag) for a little less work per span.
   */
  propagateTraceAttributes?: 'generations' | 'all';
  /** Extra trace metadata (strings), e.g. `{ suite: 'support', runId: 'r42' }`. */
  metadata?: Readonly<Record<string, string>>;
  /** Called when a turn ends, with its trace id. Must not throw (errors are swallowed). */
  onTurnEnd?: (turn: TurnTrace) => void;
  /** How many ended turns {@link TracingListener.traceOf} remembers. Default 10,000. */
  recentTurns?: number;
  /**
   * Spans open at once before the oldest is force-ended (a guard against `-start` events whose
   * `-end` never comes). Default 100,000.
   */
  maxOpenSpans?: number;
  /** Where to warn if the listener itself fails. Default: stderr. */
  logger?: TracingLogger;
  /**
   * When events become spans. `immediate` (the default) builds each span as its event arrives.
   * `batched` queues events and builds their spans together — when
   * {@link TracingListenerOptions.maxQueuedEvents} are queued, or
   * {@link TracingListenerOptions.maxQueueDelayMs} after the first — which takes well under half
   * the CPU on a fast run: the SDK's code stays hot instead of being evicted by the traced work
   * between two events. Whoever flushes or shuts down the provider must then call
   * {@link TracingListener.flush} first, or the last spans miss the export (`setupTracing` does,
   * and uses this mode). {@link TracingListener.traceOf}, `openSpanCount` and
   * {@link TracingListener.endOpenSpans} build the queued spans first; `onTurnEnd` is still called
   * as each turn ends. Spans keep the events' times and the OpenTelemetry context that was active
   * when each event came; a model call's request is read when the call starts.
   */
  spanBuilding?: 'immediate' | 'batched';
  /** With `spanBuilding: 'batched'`, events queued at most before their spans are built. Default 2,000. */
  maxQueuedEvents?: number;
  /** With `spanBuilding: 'batched'`, how long the first queued event waits at most. Default 200 ms. */
  maxQueueDelayMs?: number;
  /**
   * The Langfuse v4 experiment a top-level turn belongs to, if any (an evaluation run). Its turn
   * span then carries every experiment attribute (it is the item's root observation) and every span
   * under the turn — delegations, attempts, agent runs, model calls, verifications, guardrails,
   * fallbacks, handoffs, nested teams' turns — carries the experiment id, name, dataset id, item id
   * and root observation id, which is how Langfuse v4 builds experiment runs. Called once per
   * top-level turn when its span is built (with `spanBuilding: 'batched'` that can be after the
   * event came), so it must not depend on state that changes while the turn runs. Must not throw
   * (a throw is warned about once and the turn is traced without experiment).
   */
  experimentOf?: (turn: TurnStartEvent) => ExperimentContext | undefined;
}

/** A core event listener that turns delegation events into OpenTelemetry spans. */
export interface TracingListener extends DelegationEventListener {
  /** The trace of a turn that is running or ended recently, by the turn's event id. */
  traceOf(turnId: string): TurnTrace | undefined;
  /** Ends every span still open (an interrupted run), marking them `baton.unfinished`. Returns how many. */
  endOpenSpans(): number;
  /** Spans started and not yet ended. */
  readonly openSpanCount: number;
  /** Builds the spans of every queued event now (see {@link TracingListenerOptions.spanBuilding}). */
  flush(): void;
}

/** What all spans of one turn share: the Langfuse trace attributes that every observation carries. */
interface TurnShared {
  /** Session, user, tags and caller metadata: Langfuse aggregates (cost by user…) over observations that carry them. */
  propagated: Attributes | undefined;
  /** The experiment attributes every span of an experiment item's trace carries (one frozen object). */
  experiment: Readonly<Attributes> | undefined;
  turn: TurnTrace | undefined;
}

/** What a late child of an ended unit needs of it. */
interface EndedUnit {
  spanContext: SpanContext;
  shared: TurnShared;
}

interface OpenUnit {
  span: Span;
  parentContext: Context;
  /** The context carrying `span`, built on first use as a parent. */
  context: Context | undefined;
  shared: TurnShared;
  fallbackRungs: string[] | undefined;
}

const L = LangfuseOtelSpanAttributes;
/** Ended agent runs per generation that {@link createTracingListener} keeps as parents for late verifications. */
const maxEndedRuns = 1_000;
const noShared: TurnShared = { propagated: undefined, experiment: undefined, turn: undefined };

/**
 * Creates a listener for `@baton/core`'s events that opens a span on each `-start` event, ends it
 * on the matching `-end`, nests spans through `parentId` (not through async context, because the
 * events of parallel branches interleave), and records verification, fallback, guardrail and
 * handoff as point observations. Spans carry `baton.*` attributes, OpenTelemetry GenAI attributes
 * on model calls and agent runs, and Langfuse's observation types (agent, generation, evaluator,
 * guardrail, event) so the tree reads naturally in Langfuse.
 *
 * The listener never throws; the map of open spans loses each entry at its `-end` event.
 *
 * @example
 * ```ts
 * const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
 * const listener = createTracingListener({ tracerProvider: provider, onTurnEnd: (t) => links.set(t.turnId, t.traceId) });
 * const result = await team.respond(turn, { onEvent: listener }); // or createTeam({ …, onEvent: listener })
 * ```
 */
export function createTracingListener(options: TracingListenerOptions = {}): TracingListener {
  const tracer =
    options.tracer ?? (options.tracerProvider ?? trace.getTracerProvider()).getTracer(BATON_TRACER_NAME);
  const captureContent = options.captureContent ?? true;
  const extraTags = options.tags ?? [];
  const extraMetadata: Attributes = {};
  for (const key in options.metadata) extraMetadata[`${L.TRACE_METADATA}.${key}`] = options.metadata[key];
  const propagateToAll = (options.propagateTraceAttributes ?? 'all') === 'all';
  const recentTurnLimit = Math.max(1, options.recentTurns ?? 10_000);
  const maxOpenSpans = Math.max(1, options.maxOpenSpans ?? 100_000);
  const warnings = new WarnOnce(options.logger ?? stderrLogger);
  const open = new Map<string, OpenUnit>();
  /**
   * Agent runs that ended lately (two generations of up to 1,000 each), because the core verifies
   * the front agent's own answer after that agent's run ended: the verification still joins the
   * run's trace (and its experiment) instead of starting a trace of its own. Only what a child
   * needs is kept, not the span: holding on to ended spans costs garbage collection on every span.
   */
  let endedRuns = new Map<string, EndedUnit>();
  let endedRunsBefore = new Map<string, EndedUnit>();
  const recentTurns = new Map<string, TurnTrace>();
  // The oldest remembered turn comes from one live iterator that stays at the map's front: a
  // fresh `keys().next()` per eviction walks every deleted entry V8 still keeps at the front,
  // 7.5 µs a turn at 10,000 remembered against 0.25 here (a map iterator skips what was deleted and
  // sees what was added since, by the language's own rules).
  let oldestRecentTurn = recentTurns.keys();
  const batched = options.spanBuilding === 'batched';
  const maxQueuedEvents = Math.max(1, options.maxQueuedEvents ?? 2_000);
  const maxQueueDelayMs = Math.max(0, options.maxQueueDelayMs ?? 200);
  /** Events not yet turned into spans, with the context that was active when each came. */
  let queue: DelegationEvent[] = [];
  let queuedContexts: Context[] = [];
  let drainTimer: ReturnType<typeof setTimeout> | undefined;
  let draining = false;
  /** The context active when the event being handled came (set while draining the queue). */
  let eventContext: Context | undefined;

  function contextOf(unit: OpenUnit): Context {
    unit.context ??= trace.setSpan(unit.parentContext, unit.span);
    return unit.context;
  }

  // Attributes are set after the span starts rather than passed to startSpan, which would copy
  // and validate them twice; this listener runs on the hot path of every delegation.
  function begin(
    event: DelegationEvent,
    name: string,
    attributes: Attributes,
    kind: SpanKind,
    shared: TurnShared | undefined,
    propagate = propagateToAll,
  ): OpenUnit {
    const parent = event.parentId === undefined ? undefined : open.get(event.parentId);
    let parentContext: Context;
    let parentShared: TurnShared | undefined;
    if (parent) {
      parentContext = contextOf(parent);
      parentShared = parent.shared;
    } else {
      const late = event.parentId === undefined ? undefined : endedRun(event.parentId);
      // Without a known parent the span joins whatever context is active: a caller's span, or none.
      parentContext = late
        ? trace.setSpanContext(ROOT_CONTEXT, late.spanContext)
        : (eventContext ?? otelContext.active());
      parentShared = late?.shared;
    }
    const turnShared = shared ?? parentShared ?? noShared;
    const span = tracer.startSpan(name, { kind, startTime: event.time }, parentContext);
    span.setAttributes(attributes);
    if (propagate && turnShared.propagated) span.setAttributes(turnShared.propagated);
    if (turnShared.experiment) span.setAttributes(turnShared.experiment);
    return { span, parentContext, context: undefined, shared: turnShared, fallbackRungs: undefined };
  }

  function openUnit(
    event: DelegationEvent,
    name: string,
    attributes: Attributes,
    kind: SpanKind = SpanKind.INTERNAL,
    shared?: TurnShared,
    propagate = propagateToAll,
  ): OpenUnit {
    if (open.size >= maxOpenSpans) evictOldest();
    const unit = begin(event, name, attributes, kind, shared, propagate);
    open.set(event.id, unit);
    return unit;
  }

  function point(event: DelegationEvent, name: string, attributes: Attributes): Span {
    return begin(event, name, attributes, SpanKind.INTERNAL, undefined, propagateToAll).span;
  }

  function close(event: DelegationEvent): OpenUnit | undefined {
    const unit = open.get(event.id);
    if (unit) open.delete(event.id);
    return unit;
  }

  function rememberEndedRun(id: string, unit: OpenUnit): void {
    // Two generations instead of evicting one by one: a Map emptied from its front gets slow.
    if (endedRuns.size >= maxEndedRuns) {
      endedRunsBefore = endedRuns;
      endedRuns = new Map();
    }
    endedRuns.set(id, { spanContext: unit.span.spanContext(), shared: unit.shared });
  }

  function endedRun(id: string): EndedUnit | undefined {
    return endedRuns.get(id) ?? endedRunsBefore.get(id);
  }

  function evictOldest(): void {
    const oldest = open.keys().next();
    if (oldest.done) return;
    const unit = open.get(oldest.value)!;
    open.delete(oldest.value);
    unit.span.setAttribute(B.UNFINISHED, true);
    unit.span.end();
    warnings.warn(
      'evicted',
      `More than ${maxOpenSpans} spans were open at once; the oldest were ended early. Are -end events missing?`,
    );
  }

  function onTurnStart(event: TurnStartEvent): void {
    const turn: TurnTrace = {
      turnId: event.id,
      traceId: '',
      spanId: '',
      strategy: event.strategy,
      conversationId: event.conversationId,
      turnIndex: event.turnIndex,
    };
    const propagated: Attributes = { [L.TRACE_TAGS]: [event.strategy, ...extraTags], ...extraMetadata };
    const sessionId = event.sessionId ?? event.conversationId;
    if (sessionId !== undefined) propagated[L.TRACE_SESSION_ID] = sessionId;
    if (event.userId !== undefined) propagated[L.TRACE_USER_ID] = event.userId;

    const attributes: Attributes = {
      [B.UNIT]: 'turn' satisfies BatonUnit,
      [B.STRATEGY]: event.strategy,
      [L.OBSERVATION_TYPE]: 'agent',
      [`${L.TRACE_METADATA}.strategy`]: event.strategy,
    };
    if (event.conversationId !== undefined) {
      attributes[G.CONVERSATION_ID] = event.conversationId;
      attributes[`${L.TRACE_METADATA}.conversation_id`] = event.conversationId;
    }
    if (event.turnIndex !== undefined) {
      attributes[B.TURN_INDEX] = event.turnIndex;
      attributes[`${L.TRACE_METADATA}.turn_index`] = String(event.turnIndex);
    }
    if (captureContent) attributes[L.OBSERVATION_INPUT] = event.input;

    // A nested team's turn belongs to the experiment item of the turn around it.
    const parent = event.parentId === undefined ? undefined : open.get(event.parentId);
    const shared: TurnShared = { propagated, experiment: parent?.shared.experiment, turn };
    const { span, parentContext } = openUnit(
      event,
      `turn ${event.strategy}`,
      attributes,
      SpanKind.INTERNAL,
      shared,
      true,
    );
    // The trace's name and input belong to its root; under a caller's span the caller owns them.
    if (trace.getSpan(parentContext) === undefined) {
      span.setAttribute(L.TRACE_NAME, `turn ${event.strategy}`);
      if (captureContent) span.setAttribute(L.TRACE_INPUT, event.input);
    }
    const spanContext = span.spanContext();
    turn.traceId = spanContext.traceId;
    turn.spanId = spanContext.spanId;
    if (event.parentId === undefined && options.experimentOf) joinExperiment(event, span, shared);
    remember(turn);
  }

  /** Makes a top-level turn the root of an experiment item, for its spans and every span under it. */
  function joinExperiment(event: TurnStartEvent, span: Span, shared: TurnShared): void {
    try {
      const experiment = options.experimentOf?.(event);
      if (experiment === undefined) return;
      const problem = experimentContextProblem(experiment);
      if (problem !== undefined) {
        warnings.warn(
          'experiment',
          `experimentOf gave an unusable experiment (${problem}); turns are traced without it.`,
        );
        return;
      }
      const attributes = experimentSpanAttributes(experiment, span.spanContext().spanId, captureContent);
      shared.experiment = attributes.everySpan;
      span.setAttributes(attributes.everySpan);
      span.setAttributes(attributes.root);
    } catch (error) {
      warnings.warn(
        'experiment',
        `experimentOf failed, so turns are traced without experiment: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  function remember(turn: TurnTrace): void {
    recentTurns.delete(turn.turnId);
    recentTurns.set(turn.turnId, turn);
    if (recentTurns.size > recentTurnLimit) {
      let oldest = oldestRecentTurn.next();
      // Never the case while the map holds a turn (all it holds lies ahead of the iterator), but an
      // iterator that ever ended stays ended: a new one keeps the limit.
      if (oldest.done) {
        oldestRecentTurn = recentTurns.keys();
        oldest = oldestRecentTurn.next();
      }
      if (!oldest.done) recentTurns.delete(oldest.value);
    }
  }

  function onTurnEnd(event: TurnEndEvent): void {
    const unit = close(event);
    if (!unit) return;
    const { span } = unit;
    span.setAttributes({
      [B.TURN_OUTCOME]: event.outcome,
      [B.RESPONDED_BY]: event.respondedBy,
      [B.COST_USD]: event.costUsd,
    });
    setUsage(span, event.usage);
    if (captureContent && event.answer !== null) {
      span.setAttribute(L.OBSERVATION_OUTPUT, event.answer);
      if (trace.getSpan(unit.parentContext) === undefined) span.setAttribute(L.TRACE_OUTPUT, event.answer);
    }
    if (event.error) setError(span, event.error, captureContent);
    else if (event.outcome === 'failed')
      setError(span, { code: 'turn-failed', message: 'The turn failed.' }, captureContent);
    else if (event.outcome === 'escalated') setWarning(span, 'Escalated to a human.');
    span.end(event.time);
    const turn = unit.shared.turn;
    if (turn) {
      turn.outcome = event.outcome;
      remember(turn);
    }
  }

  /** Tells `onTurnEnd` as the turn ends, whether or not its spans are built yet. */
  function notifyTurnEnd(event: TurnEndEvent): void {
    const onTurnEnd = options.onTurnEnd;
    if (!onTurnEnd) return;
    // The turn's own span exists by now unless its start is still queued (a nested team's turn).
    if (!open.has(event.id) && !recentTurns.has(event.id)) drain();
    const turn = open.get(event.id)?.shared.turn ?? recentTurns.get(event.id);
    if (!turn) return;
    turn.outcome = event.outcome;
    try {
      onTurnEnd({ ...turn });
    } catch {
      // The callback is the caller's; its failure must not end the run.
    }
  }

  function onDelegationStart(event: DelegationStartEvent): void {
    const attributes: Attributes = {
      [B.UNIT]: 'delegation' satisfies BatonUnit,
      [B.STRATEGY]: event.strategy,
      [B.DELEGATION_MODE]: event.mode,
      [B.DELEGATION_DELEGATOR]: event.delegatorId,
      [B.DELEGATION_DEPTH]: event.depth,
      [B.DELEGATION_CANDIDATES]: JSON.stringify(event.candidates),
      [B.DELEGATION_REASON]: event.reason,
      [L.OBSERVATION_TYPE]: 'agent',
    };
    if (event.chosenAgentId !== null) attributes[B.DELEGATION_CHOSEN_AGENT] = event.chosenAgentId;
    if (captureContent) attributes[L.OBSERVATION_INPUT] = event.goal;
    const verb = event.mode === 'handoff' ? 'handoff' : 'delegate';
    openUnit(event, `${verb} ${event.chosenAgentId ?? 'nobody'}`, attributes);
  }

  function onDelegationEnd(event: DelegationEndEvent): void {
    const unit = close(event);
    if (!unit) return;
    const { span } = unit;
    const { record } = event;
    const attributes: Attributes = {
      [B.DELEGATION_OUTCOME]: record.outcome,
      [B.DELEGATION_ATTEMPTS]: record.attempts.length,
      [B.CONTEXT_POLICY]: record.context.policy,
      [B.CONTEXT_MESSAGES]: record.context.messages,
      [B.CONTEXT_CHARACTERS]: record.context.characters,
      [B.CONTEXT_REDACTIONS]: record.context.redactions,
      [B.COST_USD]: record.costUsd,
    };
    if (record.answeredBy !== undefined) attributes[B.DELEGATION_ANSWERED_BY] = record.answeredBy;
    if (record.excluded.length > 0) attributes[B.DELEGATION_EXCLUDED] = JSON.stringify(record.excluded);
    const last = record.attempts[record.attempts.length - 1];
    if (last) {
      attributes[B.ATTEMPT_NUMBER] = last.index;
      attributes[B.ATTEMPT_RUNG] = last.rung;
      attributes[B.VERDICT_PASSED] = last.outcome === 'accepted';
    }
    const rungs = record.fallbacks.map((step) => step.rung);
    const lastRung = rungs[rungs.length - 1];
    if (lastRung !== undefined) {
      attributes[B.FALLBACK_RUNG] = lastRung;
      attributes[B.FALLBACK_RUNGS] = rungs;
    }
    span.setAttributes(attributes);
    setUsage(span, record.usage);
    if (captureContent) {
      const accepted = record.attempts.find((attempt) => attempt.outcome === 'accepted');
      if (accepted?.output !== undefined) span.setAttribute(L.OBSERVATION_OUTPUT, accepted.output);
    }
    if (record.outcome === 'failed') {
      setError(
        span,
        last?.error ?? { code: 'delegation-failed', message: 'Every rung of the failure ladder failed.' },
        captureContent,
      );
    } else if (record.outcome === 'escalated') {
      setWarning(span, 'Escalated to a human.');
    } else if (rungs.length > 0) {
      setWarning(span, `Completed after fallback: ${rungs.join(', ')}.`);
    }
    span.end(event.time);
  }

  function onAttemptStart(event: AttemptStartEvent): void {
    openUnit(event, `attempt ${event.attempt} ${event.agentId} (${event.rung})`, {
      [B.UNIT]: 'attempt' satisfies BatonUnit,
      [B.AGENT_ID]: event.agentId,
      [B.ATTEMPT_NUMBER]: event.attempt,
      [B.ATTEMPT_RUNG]: event.rung,
      [B.CONTEXT_CHARACTERS]: event.contextCharacters,
      [L.OBSERVATION_TYPE]: 'span',
    });
  }

  function onAttemptEnd(event: AttemptEndEvent): void {
    const unit = close(event);
    if (!unit) return;
    const { span } = unit;
    span.setAttributes({
      [B.ATTEMPT_OUTCOME]: event.outcome,
      [B.COST_USD]: event.costUsd,
    });
    setUsage(span, event.usage);
    if (event.outcome === 'error')
      setError(
        span,
        event.error ?? { code: 'attempt-failed', message: 'The attempt failed.' },
        captureContent,
      );
    else if (event.outcome === 'rejected') setWarning(span, 'Rejected by verification.');
    span.end(event.time);
  }

  function onAgentRunStart(event: AgentRunStartEvent): void {
    const attributes: Attributes = {
      [B.UNIT]: 'agent-run' satisfies BatonUnit,
      [B.AGENT_ID]: event.agentId,
      [B.AGENT_KIND]: event.agentKind,
      [G.OPERATION_NAME]: GenAiOperation.INVOKE_AGENT,
      [G.AGENT_NAME]: event.agentId,
      [L.OBSERVATION_TYPE]: 'agent',
    };
    if (captureContent) attributes[L.OBSERVATION_INPUT] = event.goal;
    openUnit(event, `${GenAiOperation.INVOKE_AGENT} ${event.agentId}`, attributes);
  }

  function onAgentRunEnd(event: AgentRunEndEvent): void {
    const unit = close(event);
    if (!unit) return;
    rememberEndedRun(event.id, unit);
    const { span } = unit;
    if (event.confidence !== undefined) span.setAttribute(B.AGENT_CONFIDENCE, event.confidence);
    if (captureContent && event.output !== undefined) span.setAttribute(L.OBSERVATION_OUTPUT, event.output);
    if (event.error) setError(span, event.error, captureContent);
    span.end(event.time);
  }

  function onModelCallStart(event: ModelCallStartEvent): void {
    const { request } = event;
    const attributes: Attributes = {
      [B.UNIT]: 'model-call' satisfies BatonUnit,
      [B.AGENT_ID]: event.agentId,
      [G.OPERATION_NAME]: GenAiOperation.CHAT,
      [G.PROVIDER_NAME]: event.provider,
      [G.SYSTEM]: event.provider,
      [G.REQUEST_MODEL]: event.modelId,
      [L.OBSERVATION_TYPE]: 'generation',
    };
    const parameters: Record<string, string | number> = {};
    if (request.temperature !== undefined) {
      attributes[G.REQUEST_TEMPERATURE] = request.temperature;
      parameters.temperature = request.temperature;
    }
    if (request.maxOutputTokens !== undefined) {
      attributes[G.REQUEST_MAX_TOKENS] = request.maxOutputTokens;
      parameters.max_tokens = request.maxOutputTokens;
    }
    if (request.toolChoice !== undefined) {
      parameters.tool_choice =
        typeof request.toolChoice === 'string' ? request.toolChoice : request.toolChoice.name;
    }
    if (request.responseFormat && request.responseFormat.type !== 'text') {
      parameters.response_format = request.responseFormat.name;
    }
    if (Object.keys(parameters).length > 0) {
      attributes[L.OBSERVATION_MODEL_PARAMETERS] = JSON.stringify(parameters);
    }
    if (captureContent) {
      attributes[L.OBSERVATION_INPUT] = JSON.stringify(
        request.tools ? { messages: request.messages, tools: request.tools } : request.messages,
      );
    }
    openUnit(event, `${GenAiOperation.CHAT} ${event.modelId}`, attributes, SpanKind.CLIENT, undefined, true);
  }

  function onModelCallEnd(event: ModelCallEndEvent): void {
    const unit = close(event);
    if (!unit) return;
    const { span } = unit;
    const { usage, response } = event;
    const attributes: Attributes = {
      [G.USAGE_INPUT_TOKENS]: usage.inputTokens,
      [G.USAGE_OUTPUT_TOKENS]: usage.outputTokens,
      [L.OBSERVATION_MODEL]: event.modelId,
      [L.OBSERVATION_USAGE_DETAILS]: JSON.stringify({
        input: usage.inputTokens,
        output: usage.outputTokens,
        total: usage.inputTokens + usage.outputTokens,
      }),
      [B.COST_USD]: event.costUsd,
    };
    if (response) {
      attributes[G.RESPONSE_MODEL] = response.modelId || event.modelId;
      attributes[G.RESPONSE_FINISH_REASONS] = [response.finishReason];
      // Only a price the adapter knew; otherwise Langfuse prices the call from its model table.
      if (response.costUsd !== undefined) {
        attributes[L.OBSERVATION_COST_DETAILS] = JSON.stringify({ total: response.costUsd });
      }
      if (captureContent) attributes[L.OBSERVATION_OUTPUT] = JSON.stringify(response.message);
    }
    span.setAttributes(attributes);
    if (event.error) setError(span, event.error, captureContent);
    span.end(event.time);
  }

  function onVerificationEnd(event: VerificationEndEvent): void {
    const parent = event.parentId === undefined ? undefined : open.get(event.parentId);
    parent?.span.setAttribute(B.VERDICT_PASSED, event.passed);
    const verdicts = JSON.stringify(event.verdicts);
    const span = point(event, `verify ${event.agentId}`, {
      [B.UNIT]: 'verification' satisfies BatonUnit,
      [B.AGENT_ID]: event.agentId,
      [B.ATTEMPT_NUMBER]: event.attempt,
      [B.VERDICT_PASSED]: event.passed,
      [B.VERDICTS]: verdicts,
      [G.EVALUATION_NAME]: 'verification',
      [G.EVALUATION_SCORE_LABEL]: event.passed ? 'pass' : 'fail',
      [L.OBSERVATION_TYPE]: 'evaluator',
      [L.OBSERVATION_OUTPUT]: `{"passed":${event.passed},"verdicts":${verdicts}}`,
    });
    if (!event.passed) {
      const failed = event.verdicts.filter((verdict) => !verdict.passed).map((verdict) => verdict.verifier);
      setWarning(span, `Failed: ${failed.join(', ') || 'verification'}.`);
    }
    span.end(event.time);
  }

  function onFallbackStart(event: FallbackStartEvent): void {
    const attributes: Attributes = {
      [B.FALLBACK_RUNG]: event.rung,
      [B.FALLBACK_REASON]: event.reason,
    };
    if (event.fromAgentId !== undefined) attributes[B.FALLBACK_FROM_AGENT] = event.fromAgentId;
    if (event.toAgentId !== undefined) attributes[B.FALLBACK_TO_AGENT] = event.toAgentId;
    const parent = event.parentId === undefined ? undefined : open.get(event.parentId);
    if (parent) {
      parent.fallbackRungs = [...(parent.fallbackRungs ?? []), event.rung];
      parent.span.addEvent('baton.fallback', attributes, event.time);
      parent.span.setAttribute(B.FALLBACK_RUNG, event.rung);
      parent.span.setAttribute(B.FALLBACK_RUNGS, parent.fallbackRungs);
    }
    // Langfuse does not show span events, so the rung also becomes an `event` observation.
    attributes[B.UNIT] = 'fallback' satisfies BatonUnit;
    attributes[L.OBSERVATION_TYPE] = 'event';
    attributes[L.OBSERVATION_LEVEL] = 'WARNING';
    attributes[L.OBSERVATION_STATUS_MESSAGE] = event.reason;
    const span = point(event, `fallback ${event.rung}`, attributes);
    span.end(event.time);
  }

  function onGuardrailEnd(event: GuardrailEndEvent): void {
    const attributes: Attributes = {
      [B.UNIT]: 'guardrail' satisfies BatonUnit,
      [B.AGENT_ID]: event.agentId,
      [B.GUARDRAIL_NAME]: event.guardrail,
      [B.GUARDRAIL_TRIGGERED]: event.triggered,
      [B.GUARDRAIL_REASON]: event.reason,
      [L.OBSERVATION_TYPE]: 'guardrail',
      [L.OBSERVATION_OUTPUT]: JSON.stringify({
        triggered: event.triggered,
        action: event.action ?? null,
        reason: event.reason,
      }),
    };
    if (event.action !== undefined) attributes[B.GUARDRAIL_ACTION] = event.action;
    const span = point(event, `guardrail ${event.guardrail}`, attributes);
    if (event.triggered) setWarning(span, event.reason);
    span.end(event.time);
  }

  function onHandoffStart(event: HandoffStartEvent): void {
    // A handoff outlives the turn it starts in, so it is a point in each trace rather than a span.
    point(event, `handoff ${event.fromAgentId} -> ${event.toAgentId}`, {
      [B.UNIT]: 'handoff' satisfies BatonUnit,
      [B.HANDOFF_FROM_AGENT]: event.fromAgentId,
      [B.HANDOFF_TO_AGENT]: event.toAgentId,
      [B.HANDOFF_REASON]: event.reason,
      [L.OBSERVATION_TYPE]: 'event',
    }).end(event.time);
  }

  function onHandoffEnd(event: HandoffEndEvent): void {
    point(event, `hand back ${event.agentId}`, {
      [B.UNIT]: 'handoff' satisfies BatonUnit,
      [B.HANDOFF_FROM_AGENT]: event.agentId,
      [B.HANDOFF_REASON]: event.reason,
      [L.OBSERVATION_TYPE]: 'event',
    }).end(event.time);
  }

  function handle(event: DelegationEvent): void {
    switch (event.type) {
      case 'turn-start':
        onTurnStart(event);
        break;
      case 'turn-end':
        onTurnEnd(event);
        break;
      case 'delegation-start':
        onDelegationStart(event);
        break;
      case 'delegation-end':
        onDelegationEnd(event);
        break;
      case 'attempt-start':
        onAttemptStart(event);
        break;
      case 'attempt-end':
        onAttemptEnd(event);
        break;
      case 'agent-run-start':
        onAgentRunStart(event);
        break;
      case 'agent-run-end':
        onAgentRunEnd(event);
        break;
      case 'model-call-start':
        onModelCallStart(event);
        break;
      case 'model-call-end':
        onModelCallEnd(event);
        break;
      case 'verification-end':
        onVerificationEnd(event);
        break;
      case 'fallback-start':
        onFallbackStart(event);
        break;
      case 'guardrail-end':
        onGuardrailEnd(event);
        break;
      case 'handoff-start':
        onHandoffStart(event);
        break;
      case 'handoff-end':
        onHandoffEnd(event);
        break;
      default:
      // Event types added to the core later are ignored until tracing learns them.
    }
  }

  function handleSafely(event: DelegationEvent): void {
    try {
      handle(event);
    } catch (error) {
      warnings.warn(
        'listener',
        `Tracing failed on a ${event.type} event and skipped it: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  function drain(): void {
    // A callback (onTurnEnd) that asks for a trace while the queue drains finds it already built.
    if (draining) return;
    draining = true;
    try {
      while (queue.length > 0) {
        const events = queue;
        const contexts = queuedContexts;
        queue = [];
        queuedContexts = [];
        for (let index = 0; index < events.length; index++) {
          eventContext = contexts[index];
          handleSafely(events[index]!);
        }
      }
    } finally {
      eventContext = undefined;
      draining = false;
    }
  }

  function scheduledDrain(): void {
    drainTimer = undefined;
    drain();
  }

  const listener = ((event: DelegationEvent) => {
    if (!batched) {
      handleSafely(event);
    } else if (
      event.type === 'model-call-start' ||
      (event.type === 'turn-start' && event.parentId === undefined && options.onTurnEnd)
    ) {
      // A model call's request may change after the call (the caller appends to its messages), so
      // it is read now; for onTurnEnd, a top-level turn's span is made at once so that its trace
      // id is known when the turn ends. A model call's parents are built first; nothing queued is
      // the parent of a top-level turn, unless an earlier unit with the same id is still open.
      if (event.type === 'model-call-start' || open.has(event.id)) drain();
      handleSafely(event);
    } else {
      queue.push(event);
      queuedContexts.push(otelContext.active());
      if (queue.length >= maxQueuedEvents) {
        drain();
      } else if (drainTimer === undefined) {
        drainTimer = setTimeout(scheduledDrain, maxQueueDelayMs);
        // Spans still queued must not keep a finished process alive; shutdown flushes them.
        drainTimer.unref?.();
      }
    }
    if (event.type === 'turn-end') notifyTurnEnd(event);
  }) as TracingListener;

  listener.flush = drain;
  listener.traceOf = (turnId) => {
    drain();
    const turn = recentTurns.get(turnId);
    return turn ? { ...turn } : undefined;
  };
  listener.endOpenSpans = () => {
    drain();
    const units = [...open.values()].reverse();
    open.clear();
    endedRuns = new Map();
    endedRunsBefore = new Map();
    const now = Date.now();
    for (const unit of units) {
      unit.span.setAttribute(B.UNFINISHED, true);
      unit.span.setStatus({ code: SpanStatusCode.ERROR, message: 'Still open when tracing shut down.' });
      unit.span.end(now);
    }
    return units.length;
  };
  Object.defineProperty(listener, 'openSpanCount', {
    get: () => {
      drain();
      return open.size;
    },
    enumerable: true,
  });
  return listener;
}

function setUsage(span: Span, usage: Usage): void {
  span.setAttribute(B.USAGE_INPUT_TOKENS, usage.inputTokens);
  span.setAttribute(B.USAGE_OUTPUT_TOKENS, usage.outputTokens);
}

/**
 * Marks a span failed. An error's message is free text that can quote the conversation (a remote
 * agent's reason, a model's refusal): without `captureContent` only its code goes into the span.
 */
function setError(span: Span, error: ErrorInfo, captureContent: boolean): void {
  const message = captureContent ? `${error.code}: ${error.message}` : error.code;
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.setAttribute(B.ERROR_CODE, error.code);
  if (error.cause !== undefined) span.setAttribute(B.ERROR_CAUSE, error.cause);
  span.setAttribute(G.ERROR_TYPE, error.code);
  span.setAttribute(L.OBSERVATION_LEVEL, 'ERROR');
  span.setAttribute(L.OBSERVATION_STATUS_MESSAGE, message);
}

function setWarning(span: Span, message: string): void {
  span.setAttribute(L.OBSERVATION_LEVEL, 'WARNING');
  span.setAttribute(L.OBSERVATION_STATUS_MESSAGE, message);
}
