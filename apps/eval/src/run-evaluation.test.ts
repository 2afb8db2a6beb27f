import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLlmAgent } from '@baton/core';
import { scriptedChatModel } from '@baton/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { floorProbes, recordedRow } from './answer-rows.js';
import { type Conversation, conversationSchema } from './dataset/conversation.js';
import { llmJudgeScorer } from './llm-judge-scorer.js';
import { nuggetScorer } from './nugget-scorer.js';
import { type RunEvaluationOptions, runEvaluation } from './run-evaluation.js';

/** `count` two-turn conversations. */
function conversations(count: number): Conversation[] {
  return Array.from({ length: count }, (_, index) =>
    conversationSchema.parse({
      id: `c${index}`,
      turns: [
        { role: 'user', text: `Can I pay by PayPal? (order ${index})` },
        { role: 'agent', text: 'Yes, we accept PayPal.', nuggets: ['we accept PayPal'] },
        { role: 'user', text: 'And where is the invoice?' },
        { role: 'agent', text: 'Under Orders, as a PDF.', nuggets: ['under Orders'] },
      ],
    }),
  );
}

describe('runEvaluation', () => {
  let out: string;
  beforeEach(async () => {
    out = await mkdtemp(join(tmpdir(), 'baton-run-evaluation-'));
  });
  afterEach(async () => {
    await rm(out, { recursive: true, force: true });
  });

  const options = (overrides: Partial<RunEvaluationOptions>): RunEvaluationOptions => ({
    conversations: (async function* () {
      yield* conversations(12);
    })(),
    agents: {
      front: createLlmAgent({
        card: { id: 'desk', name: 'Desk', description: 'front desk', domains: ['billing'] },
        model: scriptedChatModel(() => 'unused'),
        instructions: 'You are the front desk.',
      }),
      delegates: [],
      allow: {},
      articles: [],
    },
    strategies: [],
    rows: floorProbes,
    scorer: nuggetScorer(),
    thresholds: { passThreshold: 0.3, needsCleanupThreshold: 0.5 },
    concurrency: 4,
    repeat: 1,
    out,
    ...overrides,
  });

  it('marks a unit done only once all its items are in items.jsonl, and every unit before it returns', async () => {
    const marked: string[] = [];
    const missing: string[] = [];
    await runEvaluation(
      options({
        onUnitDone: (unit) => {
          // What --resume would find if the run stopped right here.
          const written = readFileSync(join(out, 'items.jsonl'), 'utf8')
            .split('\n')
            .filter((line) => line !== '')
            .map((line) => JSON.parse(line) as { strategy: string; conversationId: string });
          const items = written.filter(
            (item) => item.strategy === unit.strategy && item.conversationId === unit.conversationId,
          );
          if (items.length !== 2) missing.push(`${unit.strategy}/${unit.conversationId}: ${items.length}`);
          marked.push(`${unit.strategy}/${unit.conversationId}`);
        },
      }),
    );
    expect(missing).toEqual([]);
    expect(marked.sort()).toEqual(
      floorProbes
        .flatMap((row) => conversations(12).map((conversation) => `${row.name}/${conversation.id}`))
        .sort(),
    );
  });

  it('fails the run when a unit cannot be marked done', async () => {
    await expect(
      runEvaluation(
        options({
          onUnitDone: () => Promise.reject(new Error('units.jsonl is full')),
        }),
      ),
    ).rejects.toThrow('units.jsonl is full');
  });

  it('gives unanswered turns the score a scorer says no answer is worth, and none when it says nothing', async () => {
    // Answers the PayPal question, hands the invoice question to a human (an escalation).
    const partial = {
      name: 'partial',
      role: 'probe' as const,
      description: 'answers the first turn only',
      answer: (turn: { input: string }) => (turn.input.includes('PayPal') ? 'Yes, we accept PayPal.' : null),
    };
    const scorer = (name: string, noAnswer?: number) => ({
      specificationVersion: 'v1' as const,
      name,
      description: 'always 1',
      ...(noAnswer !== undefined ? { noAnswer } : {}),
      score: () => ({ value: 1 }),
    });
    await runEvaluation(
      options({ rows: [partial], scorers: [scorer('counted', 0), scorer('answeredOnly')] }),
    );
    const items = readFileSync(join(out, 'items.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { outcome: string; scores: Record<string, unknown> });
    const answered = items.filter((item) => item.outcome === 'answered');
    const escalated = items.filter((item) => item.outcome === 'escalated');
    expect(answered.length).toBe(12);
    expect(escalated.length).toBe(12);
    for (const item of answered) expect(item.scores).toMatchObject({ counted: 1, answeredOnly: 1 });
    for (const item of escalated) {
      expect(item.scores.counted).toBe(0);
      expect(item.scores).not.toHaveProperty('answeredOnly');
    }
  });
  it('leaves human cleanup out, not measured against the offline target, when the judge gives no verdict', async () => {
    // The judge refuses every time: no quality, and no post-edit to measure cleanup against.
    const judge = scriptedChatModel(() => 'I cannot help with that.');
    await runEvaluation(
      options({
        conversations: (async function* () {
          yield* conversations(1);
        })(),
        scorer: llmJudgeScorer({ model: judge }),
      }),
    );
    const items = readFileSync(join(out, 'items.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { outcome: string; scores: Record<string, unknown> });
    const answered = items.filter((item) => item.outcome === 'answered');
    expect(answered.length).toBeGreaterThan(0);
    for (const item of answered)
      expect(item.scores).toMatchObject({ answerQuality: null, humanCleanup: null, needsCleanup: null });
  });

  it('gives the recorded bot no item, and no escalation, for a routing-only turn it has no recording of', async () => {
    const marked: string[] = [];
    await runEvaluation(
      options({
        conversations: (async function* () {
          yield conversationSchema.parse({
            id: 'r',
            turns: [
              { role: 'user', text: 'When do I get my money back?', domain: 'billing' },
              {
                role: 'agent',
                text: 'Refunds take 5 days.',
                nuggets: ['5 days'],
                draft: 'Refunds take 5 days.',
              },
              { role: 'user', text: 'Can I pay by PayPal?', domain: 'billing' },
            ],
          });
          // Only a routing-only turn: the recorded row has nothing to replay, yet its unit is done.
          yield conversationSchema.parse({
            id: 's',
            turns: [{ role: 'user', text: 'Where is my parcel?', domain: 'orders' }],
          });
        })(),
        rows: [recordedRow],
        onUnitDone: (unit) => {
          marked.push(`${unit.strategy}/${unit.conversationId}`);
        },
      }),
    );
    const items = readFileSync(join(out, 'items.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { itemId: string; outcome: string });
    expect(items.map((item) => `${item.itemId} ${item.outcome}`)).toEqual(['r#0 answered']);
    expect(marked.sort()).toEqual(['recorded/r', 'recorded/s']);
  });
});
