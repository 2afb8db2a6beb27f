import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentOutput } from './agent.js';
import { emptyUsage } from './chat-model.js';
import { RunScope } from './run-scope.js';
import { defineTask } from './task-spec.js';
import { fakeAgent } from './testing/fake-agent.js';
import { scriptedChatModel } from './testing/scripted-chat-model.js';
import { groundednessVerifier, languageVerifier, llmVerifier, schemaVerifier } from './verify/index.js';

const agent = fakeAgent({ card: { id: 'a', name: 'a', description: 'a' } });
const output = (fields: Partial<AgentOutput>): AgentOutput => ({
  text: '',
  status: 'answered',
  usage: emptyUsage,
  costUsd: 0,
  ...fields,
});
const scope = new RunScope();

describe('verifiers', () => {
  it('languageVerifier rejects an English answer to a Spanish customer', async () => {
    const verdict = await languageVerifier().verify(
      output({ text: 'Your refund will arrive in five to ten business days.' }),
      { task: defineTask({ goal: 'x', language: 'es' }), agent },
      scope,
    );
    expect(verdict).toMatchObject({ passed: false, reason: 'answer is in en, the customer writes es' });
  });

  it('languageVerifier reads a task language with a region or in capitals as its language', async () => {
    const text = 'Your refund will arrive in five to ten business days.';
    for (const language of ['en-GB', 'EN', 'en_US']) {
      const verdict = await languageVerifier().verify(
        output({ text }),
        { task: defineTask({ goal: 'x', language }), agent },
        scope,
      );
      expect(verdict, language).toMatchObject({ passed: true, reason: 'answer is in en' });
    }
    const fallback = await languageVerifier().verify(
      output({ text }),
      { task: defineTask({ goal: 'x', language: 'ca', replyLanguages: ['ca', 'en-GB'] }), agent },
      scope,
    );
    expect(fallback).toMatchObject({ passed: true, fallback: 'reply-language' });
  });

  it('groundednessVerifier measures how much of the answer its sources support', async () => {
    const verifier = groundednessVerifier({
      articles: [
        {
          id: 'kb',
          title: 'Refunds',
          body: 'Annual plans are refunded pro rata within 30 days.',
          tags: [],
          language: 'en',
        },
      ],
    });
    const grounded = await verifier.verify(
      output({ text: 'Annual plans are refunded pro rata within 30 days.', sources: [{ id: 'kb' }] }),
      { task: defineTask({ goal: 'x' }), agent },
      scope,
    );
    const invented = await verifier.verify(
      output({
        text: 'We refund everything instantly via crypto wallets tomorrow.',
        sources: [{ id: 'kb' }],
      }),
      { task: defineTask({ goal: 'x' }), agent },
      scope,
    );
    expect(grounded.passed).toBe(true);
    expect(invented).toMatchObject({ passed: false });
  });

  it('schemaVerifier checks structured results against the task’s output schema', async () => {
    const task = defineTask({ goal: 'x', output: z.object({ orderId: z.string() }) });
    expect(
      (await schemaVerifier().verify(output({ data: { orderId: 'TW-1' } }), { task, agent }, scope)).passed,
    ).toBe(true);
    expect(
      (await schemaVerifier().verify(output({ data: { order: 1 } }), { task, agent }, scope)).passed,
    ).toBe(false);
  });

  it('llmVerifier asks a model and fails closed on an unreadable judgement', async () => {
    const model = scriptedChatModel([
      JSON.stringify({ passed: true, score: 0.9, reason: 'answers it' }),
      'looks fine to me',
    ]);
    const task = defineTask({ goal: 'refund?', acceptanceCriteria: ['mentions 30 days'] });
    expect(
      await llmVerifier({ model }).verify(output({ text: 'within 30 days' }), { task, agent }, scope),
    ).toEqual({ verifier: 'llm-check', passed: true, score: 0.9, reason: 'answers it' });
    expect((await llmVerifier({ model }).verify(output({ text: 'x' }), { task, agent }, scope)).passed).toBe(
      false,
    );
    expect(model.requests[0]?.messages[1]?.content).toContain('mentions 30 days');
  });

  it('llmVerifier fails closed on a judgement whose score contradicts its verdict', async () => {
    const model = scriptedChatModel([
      JSON.stringify({ passed: true, score: 0.05, reason: 'not sure at all' }),
      JSON.stringify({ passed: false, score: 0.95, reason: 'wrong amount' }),
      JSON.stringify({ passed: true, score: 0.5, reason: 'just enough' }),
    ]);
    const task = defineTask({ goal: 'refund?' });
    const check = async () =>
      llmVerifier({ model }).verify(output({ text: 'within 30 days' }), { task, agent }, scope);
    expect(await check()).toEqual({
      verifier: 'llm-check',
      passed: false,
      score: 0.05,
      reason: "the checking model's judgement contradicts itself (passed with score 0.05): not sure at all",
    });
    expect(await check()).toMatchObject({ passed: false, score: 0.95 });
    expect(await check()).toMatchObject({ passed: true, score: 0.5 });
  });
});
