import type { DelegationEvent, TurnStartEvent } from '@baton/core';
import { LANGFUSE_SDK_EXPERIMENT_ENVIRONMENT } from '@langfuse/core';
import { LangfuseOtelSpanAttributes as L } from '@langfuse/tracing';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { at, retryFallbackFanOut } from '../test/delegation-scenarios.js';
import { BatonAttributes as B } from './baton-attributes.js';
import type { ExperimentContext } from './experiment-context.js';
import { GenAiAttributes as G } from './gen-ai-attributes.js';
import { createTestTracing } from './testing/create-test-tracing.js';
import { delegationEvents as e } from './testing/delegation-events.js';
import { findSpan, findSpans } from './testing/find-span.js';

describe('createTracingListener', () => {
  it('builds one trace per turn with retries, fallbacks, nested and parallel delegations as a tree', () => {
    const tracing = createTestTracing();
    for (const event of retryFallbackFanOut()) tracing.listener(event);

    expect(tracing.tree({ attributes: [B.FALLBACK_RUNGS] })).toMatchInlineSnapshot(`
      "turn lexical
        delegate billing {baton.fallback.rungs=[retry,alternative]}
          attempt 1 billing (primary)
            invoke_agent billing
              chat gpt-4.1-mini
            verify billing
          fallback retry
          attempt 2 billing (retry) [ERROR timeout: The attempt took longer than 5000 ms.]
          fallback alternative
          attempt 3 accounts (alternative)
            verify accounts
        delegate orders
          attempt 1 orders (primary)
            invoke_agent orders
              delegate shipping
                attempt 1 shipping (primary)"
    `);
    const spans = tracing.exporter.getFinishedSpans();
    expect(new Set(spans.map((span) => span.spanContext().traceId)).size).toBe(1);
    expect(tracing.listener.openSpanCount).toBe(0);
  });

  it('keeps parallel delegations as siblings under the turn even though their events interleave', () => {
    const tracing = createTestTracing();
    for (const event of retryFallbackFanOut()) tracing.listener(event);

    const turn = findSpan(tracing.exporter, 'turn lexical');
    const billing = findSpan(tracing.exporter, 'delegate billing');
    const orders = findSpan(tracing.exporter, 'delegate orders');
    expect(billing.parentSpanContext?.spanId).toBe(turn.spanContext().spanId);
    expect(orders.parentSpanContext?.spanId).toBe(turn.spanContext().spanId);
    expect(findSpan(tracing.exporter, 'delegate shipping').attributes[B.DELEGATION_DEPTH]).toBe(2);
  });

  it('records routing, context, attempts, verdict and the fallback ladder on the delegation span', () => {
    const tracing = createTestTracing();
    for (const event of retryFallbackFanOut()) tracing.listener(event);

    const delegation = findSpan(tracing.exporter, 'delegate billing');
    expect(delegation.attributes).toMatchObject({
      [B.UNIT]: 'delegation',
      [B.STRATEGY]: 'lexical',
      [B.DELEGATION_CHOSEN_AGENT]: 'billing',
      [B.DELEGATION_REASON]: 'lexical match: charged',
      [B.DELEGATION_ANSWERED_BY]: 'accounts',
      [B.DELEGATION_OUTCOME]: 'completed',
      [B.CONTEXT_CHARACTERS]: 120,
      [B.CONTEXT_REDACTIONS]: 1,
      [B.ATTEMPT_NUMBER]: 3,
      [B.ATTEMPT_RUNG]: 'alternative',
      [B.VERDICT_PASSED]: true,
      [B.FALLBACK_RUNG]: 'alternative',
      [B.FALLBACK_RUNGS]: ['retry', 'alternative'],
      'langfuse.observation.type': 'agent',
      'langfuse.observation.level': 'WARNING',
      'langfuse.observation.input': 'Explain the double charge',
      'langfuse.observation.output': 'A refund is on its way.',
    });
    expect(JSON.parse(String(delegation.attributes[B.DELEGATION_CANDIDATES]))).toEqual([
      { agentId: 'billing', score: 0.9 },
      { agentId: 'accounts', score: 0.5 },
    ]);
    expect(delegation.events.map((event) => [event.name, event.attributes?.[B.FALLBACK_RUNG]])).toEqual([
      ['baton.fallback', 'retry'],
      ['baton.fallback', 'alternative'],
    ]);
    expect(delegation.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('marks failed attempts as errors and rejected ones as warnings, with verdicts on an evaluator', () => {
    const tracing = createTestTracing();
    for (const event of retryFallbackFanOut()) tracing.listener(event);

    const rejected = findSpan(tracing.exporter, 'attempt 1 billing (primary)');
    expect(rejected.status.code).toBe(SpanStatusCode.UNSET);
    expect(rejected.attributes).toMatchObject({
      [B.ATTEMPT_OUTCOME]: 'rejected',
      [B.VERDICT_PASSED]: false,
      [B.CONTEXT_CHARACTERS]: 120,
      'langfuse.observation.level': 'WARNING',
    });
    const errored = findSpan(tracing.exporter, 'attempt 2 billing (retry)');
    expect(errored.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'timeout: The attempt took longer than 5000 ms.',
    });
    expect(errored.attributes).toMatchObject({ [B.ERROR_CODE]: 'timeout', [G.ERROR_TYPE]: 'timeout' });

    const verification = findSpan(tracing.exporter, 'verify billing');
    expect(verification.attributes).toMatchObject({
      'langfuse.observation.type': 'evaluator',
      [B.VERDICT_PASSED]: false,
      [G.EVALUATION_SCORE_LABEL]: 'fail',
    });
    expect(JSON.parse(String(verification.attributes[B.VERDICTS]))).toEqual([
      { verifier: 'groundedness', passed: false, score: 0.2, reason: 'Not in the sources.' },
    ]);
    expect(findSpan(tracing.exporter, 'fallback alternative').attributes).toMatchObject({
      'langfuse.observation.type': 'event',
      [B.FALLBACK_FROM_AGENT]: 'billing',
      [B.FALLBACK_TO_AGENT]: 'accounts',
    });
  });

  it('describes model calls with the GenAI semantic conventions and as Langfuse generations', () => {
    const tracing = createTestTracing();
    for (const event of retryFallbackFanOut()) tracing.listener(event);

    const call = findSpan(tracing.exporter, 'chat gpt-4.1-mini');
    expect(call.attributes).toMatchObject({
      [G.OPERATION_NAME]: 'chat',
      [G.PROVIDER_NAME]: 'openai',
      [G.REQUEST_MODEL]: 'gpt-4.1-mini',
      [G.RESPONSE_MODEL]: 'gpt-4.1-mini-2025-04-14',
      [G.REQUEST_TEMPERATURE]: 0,
      [G.REQUEST_MAX_TOKENS]: 300,
      [G.USAGE_INPUT_TOKENS]: 50,
      [G.USAGE_OUTPUT_TOKENS]: 20,
      [G.RESPONSE_FINISH_REASONS]: ['stop'],
      'langfuse.observation.type': 'generation',
      'langfuse.observation.model.name': 'gpt-4.1-mini-2025-04-14',
      'langfuse.observation.usage_details': '{"input":50,"output":20,"total":70}',
      'langfuse.observation.cost_details': '{"total":0.0001}',
      'langfuse.observation.model.parameters': '{"temperature":0,"max_tokens":300}',
    });
    expect(JSON.parse(String(call.attributes['langfuse.observation.input']))).toEqual([
      { role: 'user', content: 'Explain the double charge' },
    ]);
    expect(findSpan(tracing.exporter, 'invoke_agent billing').attributes).toMatchObject({
      [G.OPERATION_NAME]: 'invoke_agent',
      [G.AGENT_NAME]: 'billing',
      'langfuse.observation.type': 'agent',
    });
  });

  it('marks a failed model call as an errored generation without response attributes', () => {
    const tracing = createTestTracing();
    tracing.listener(e.modelCallStart({ id: 'call', time: at(0), modelId: 'gpt-4.1-mini' }));
    tracing.listener(
      e.modelCallEnd({
        id: 'call',
        time: at(1),
        modelId: 'gpt-4.1-mini',
        error: { code: 'model-error', message: '429 Too Many Requests' },
      }),
    );

    const call = findSpan(tracing.exporter, 'chat gpt-4.1-mini');
    expect(call.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'model-error: 429 Too Many Requests',
    });
    expect(call.attributes[G.RESPONSE_MODEL]).toBeUndefined();
    expect(call.attributes['langfuse.observation.level']).toBe('ERROR');
    expect(call.attributes['langfuse.observation.model.name']).toBe('gpt-4.1-mini');
    expect(call.attributes[B.ERROR_CAUSE]).toBeUndefined();
  });

  it("keeps the code of the agent's own error beside the core's", () => {
    const tracing = createTestTracing();
    tracing.listener(e.modelCallStart({ id: 'call', time: at(0), modelId: 'gpt-4.1-mini' }));
    tracing.listener(
      e.modelCallEnd({
        id: 'call',
        time: at(1),
        modelId: 'gpt-4.1-mini',
        error: { code: 'delegation-failed', message: 'Ledger offline.', cause: 'remote-failed' },
      }),
    );
    const call = findSpan(tracing.exporter, 'chat gpt-4.1-mini');
    expect(call.attributes[B.ERROR_CODE]).toBe('delegation-failed');
    expect(call.attributes[B.ERROR_CAUSE]).toBe('remote-failed');
  });

  it('puts session, user, tags and metadata on the turn and, when asked, only on its generations besides', () => {
    const tracing = createTestTracing({
      tags: ['run-42'],
      metadata: { suite: 'support' },
      propagateTraceAttributes: 'generations',
    });
    for (const event of retryFallbackFanOut()) tracing.listener(event);

    const turn = findSpan(tracing.exporter, 'turn lexical');
    expect(turn.attributes).toMatchObject({
      'session.id': 'conv-7',
      'user.id': 'user-3',
      'langfuse.trace.tags': ['lexical', 'run-42'],
      'langfuse.trace.name': 'turn lexical',
      'langfuse.trace.metadata.suite': 'support',
      'langfuse.trace.metadata.strategy': 'lexical',
      'langfuse.trace.metadata.conversation_id': 'conv-7',
      'langfuse.trace.metadata.turn_index': '2',
      'langfuse.trace.input': 'I was charged twice, and where is my order?',
      'langfuse.trace.output': 'A refund is on its way; your order shipped Monday.',
      [B.TURN_OUTCOME]: 'answered',
      [B.RESPONDED_BY]: ['accounts', 'orders'],
      [G.CONVERSATION_ID]: 'conv-7',
    });
    // Langfuse's cost-by-user/session/tag views read these on the observations that carry cost.
    expect(findSpan(tracing.exporter, 'chat gpt-4.1-mini').attributes).toMatchObject({
      'session.id': 'conv-7',
      'user.id': 'user-3',
      'langfuse.trace.tags': ['lexical', 'run-42'],
      'langfuse.trace.metadata.suite': 'support',
    });
    expect(findSpan(tracing.exporter, 'delegate billing').attributes['session.id']).toBeUndefined();
  });

  it('carries the trace attributes to every span by default, as Langfuse v4 filters observations by them', () => {
    const tracing = createTestTracing();
    for (const event of retryFallbackFanOut()) tracing.listener(event);

    for (const span of tracing.exporter.getFinishedSpans()) {
      expect(span.attributes['session.id'], span.name).toBe('conv-7');
      expect(span.attributes['langfuse.trace.tags'], span.name).toEqual(['lexical']);
    }
  });

  it('keeps message contents out of spans when captureContent is off', () => {
    const tracing = createTestTracing({ captureContent: false });
    for (const event of retryFallbackFanOut()) tracing.listener(event);

    const contentKeys = ['langfuse.observation.input', 'langfuse.trace.input', 'langfuse.trace.output'];
    for (const span of tracing.exporter.getFinishedSpans()) {
      for (const key of contentKeys) expect(span.attributes[key], `${span.name} ${key}`).toBeUndefined();
      if (span.attributes[B.UNIT] !== 'verification' && span.attributes[B.UNIT] !== 'guardrail') {
        expect(span.attributes['langfuse.observation.output'], span.name).toBeUndefined();
      }
    }
    expect(findSpan(tracing.exporter, 'chat gpt-4.1-mini').attributes[G.USAGE_INPUT_TOKENS]).toBe(50);
    // An error's message is free text that can quote the conversation: only its code goes in.
    const failed = tracing.exporter.getFinishedSpans().filter((span) => span.attributes[B.ERROR_CODE]);
    expect(failed.length).toBeGreaterThan(0);
    for (const span of failed) {
      expect(span.status.message, span.name).toBe(span.attributes[B.ERROR_CODE]);
      expect(span.attributes['langfuse.observation.status_message'], span.name).toBe(
        span.attributes[B.ERROR_CODE],
      );
    }
  });

  it('reports the trace of each turn, during and after it, and to onTurnEnd', () => {
    const ended: unknown[] = [];
    const tracing = createTestTracing({ onTurnEnd: (turn) => ended.push(turn) });
    const events = retryFallbackFanOut();
    tracing.listener(events[0]!);
    const during = tracing.listener.traceOf('turn-1');
    for (const event of events.slice(1)) tracing.listener(event);

    const turn = findSpan(tracing.exporter, 'turn lexical').spanContext();
    expect(during).toMatchObject({ turnId: 'turn-1', traceId: turn.traceId, spanId: turn.spanId });
    expect(tracing.listener.traceOf('turn-1')).toEqual({
      turnId: 'turn-1',
      traceId: turn.traceId,
      spanId: turn.spanId,
      strategy: 'lexical',
      conversationId: 'conv-7',
      turnIndex: 2,
      outcome: 'answered',
    });
    expect(ended).toEqual([tracing.listener.traceOf('turn-1')]);
    expect(tracing.listener.traceOf('turn-unknown')).toBeUndefined();
  });

  it('forgets the oldest ended turns beyond recentTurns', () => {
    const tracing = createTestTracing({ recentTurns: 2 });
    for (const id of ['t1', 't2', 't3']) {
      tracing.listener(e.turnStart({ id, time: at(0) }));
      tracing.listener(e.turnEnd({ id, time: at(1) }));
    }
    expect(['t1', 't2', 't3'].map((id) => tracing.listener.traceOf(id)?.turnId)).toEqual([
      undefined,
      't2',
      't3',
    ]);
  });

  it('remembers exactly the last recentTurns ended turns however many go by', () => {
    const tracing = createTestTracing({ recentTurns: 3 });
    const ids = Array.from({ length: 40 }, (_, index) => `t${index}`);
    ids.forEach((id, index) => {
      tracing.listener(e.turnStart({ id, time: at(2 * index) }));
      tracing.listener(e.turnEnd({ id, time: at(2 * index + 1) }));
      const remembered = ids.filter((known) => tracing.listener.traceOf(known) !== undefined);
      expect(remembered).toEqual(ids.slice(Math.max(0, index - 2), index + 1));
    });
  });

  it('marks failed and escalated turns', () => {
    const tracing = createTestTracing();
    tracing.listener(e.turnStart({ id: 'failed', time: at(0) }));
    tracing.listener(
      e.turnEnd({
        id: 'failed',
        time: at(1),
        outcome: 'failed',
        error: { code: 'budget-exceeded', message: 'Out of tokens.' },
      }),
    );
    tracing.listener(e.turnStart({ id: 'escalated', time: at(2) }));
    tracing.listener(e.turnEnd({ id: 'escalated', time: at(3), outcome: 'escalated', answer: null }));

    const [failed, escalated] = tracing.exporter.getFinishedSpans();
    expect(failed?.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'budget-exceeded: Out of tokens.',
    });
    expect(escalated?.status.code).toBe(SpanStatusCode.UNSET);
    expect(escalated?.attributes['langfuse.observation.level']).toBe('WARNING');
  });

  it('records guardrails and handoffs as typed point observations under their parent', () => {
    const tracing = createTestTracing();
    tracing.listener(e.turnStart({ id: 'turn', time: at(0) }));
    tracing.listener(e.agentRunStart({ id: 'run', parentId: 'turn', time: at(1), agentId: 'legal' }));
    tracing.listener(
      e.guardrailEnd({
        id: 'guard',
        parentId: 'run',
        time: at(2),
        agentId: 'legal',
        guardrail: 'no-legal-advice',
        triggered: true,
        action: 'escalate',
        reason: 'Asks for legal advice.',
      }),
    );
    tracing.listener(e.agentRunEnd({ id: 'run', parentId: 'turn', time: at(3), agentId: 'legal' }));
    tracing.listener({
      type: 'handoff-start',
      id: 'hand',
      parentId: 'turn',
      time: at(4),
      fromAgentId: 'front',
      toAgentId: 'sales',
      reason: 'Wants to buy.',
    });
    tracing.listener({
      type: 'handoff-end',
      id: 'hand',
      parentId: 'turn',
      time: at(5),
      agentId: 'sales',
      reason: 'Done.',
    });
    tracing.listener(e.turnEnd({ id: 'turn', time: at(6) }));

    expect(tracing.tree()).toMatchInlineSnapshot(`
      "turn test
        invoke_agent legal
          guardrail no-legal-advice
        handoff front -> sales
        hand back sales"
    `);
    expect(findSpan(tracing.exporter, 'guardrail no-legal-advice').attributes).toMatchObject({
      'langfuse.observation.type': 'guardrail',
      'langfuse.observation.level': 'WARNING',
      [B.GUARDRAIL_TRIGGERED]: true,
      [B.GUARDRAIL_ACTION]: 'escalate',
    });
    expect(
      findSpans(tracing.exporter, (span) => span.attributes['langfuse.observation.type'] === 'event'),
    ).toHaveLength(2);
  });

  it('nests the turn under a caller span that is active, and does not claim the trace name then', () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    try {
      const tracing = createTestTracing();
      const outer = tracing.provider.getTracer('harness').startSpan('experiment item');
      context.with(trace.setSpan(context.active(), outer), () => {
        tracing.listener(e.turnStart({ id: 'turn', time: at(0) }));
      });
      tracing.listener(e.turnEnd({ id: 'turn', time: at(1) }));
      outer.end();

      const turn = findSpan(tracing.exporter, 'turn test');
      expect(turn.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
      expect(turn.attributes['langfuse.trace.name']).toBeUndefined();
      expect(tracing.listener.traceOf('turn')?.traceId).toBe(outer.spanContext().traceId);
    } finally {
      context.disable();
    }
  });

  it('starts a new trace for a unit whose parent it never saw, and ignores ends it never started', () => {
    const tracing = createTestTracing();
    tracing.listener(e.attemptEnd({ id: 'ghost', time: at(0) }));
    tracing.listener(
      e.delegationStart({ id: 'del', parentId: 'unknown', time: at(1), chosenAgentId: 'billing' }),
    );
    tracing.listener(e.delegationEnd({ id: 'del', parentId: 'unknown', time: at(2) }));

    expect(tracing.tree()).toBe('delegate billing');
    expect(findSpan(tracing.exporter, 'delegate billing').parentSpanContext).toBeUndefined();
  });

  it("keeps a verification that comes just after its agent run ended in that run's trace", () => {
    // The core verifies the front agent's own answer after its agent-run-end.
    const tracing = createTestTracing({
      experimentOf: () => ({ id: 'exp', name: 'solo:r1', datasetId: 'ds', itemId: 'item' }),
    });
    tracing.listener(e.turnStart({ id: 'turn', time: at(0) }));
    tracing.listener(e.agentRunStart({ id: 'run', parentId: 'turn', time: at(1), agentId: 'desk' }));
    tracing.listener(e.agentRunEnd({ id: 'run', parentId: 'turn', time: at(2), agentId: 'desk' }));
    tracing.listener(e.verificationEnd({ id: 'ver', parentId: 'run', time: at(3), agentId: 'desk' }));
    tracing.listener(e.turnEnd({ id: 'turn', time: at(4) }));

    expect(tracing.tree()).toBe('turn test\n  invoke_agent desk\n    verify desk');
    expect(findSpan(tracing.exporter, 'verify desk').attributes[L.EXPERIMENT_ID]).toBe('exp');
  });

  it('never throws, and warns once when an event cannot be traced', () => {
    const warnings: string[] = [];
    const tracing = createTestTracing({ logger: { warn: (message) => warnings.push(message) } });
    tracing.listener(e.delegationStart({ id: 'del', time: at(0) }));
    const broken = { type: 'delegation-end', id: 'del', time: at(1) } as unknown as DelegationEvent;
    tracing.listener(e.delegationStart({ id: 'del-2', time: at(0) }));
    const broken2 = { type: 'delegation-end', id: 'del-2', time: at(1) } as unknown as DelegationEvent;

    expect(() => tracing.listener(broken)).not.toThrow();
    expect(() => tracing.listener(broken2)).not.toThrow();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Tracing failed on a delegation-end event/);
  });

  it('ends spans still open at shutdown as unfinished errors', () => {
    const tracing = createTestTracing();
    tracing.listener(e.turnStart({ id: 'turn', time: at(0) }));
    tracing.listener(e.delegationStart({ id: 'del', parentId: 'turn', time: at(1) }));

    expect(tracing.listener.endOpenSpans()).toBe(2);
    expect(tracing.listener.openSpanCount).toBe(0);
    const spans = tracing.exporter.getFinishedSpans();
    expect(spans.map((span) => span.name)).toEqual(['delegate nobody', 'turn test']);
    for (const span of spans) {
      expect(span.attributes[B.UNFINISHED]).toBe(true);
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
    }
  });

  it('bounds the spans it holds open, force-ending the oldest with one warning', () => {
    const warnings: string[] = [];
    const tracing = createTestTracing({
      maxOpenSpans: 2,
      logger: { warn: (message) => warnings.push(message) },
    });
    for (const id of ['a', 'b', 'c', 'd']) tracing.listener(e.turnStart({ id, time: at(0) }));

    expect(tracing.listener.openSpanCount).toBe(2);
    expect(tracing.exporter.getFinishedSpans().map((span) => span.attributes[B.UNFINISHED])).toEqual([
      true,
      true,
    ]);
    expect(warnings).toHaveLength(1);
  });

  it('uses the event times as span start and end times', () => {
    const tracing = createTestTracing();
    tracing.listener(e.turnStart({ id: 'turn', time: at(0.5) }));
    tracing.listener(e.turnEnd({ id: 'turn', time: at(12.25) }));

    const [span] = tracing.exporter.getFinishedSpans();
    const ms = (time: [number, number]) => time[0] * 1000 + time[1] / 1e6;
    expect(ms(span!.startTime)).toBeCloseTo(at(0.5), 3);
    expect(ms(span!.duration)).toBeCloseTo(11.75, 3);
  });
});

