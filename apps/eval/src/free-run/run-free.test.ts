import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChatModel, type ChatRequest, createLlmAgent, solo } from '@baton/core';
import { scriptedChatModel } from '@baton/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { floorProbes, recordedRow } from '../answer-rows.js';
import { type Conversation, conversationSchema } from '../dataset/conversation.js';
import type { ItemResult } from '../item-result.js';
import { nuggetScorer } from '../nugget-scorer.js';
import { readItems } from '../report/parse-items.js';
import { runEvaluation } from '../run-evaluation.js';
import { createFitJudge } from './fit-judge.js';
import type { FreeRunSettings } from './run-free.js';
import { summarizeFreeRun } from './summarize-free-run.js';
import { createUserSimulator } from './user-simulator.js';

const paypal = 'Yes, we accept PayPal, cards and bank transfer.';
const invoice = 'In your account under Orders, then Download invoice; it is a PDF.';
const welcome = 'You are welcome, happy baking!';

const conversation: Conversation = conversationSchema.parse({
  id: 'c1',
  turns: [
    { role: 'user', text: 'hi, can I pay by PayPal?', domain: 'billing' },
    {
      role: 'agent',
      text: paypal,
      nuggets: ['we accept PayPal, cards and bank transfer'],
      draft: 'Hello there.',
    },
    { role: 'user', text: 'and where do I find the invoice afterwards?', domain: 'billing' },
    {
      role: 'agent',
      text: invoice,
      nuggets: ['account under Orders, Download invoice', 'the invoice is a PDF'],
    },
    { role: 'user', text: 'ok thanks!', domain: 'general' },
    { role: 'agent', text: welcome, nuggets: ['you are welcome'] },
  ],
});

/** The customer's message an agent model was asked to answer: the request's last user message. */
const lastMessage = (request: ChatRequest) => request.messages.at(-1)?.content ?? '';

/** A strategy's model that answers as the recorded agent did, with `change` applied to some answers. */
function recordedAgent(
  change: (message: string, answer: string, call: number) => string = (_m, answer) => answer,
) {
  return scriptedChatModel((request, call) => {
    const message = lastMessage(request);
    const answer = message.includes('PayPal') ? paypal : message.includes('invoice') ? invoice : welcome;
    return change(message, answer, call);
  });
}

/** A simulated customer that goes through its goal in order, by how many messages it has sent. */
function scriptedCustomer(): ChatModel & { requests: ChatRequest[] } {
  return scriptedChatModel((request) => {
    const sent = (lastMessage(request).match(/^Customer: /gm) ?? []).length;
    return (
      ['You did not say: can I pay by PayPal?', 'and where do I find the invoice afterwards?', 'ok thanks!'][
        sent - 1
      ] ?? '[DONE]'
    );
  });
}

