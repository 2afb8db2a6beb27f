import { createTeam, parallel, verifyRecover } from '@baton/core';
import { fakeAgent } from '@baton/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestTracing } from '../src/testing/create-test-tracing.js';
import { findSpans } from '../src/testing/find-span.js';

const card = (id: string, description: string) => ({
  id,
  name: id,
  description,
  domains: [id],
  skills: [{ id, name: id, description, examples: [description] }],
});

const front = fakeAgent({ card: card('front', 'general questions about the company'), reply: 'Hello!' });

describe('tracing a @baton/core team', () => {
  it('traces a turn whose delegate is retried after failing verification', async () => {
    const billing = fakeAgent({
      card: card('billing', 'invoice refund charge payment plan'),
      reply: (_input, call) => ({ text: 'Your refund is on its way.', confidence: call === 1 ? 0.1 : 0.9 }),
    });
    const team = createTeam({ front, delegates: [billing], strategy: verifyRecover() });
    const tracing = createTestTracing();

    const result = await team.respond(
      {
        message: 'I want a refund for the double charge on my invoice',
        history: [],
        conversationId: 'c1',
        turnIndex: 0,
      },
      { onEvent: tracing.listener },
    );

    expect(tracing.tree({ attributes: ['baton.verdict.passed'] })).toMatchInlineSnapshot(`
      "turn verify-recover
        delegate billing {baton.verdict.passed=true}
          attempt 1 billing (primary) {baton.verdict.passed=false}
            invoke_agent billing
            verify billing {baton.verdict.passed=false}
          fallback retry
          attempt 2 billing (retry) {baton.verdict.passed=true}
            invoke_agent billing
            verify billing {baton.verdict.passed=true}"
    `);
    const trace = tracing.listener.traceOf(result.turnId);
    expect(trace?.outcome).toBe(result.outcome);
    expect(new Set(tracing.exporter.getFinishedSpans().map((span) => span.spanContext().traceId))).toEqual(
      new Set([trace?.traceId]),
    );
    expect(tracing.listener.openSpanCount).toBe(0);
  });

  describe('on a fake clock', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('keeps parallel delegations as siblings while their events interleave', async () => {
      // Fake time makes the interleaving certain: billing starts first, technical ends first.
      vi.useFakeTimers();
      const billing = fakeAgent({
        card: card('billing', 'invoice refund charge payment'),
        reply: 'Refund issued.',
        delayMs: 20,
      });
      const technical = fakeAgent({
        card: card('technical', 'printer reader crash error'),
        reply: 'Restart the reader.',
        delayMs: 5,
      });
      const team = createTeam({ front, delegates: [billing, technical], strategy: parallel() });
      const tracing = createTestTracing();

      const responding = team.respond(
        {
          message: 'I want a refund for the double charge. Also my card reader shows a crash error.',
          history: [],
        },
        { onEvent: tracing.listener },
      );
      await vi.advanceTimersByTimeAsync(20);
      await responding;

      // Both delegations start at the same fake instant, so the tree lists them in the order they ended.
      expect(tracing.tree()).toMatchInlineSnapshot(`
        "turn parallel
          delegate technical
            attempt 1 technical (primary)
              invoke_agent technical
          delegate billing
            attempt 1 billing (primary)
              invoke_agent billing"
      `);
      const delegations = findSpans(
        tracing.exporter,
        (span) => span.attributes['baton.unit'] === 'delegation',
      );
      const turn = findSpans(tracing.exporter, (span) => span.attributes['baton.unit'] === 'turn')[0];
      expect(delegations.map((span) => span.parentSpanContext?.spanId)).toEqual(
        delegations.map(() => turn?.spanContext().spanId),
      );
      // Spans are exported as they end: technical's delegation ended while billing's was still open.
      expect(delegations.map((span) => span.name)).toEqual(['delegate technical', 'delegate billing']);
    });
  });
});