describe('createTracingListener with spanBuilding: batched', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A span reduced to what a reader sees, with its parent named rather than numbered. */
  function described(tracing: ReturnType<typeof createTestTracing>) {
    const spans = tracing.exporter.getFinishedSpans();
    const names = new Map(spans.map((span) => [span.spanContext().spanId, span.name]));
    return spans.map((span) => ({
      name: span.name,
      parent: span.parentSpanContext ? names.get(span.parentSpanContext.spanId) : undefined,
      kind: span.kind,
      startTime: span.startTime,
      endTime: span.endTime,
      status: span.status,
      attributes: span.attributes,
      events: span.events.map((event) => [event.name, event.time, event.attributes]),
    }));
  }

  it('builds the same spans as immediate building, once flushed', () => {
    const immediate = createTestTracing({ tags: ['run-42'], metadata: { suite: 'support' } });
    const batched = createTestTracing({
      tags: ['run-42'],
      metadata: { suite: 'support' },
      spanBuilding: 'batched',
    });
    for (const event of retryFallbackFanOut()) {
      immediate.listener(event);
      batched.listener(event);
    }
    expect(batched.exporter.getFinishedSpans()).toHaveLength(0);

    batched.listener.flush();
    expect(described(batched)).toEqual(described(immediate));
  });

  it('builds spans when the queue is full, after maxQueueDelayMs, and when asked', async () => {
    vi.useFakeTimers();
    const full = createTestTracing({ spanBuilding: 'batched', maxQueuedEvents: 2 });
    full.listener(e.turnStart({ id: 'turn', time: at(0) }));
    full.listener(e.delegationStart({ id: 'del', parentId: 'turn', time: at(1) }));
    full.listener(e.delegationEnd({ id: 'del', parentId: 'turn', time: at(2) }));
    expect(full.tree()).toBe('');
    full.listener(e.turnEnd({ id: 'turn', time: at(3) }));
    expect(full.tree()).toBe('turn test\n  delegate nobody');

    const later = createTestTracing({ spanBuilding: 'batched', maxQueueDelayMs: 5 });
    later.listener(e.turnStart({ id: 'turn', time: at(0) }));
    later.listener(e.turnEnd({ id: 'turn', time: at(1) }));
    await vi.advanceTimersByTimeAsync(4);
    expect(later.tree()).toBe('');
    await vi.advanceTimersByTimeAsync(1);
    expect(later.tree()).toBe('turn test');

    const asked = createTestTracing({ spanBuilding: 'batched' });
    asked.listener(e.turnStart({ id: 'turn', time: at(0) }));
    asked.listener(e.delegationStart({ id: 'del', parentId: 'turn', time: at(1) }));
    expect(asked.listener.openSpanCount).toBe(2);
    asked.listener(e.delegationEnd({ id: 'del', parentId: 'turn', time: at(2) }));
    expect(asked.listener.traceOf('turn')?.traceId).toBe(
      findSpan(asked.exporter, 'delegate nobody').spanContext().traceId,
    );
    asked.listener(e.delegationStart({ id: 'del-2', parentId: 'turn', time: at(3) }));
    expect(asked.listener.endOpenSpans()).toBe(2);
    expect(asked.exporter.getFinishedSpans()).toHaveLength(3);
  });

  it('calls onTurnEnd as each turn ends, with the trace its spans get', () => {
    const ended: string[] = [];
    const tracing = createTestTracing({
      spanBuilding: 'batched',
      onTurnEnd: (turn) => ended.push(`${turn.turnId} ${turn.outcome} ${turn.traceId}`),
    });
    tracing.listener(e.turnStart({ id: 'turn', time: at(0) }));
    tracing.listener(e.delegationStart({ id: 'del', parentId: 'turn', time: at(1) }));
    tracing.listener(e.delegationEnd({ id: 'del', parentId: 'turn', time: at(2) }));
    tracing.listener(e.turnEnd({ id: 'turn', time: at(3) }));
    expect(ended).toHaveLength(1);

    tracing.listener.flush();
    const { traceId } = findSpan(tracing.exporter, 'turn test').spanContext();
    expect(findSpan(tracing.exporter, 'delegate nobody').spanContext().traceId).toBe(traceId);
    expect(ended).toEqual([`turn answered ${traceId}`]);
  });

  it("calls onTurnEnd for a nested team's turn with the trace of the turn around it", () => {
    const ended: string[] = [];
    const tracing = createTestTracing({
      spanBuilding: 'batched',
      onTurnEnd: (turn) => ended.push(`${turn.turnId} ${turn.traceId}`),
    });
    tracing.listener(e.turnStart({ id: 'outer', time: at(0) }));
    tracing.listener(e.delegationStart({ id: 'del', parentId: 'outer', time: at(1) }));
    tracing.listener(e.turnStart({ id: 'inner', parentId: 'del', time: at(2) }));
    tracing.listener(e.turnEnd({ id: 'inner', parentId: 'del', time: at(3) }));
    tracing.listener(e.delegationEnd({ id: 'del', parentId: 'outer', time: at(4) }));
    tracing.listener(e.turnEnd({ id: 'outer', time: at(5) }));
    tracing.listener.flush();

    const { traceId } = findSpan(tracing.exporter, 'delegate nobody').spanContext();
    expect(ended).toEqual([`inner ${traceId}`, `outer ${traceId}`]);
    expect(tracing.tree()).toBe('turn test\n  delegate nobody\n    turn test');
  });

  it("records a model call's request as it was when the call started", () => {
    const tracing = createTestTracing({ spanBuilding: 'batched' });
    const messages = [{ role: 'user' as const, content: 'hello' }];
    tracing.listener(e.turnStart({ id: 'turn', time: at(0) }));
    tracing.listener(e.modelCallStart({ id: 'call', parentId: 'turn', time: at(1), request: { messages } }));
    messages.push({ role: 'user', content: 'added after the call' });
    tracing.listener(e.modelCallEnd({ id: 'call', parentId: 'turn', time: at(2) }));
    tracing.listener(e.turnEnd({ id: 'turn', time: at(3) }));
    tracing.listener.flush();

    expect(tracing.tree()).toBe('turn test\n  chat model');
    expect(
      JSON.parse(String(findSpan(tracing.exporter, 'chat model').attributes['langfuse.observation.input'])),
    ).toEqual([{ role: 'user', content: 'hello' }]);
  });

  it('nests a turn under the caller span that was active when the turn started', () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    try {
      const tracing = createTestTracing({ spanBuilding: 'batched' });
      const outer = tracing.provider.getTracer('harness').startSpan('experiment item');
      context.with(trace.setSpan(context.active(), outer), () => {
        tracing.listener(e.turnStart({ id: 'turn', time: at(0) }));
      });
      tracing.listener(e.turnEnd({ id: 'turn', time: at(1) }));
      tracing.listener.flush();
      outer.end();

      expect(findSpan(tracing.exporter, 'turn test').parentSpanContext?.spanId).toBe(
        outer.spanContext().spanId,
      );
    } finally {
      context.disable();
    }
  });
});