describe('runFreeConversation (through runEvaluation, scripted models)', () => {
  let out: string;
  beforeEach(async () => {
    out = await mkdtemp(join(tmpdir(), 'baton-free-run-'));
  });
  afterEach(async () => {
    await rm(out, { recursive: true, force: true });
  });

  async function run(options: {
    model: ChatModel;
    settings?: Partial<FreeRunSettings>;
    rows?: boolean;
  }): Promise<Map<string, ItemResult[]>> {
    const front = createLlmAgent({
      card: { id: 'desk', name: 'Desk', description: 'front desk', domains: ['general', 'billing'] },
      model: options.model,
      instructions: 'You are the front desk.',
    });
    await runEvaluation({
      conversations: (async function* () {
        yield conversation;
      })(),
      agents: { front, delegates: [], allow: {}, articles: [] },
      strategies: [{ name: 'scripted', strategy: solo() }],
      ...(options.rows ? { rows: [recordedRow, ...floorProbes] } : {}),
      scorer: nuggetScorer(),
      thresholds: { passThreshold: 0.3, needsCleanupThreshold: 0.5 },
      concurrency: 1,
      repeat: 1,
      out,
      freeRun: { rule: { minRecall: 0.5 }, maxSimulatedTurns: 5, ...options.settings },
    });
    const { items } = await readItems(join(out, 'items.jsonl'));
    const byStrategy = new Map<string, ItemResult[]>();
    for (const item of items) byStrategy.set(item.strategy, [...(byStrategy.get(item.strategy) ?? []), item]);
    return byStrategy;
  }

  const summary = (items: readonly ItemResult[]) =>
    summarizeFreeRun(items, { seed: 1, resamples: 200, repeat: 1, name: 'scripted', role: 'strategy' })!;

  it('never diverges from a strategy that answers as the recorded agent did', async () => {
    const items = (await run({ model: recordedAgent() })).get('scripted')!;
    expect(
      items.map((item) => [item.itemId, item.freeRun?.user, item.freeRun?.fit?.fits, item.freeRun?.next]),
    ).toEqual([
      ['c1#0', 'recorded', true, 'recorded'],
      ['c1#2', 'recorded', true, 'recorded'],
      ['c1#4', 'recorded', undefined, 'end'],
    ]);
    expect(items.at(-1)!.freeRun).toMatchObject({
      end: 'recording-complete',
      goals: { reached: 3, total: 3 },
    });
    // The strategy's own answers are the history.
    expect(items[2]!.answer).toBe(welcome);
    expect(summary(items)).toMatchObject({
      divergenceRate: { mean: 0, n: 1 },
      resolutionRate: { mean: 1, n: 1 },
      turnsToResolution: { mean: 3 },
      recordedTurns: 3,
      simulatedTurns: 0,
    });
  });

  it('diverges at the turn whose answer asks a question the recorded agent did not ask', async () => {
    const model = recordedAgent((message, answer) =>
      message.includes('invoice') ? `${answer} Could you tell me your account number?` : answer,
    );
    const items = (await run({ model })).get('scripted')!;
    expect(items.map((item) => item.itemId)).toEqual(['c1#0', 'c1#2']);
    expect(items[1]!.freeRun).toMatchObject({
      step: 2,
      fit: {
        fits: false,
        reasons: [{ code: 'extra-question', detail: 'Could you tell me your account number?' }],
      },
      next: 'end',
      end: 'diverged',
    });
    expect(summary(items)).toMatchObject({
      divergenceRate: { mean: 1 },
      turnsUntilDivergence: { mean: 2 },
      divergenceReasons: { 'extra-question': 1, 'missing-nuggets': 0 },
      endings: { diverged: 1 },
    });
  });

  it('hands a diverged conversation to the user simulator, which reaches resolution when answered', async () => {
    // The strategy greets instead of answering the first message, then answers as the recorded agent.
    const model = recordedAgent((_message, answer, call) => (call === 0 ? 'Hello there.' : answer));
    const customer = scriptedCustomer();
    const items = (
      await run({ model, settings: { userSimulator: createUserSimulator({ model: customer }) } })
    ).get('scripted')!;
    expect(
      items.map((item) => [item.itemId, item.input, item.freeRun?.user, item.freeRun?.goalTurnIndex]),
    ).toEqual([
      ['c1#0', 'hi, can I pay by PayPal?', 'recorded', 0],
      ['c1#sim1', 'You did not say: can I pay by PayPal?', 'simulated', 0],
      ['c1#sim2', 'and where do I find the invoice afterwards?', 'simulated', 2],
      ['c1#sim3', 'ok thanks!', 'simulated', 4],
    ]);
    expect(items[0]!.freeRun?.fit?.reasons.map((reason) => reason.code)).toEqual(['missing-nuggets']);
    expect(items[1]!.freeRun).toMatchObject({
      simulatedBy: { model: 'scripted:scripted' },
      goals: { reachedNow: [0] },
    });
    // Simulated turns are scored against the goal they pursue.
    expect(items[2]!).toMatchObject({ reference: invoice, gold: { domains: ['billing'] } });
    expect(items.at(-1)!.freeRun).toMatchObject({ end: 'resolved', goals: { reached: 3, total: 3 } });
    expect(summary(items)).toMatchObject({
      divergenceRate: { mean: 1 },
      resolutionRate: { mean: 1 },
      turnsToResolution: { mean: 4 },
      recordedTurns: 1,
      simulatedTurns: 3,
      simulated: { turns: 3, metrics: { answerQuality: { mean: 1 } } },
    });
    // The simulator sees the customer's own words only: no recorded reply, nugget or gold label.
    const firstPrompt = customer.requests[0]!.messages.map((message) => message.content).join('\n');
    expect(firstPrompt).toContain('1. and where do I find the invoice afterwards?\n2. ok thanks!');
    for (const hidden of ['we accept PayPal', 'Download invoice', 'billing', 'happy baking'])
      expect(firstPrompt).not.toContain(hidden);
  });

  it('ends when the simulated customer sends the stop token, or at the turn limit', async () => {
    const model = recordedAgent(() => 'Hello there.');
    const done = scriptedChatModel(['Thanks anyway. [DONE]']);
    const ended = (
      await run({ model, settings: { userSimulator: createUserSimulator({ model: done }) } })
    ).get('scripted')!;
    expect(ended.at(-1)!.freeRun).toMatchObject({ end: 'user-done', closing: { text: 'Thanks anyway.' } });
    await rm(join(out, 'items.jsonl'));
    const chatty = scriptedChatModel(['Are you there?'], { repeatLast: true });
    const limited = (
      await run({
        model,
        settings: { userSimulator: createUserSimulator({ model: chatty }), maxSimulatedTurns: 2 },
      })
    ).get('scripted')!;
    expect(limited.map((item) => item.freeRun?.user)).toEqual(['recorded', 'simulated', 'simulated']);
    expect(limited.at(-1)!.freeRun).toMatchObject({ end: 'turn-limit' });
  });

  it('stops the recorded bot at its divergence, and runs the floor probes on with the simulator', async () => {
    const byStrategy = await run({
      model: recordedAgent(),
      rows: true,
      settings: { userSimulator: createUserSimulator({ model: scriptedCustomer() }), maxSimulatedTurns: 2 },
    });
    // Its draft for the first turn ("Hello there.") conveys nothing: no answers beyond the recording.
    expect(byStrategy.get('recorded')!.map((item) => [item.itemId, item.freeRun?.end])).toEqual([
      ['c1#0', 'diverged'],
    ]);
    expect(byStrategy.get('echo')!.map((item) => item.freeRun?.user)).toEqual([
      'recorded',
      'simulated',
      'simulated',
    ]);
    expect(byStrategy.get('echo')![1]!.answer).toBe('You did not say: can I pay by PayPal?');
  });

  it('lets the judge decide fit, recording its structured verdict', async () => {
    const judge = scriptedChatModel(
      [
        JSON.stringify({
          fits: false,
          conveyed: [1],
          reason: 'The customer would not ask about invoices now.',
        }),
      ],
      { repeatLast: true },
    );
    const items = (
      await run({ model: recordedAgent(), settings: { judge: createFitJudge({ model: judge }) } })
    ).get('scripted')!;
    expect(items).toHaveLength(1);
    expect(items[0]!.freeRun).toMatchObject({
      fit: {
        fits: false,
        method: 'judge',
        reasons: [{ code: 'judge', detail: 'The customer would not ask about invoices now.' }],
        judge: {
          model: 'scripted:scripted',
          fits: false,
          usage: expect.objectContaining({ inputTokens: expect.any(Number) }),
        },
      },
      goals: { reachedNow: [0] },
      end: 'diverged',
    });
  });
});