describe('createTracingListener with experimentOf (Langfuse v4 experiments)', () => {
  /** The five attributes Langfuse v4 needs on every observation of an experiment item trace. */
  const required = [
    L.EXPERIMENT_ID,
    L.EXPERIMENT_NAME,
    L.EXPERIMENT_DATASET_ID,
    L.EXPERIMENT_ITEM_ID,
    L.EXPERIMENT_ITEM_ROOT_OBSERVATION_ID,
  ] as const;

  function experimentFor(turn: TurnStartEvent): ExperimentContext {
    return {
      id: `exp-${turn.strategy}`,
      name: `${turn.strategy}:run-1`,
      datasetId: 'dataset-1',
      itemId: `item-${turn.conversationId}#${turn.turnIndex}`,
      description: `the ${turn.strategy} strategy`,
      metadata: { runId: 'run-1', scorer: 'token-f1' },
      expectedOutput: { reference: 'A refund is on its way.' },
    };
  }

  /** One turn with a delegation, an attempt, an agent run, a model call and a verification. */
  function oneTurn(prefix: string, strategy: string, start: number): DelegationEvent[] {
    const id = (name: string) => `${prefix}-${name}`;
    return [
      e.turnStart({ id: id('turn'), time: at(start), strategy, conversationId: prefix, turnIndex: 0 }),
      e.delegationStart({ id: id('del'), parentId: id('turn'), time: at(start + 1), strategy }),
      e.attemptStart({ id: id('att'), parentId: id('del'), time: at(start + 2) }),
      e.agentRunStart({ id: id('run'), parentId: id('att'), time: at(start + 3) }),
      e.modelCallStart({ id: id('call'), parentId: id('run'), time: at(start + 4) }),
      e.modelCallEnd({ id: id('call'), parentId: id('run'), time: at(start + 5) }),
      e.agentRunEnd({ id: id('run'), parentId: id('att'), time: at(start + 6) }),
      e.verificationEnd({ id: id('ver'), parentId: id('att'), time: at(start + 7) }),
      e.attemptEnd({ id: id('att'), parentId: id('del'), time: at(start + 8) }),
      e.delegationEnd({ id: id('del'), parentId: id('turn'), time: at(start + 9) }),
      e.turnEnd({ id: id('turn'), time: at(start + 10), strategy }),
    ];
  }

  /** Two event streams merged one event at a time, as two turns running in parallel emit them. */
  function interleave(left: DelegationEvent[], right: DelegationEvent[]): DelegationEvent[] {
    return left.flatMap((event, index) => (right[index] ? [event, right[index]] : [event]));
  }

  for (const spanBuilding of ['immediate', 'batched'] as const) {
    it(`puts the five experiment attributes on every span of an item trace (${spanBuilding})`, () => {
      const tracing = createTestTracing({ spanBuilding, experimentOf: experimentFor });
      for (const event of retryFallbackFanOut()) tracing.listener(event);
      tracing.listener.flush();

      const spans = tracing.exporter.getFinishedSpans();
      const turn = findSpan(tracing.exporter, 'turn lexical');
      const units = new Set(spans.map((span) => span.attributes[B.UNIT]));
      expect(units).toEqual(
        new Set(['turn', 'delegation', 'attempt', 'agent-run', 'model-call', 'verification', 'fallback']),
      );
      for (const span of spans) {
        expect(span.attributes, span.name).toMatchObject({
          [L.EXPERIMENT_ID]: 'exp-lexical',
          [L.EXPERIMENT_NAME]: 'lexical:run-1',
          [L.EXPERIMENT_DATASET_ID]: 'dataset-1',
          [L.EXPERIMENT_ITEM_ID]: 'item-conv-7#2',
          [L.EXPERIMENT_ITEM_ROOT_OBSERVATION_ID]: turn.spanContext().spanId,
          [L.EXPERIMENT_METADATA]: '{"runId":"run-1","scorer":"token-f1"}',
          [L.ENVIRONMENT]: LANGFUSE_SDK_EXPERIMENT_ENVIRONMENT,
        });
      }
      // Description and expected output belong to the item's root, as the SDK sets them.
      expect(turn.attributes).toMatchObject({
        [L.EXPERIMENT_DESCRIPTION]: 'the lexical strategy',
        [L.EXPERIMENT_ITEM_EXPECTED_OUTPUT]: '{"reference":"A refund is on its way."}',
        [L.OBSERVATION_INPUT]: 'I was charged twice, and where is my order?',
        [L.OBSERVATION_OUTPUT]: 'A refund is on its way; your order shipped Monday.',
      });
      for (const span of spans.filter((span) => span !== turn)) {
        expect(span.attributes[L.EXPERIMENT_DESCRIPTION], span.name).toBeUndefined();
        expect(span.attributes[L.EXPERIMENT_ITEM_EXPECTED_OUTPUT], span.name).toBeUndefined();
      }
    });

    it(`keeps two parallel turns of different strategies in their own experiments (${spanBuilding})`, () => {
      const asked: string[] = [];
      const tracing = createTestTracing({
        spanBuilding,
        experimentOf: (turn) => {
          asked.push(turn.id);
          return experimentFor(turn);
        },
      });
      for (const event of interleave(oneTurn('a', 'solo', 0), oneTurn('b', 'verify-recover', 0))) {
        tracing.listener(event);
      }
      tracing.listener.flush();

      const spans = tracing.exporter.getFinishedSpans();
      expect(spans).toHaveLength(12);
      expect(asked.sort()).toEqual(['a-turn', 'b-turn']);
      const traces = new Map<string, typeof spans>();
      for (const span of spans) {
        const { traceId } = span.spanContext();
        traces.set(traceId, [...(traces.get(traceId) ?? []), span]);
      }
      expect(traces.size).toBe(2);
      const experiments = new Set<unknown>();
      for (const trace of traces.values()) {
        const root = trace.find((span) => span.attributes[B.UNIT] === 'turn')!;
        const strategy = root.attributes[B.STRATEGY];
        for (const span of trace) {
          expect(span.attributes, span.name).toMatchObject({
            [L.EXPERIMENT_ID]: `exp-${strategy}`,
            [L.EXPERIMENT_NAME]: `${strategy}:run-1`,
            [L.EXPERIMENT_DATASET_ID]: 'dataset-1',
            [L.EXPERIMENT_ITEM_ID]: strategy === 'solo' ? 'item-a#0' : 'item-b#0',
            [L.EXPERIMENT_ITEM_ROOT_OBSERVATION_ID]: root.spanContext().spanId,
          });
        }
        experiments.add(root.attributes[L.EXPERIMENT_ID]);
      }
      expect(experiments).toEqual(new Set(['exp-solo', 'exp-verify-recover']));
    });
  }

  it("gives a nested team's turn and its spans the experiment of the turn around it", () => {
    const asked: string[] = [];
    const tracing = createTestTracing({
      experimentOf: (turn) => {
        asked.push(turn.id);
        return experimentFor(turn);
      },
    });
    tracing.listener(e.turnStart({ id: 'outer', time: at(0), conversationId: 'c', turnIndex: 1 }));
    tracing.listener(e.delegationStart({ id: 'del', parentId: 'outer', time: at(1) }));
    tracing.listener(e.turnStart({ id: 'inner', parentId: 'del', time: at(2), strategy: 'nested' }));
    tracing.listener(e.guardrailEnd({ id: 'guard', parentId: 'inner', time: at(3) }));
    tracing.listener(e.turnEnd({ id: 'inner', parentId: 'del', time: at(4) }));
    tracing.listener(e.delegationEnd({ id: 'del', parentId: 'outer', time: at(5) }));
    tracing.listener(e.turnEnd({ id: 'outer', time: at(6) }));

    expect(asked).toEqual(['outer']);
    expect(tracing.tree({ attributes: [L.EXPERIMENT_ITEM_ID] })).toMatchInlineSnapshot(`
      "turn test {langfuse.experiment.item.id=item-c#1}
        delegate nobody {langfuse.experiment.item.id=item-c#1}
          turn nested {langfuse.experiment.item.id=item-c#1}
            guardrail guard {langfuse.experiment.item.id=item-c#1}"
    `);
    const root = findSpan(tracing.exporter, 'turn test').spanContext().spanId;
    for (const span of tracing.exporter.getFinishedSpans()) {
      expect(span.attributes[L.EXPERIMENT_ITEM_ROOT_OBSERVATION_ID], span.name).toBe(root);
    }
  });

  it('adds no experiment attribute to a turn without an experiment', () => {
    const none = createTestTracing();
    const undecided = createTestTracing({ experimentOf: () => undefined });
    const batched = createTestTracing({ spanBuilding: 'batched', experimentOf: () => undefined });
    for (const event of retryFallbackFanOut()) {
      none.listener(event);
      undecided.listener(event);
      batched.listener(event);
    }
    batched.listener.flush();

    const spans = [none, undecided, batched].flatMap((tracing) => tracing.exporter.getFinishedSpans());
    expect(spans).toHaveLength(48);
    for (const span of spans) {
      const keys = Object.keys(span.attributes);
      expect(
        keys.filter((key) => key.startsWith('langfuse.experiment.')),
        span.name,
      ).toEqual([]);
      expect(span.attributes[L.ENVIRONMENT], span.name).toBeUndefined();
    }
  });

  it('keeps the expected output out when content is not captured, and survives a broken experimentOf', () => {
    const quiet = createTestTracing({ captureContent: false, experimentOf: experimentFor });
    for (const event of oneTurn('a', 'solo', 0)) quiet.listener(event);
    const turn = findSpan(quiet.exporter, 'turn solo');
    expect(turn.attributes[L.EXPERIMENT_ITEM_EXPECTED_OUTPUT]).toBeUndefined();
    expect(turn.attributes[L.EXPERIMENT_ID]).toBe('exp-solo');

    const warnings: string[] = [];
    const broken = createTestTracing({
      logger: { warn: (message) => warnings.push(message) },
      experimentOf: (event) => {
        if (event.conversationId === 'a') throw new Error('no dataset id yet');
        return { ...experimentFor(event), datasetId: '' };
      },
    });
    for (const event of [...oneTurn('a', 'solo', 0), ...oneTurn('b', 'solo', 20)]) broken.listener(event);
    expect(broken.exporter.getFinishedSpans()).toHaveLength(12);
    for (const span of broken.exporter.getFinishedSpans()) {
      expect(span.attributes[L.EXPERIMENT_ID], span.name).toBeUndefined();
    }
    expect(warnings).toEqual([
      'experimentOf failed, so turns are traced without experiment: no dataset id yet',
    ]);
  });

  it('names the attributes as the Langfuse v4 FAQ lists them', () => {
    expect(required).toEqual([
      'langfuse.experiment.id',
      'langfuse.experiment.name',
      'langfuse.experiment.dataset.id',
      'langfuse.experiment.item.id',
      'langfuse.experiment.item.root_observation_id',
    ]);
  });
});
