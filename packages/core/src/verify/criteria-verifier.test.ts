import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentOutput } from '../agent.js';
import { emptyUsage } from '../chat-model.js';
import { RunScope } from '../run-scope.js';
import { defineTask } from '../task-spec.js';
import { createTeam } from '../team.js';
import { fakeAgent } from '../testing/fake-agent.js';
import { verifyRecover } from '../verify-recover.js';
import { criteriaVerifier } from './criteria-verifier.js';

const agent = fakeAgent({ card: { id: 'billing', name: 'Billing', description: 'billing' } });
const answer = (text: string, data?: unknown): AgentOutput => ({
  text,
  status: 'answered',
  usage: emptyUsage,
  costUsd: 0,
  ...(data !== undefined ? { data } : {}),
});

describe('criteriaVerifier', () => {
  const verifier = criteriaVerifier();
  const verify = (output: AgentOutput, task: ReturnType<typeof defineTask>) =>
    verifier.verify(output, { task, agent }, new RunScope());

  it('rejects an answer that ignores the required facts and says which are missing', async () => {
    const task = defineTask({
      goal: 'When does my refund arrive?',
      criteria: [
        {
          type: 'required-facts',
          facts: ['refunds arrive in 5–10 business days', 'refund reference RF-2291'],
        },
      ],
    });
    const ignored = await verify(answer('Thanks for reaching out! We value you as a customer.'), task);
    expect(ignored.passed).toBe(false);
    expect(ignored.reason).toMatch(
      /misses required facts: refunds arrive in 5–10 business days \| refund reference RF-2291/,
    );
    const met = await verify(answer('Your refund (reference RF-2291) arrives in 5–10 business days.'), task);
    expect(met).toMatchObject({ passed: true, score: 1 });
  });

  it('rejects an answer that states a required fact the other way round', async () => {
    // The harness's nugget matcher decides: a negation on one side only, the word's opposite or
    // another unit is a contradiction, not the fact (the words alone passed all three before).
    const task = (fact: string) =>
      defineTask({ goal: 'g', criteria: [{ type: 'required-facts', facts: [fact] }] });
    const cases: [string, string][] = [
      ['the reader works offline', 'Sorry, the reader does not work offline.'],
      ['enable offline payments', 'Please disable offline payments in Settings.'],
      ['payout held for 7 days', 'Your payout is held for 7 hours.'],
    ];
    for (const [fact, text] of cases)
      expect((await verify(answer(text), task(fact))).passed, text).toBe(false);
  });

  it('accepts a required amount or date in another spelling', async () => {
    const task = (fact: string) =>
      defineTask({ goal: 'g', criteria: [{ type: 'required-facts', facts: [fact] }] });
    const cases: [string, string][] = [
      ['limit of €1,000 per day', 'Your limit is 1.000 € per day.'],
      ['commission de 1.49%', 'La commission est de 1,49 % par paiement.'],
      ['payout on 14 March', 'Your payout goes out on 14/03.'],
    ];
    for (const [fact, text] of cases)
      expect((await verify(answer(text), task(fact))).passed, text).toBe(true);
  });

  it('refuses a fact coverage outside [0, 1]; 0 checks the numbers alone', async () => {
    expect(() => criteriaVerifier({ factCoverage: -0.1 })).toThrow(/factCoverage/);
    expect(() => criteriaVerifier({ factCoverage: 1.5 })).toThrow(/factCoverage/);
    const task = defineTask({ goal: 'g', criteria: [{ type: 'required-facts', facts: ['refund of €15'] }] });
    const numbersOnly = criteriaVerifier({ factCoverage: 0 });
    expect((await numbersOnly.verify(answer('It is €15.'), { task, agent }, new RunScope())).passed).toBe(
      true,
    );
    expect((await numbersOnly.verify(answer('It is €25.'), { task, agent }, new RunScope())).passed).toBe(
      false,
    );
  });

  it('checks the output schema, the reply language, the length and forbidden phrases', async () => {
    const task = defineTask({
      goal: 'Summarise the charge',
      output: z.object({ amount: z.number() }),
      criteria: [
        { type: 'output-schema' },
        { type: 'reply-language', languages: ['de'] },
        { type: 'max-length', words: 8 },
        { type: 'must-not-contain', phrases: ['[email]', 'as an AI'] },
      ],
    });
    const verdict = await verify(
      answer('As an AI I think you were charged twice, write to [email] for the refund.', { amount: 'x' }),
      task,
    );
    expect(verdict.passed).toBe(false);
    expect(verdict.score).toBe(0);
    expect(verdict.reason.split('; ')).toEqual([
      'the result does not match the output schema',
      'is in en, not de',
      'is 15 words long, more than 8',
      'contains "[email]", "as an AI"',
    ]);
  });

  it('counts words of scripts written without spaces, and characters as a reader sees them', async () => {
    const words = defineTask({ goal: 'x', criteria: [{ type: 'max-length', words: 5 }] });
    // Eleven words by Unicode's word boundaries; split on spaces it was one.
    const japanese = await verify(answer('返金は五営業日以内にお客様の口座に届きます。'), words);
    expect(japanese.passed).toBe(false);
    expect(japanese.reason).toMatch(/^is \d+ words long, more than 5$/);
    expect(await verify(answer('Refund sent 👍🏽 today.'), words)).toMatchObject({ passed: true });

    const characters = defineTask({ goal: 'x', criteria: [{ type: 'max-length', characters: 6 }] });
    // Six characters (a thumbs-up with its skin tone, a flag, an accented e written as e + accent),
    // thirteen UTF-16 units.
    expect(await verify(answer('ok 👍🏽🇪🇺e\u0301'), characters)).toMatchObject({ passed: true });
    expect((await verify(answer('ok 👍🏽🇪🇺e\u0301!'), characters)).reason).toBe(
      'is 7 characters long, more than 6',
    );
  });

  it('passes a task without typed criteria', async () => {
    expect(await verify(answer('ok'), defineTask({ goal: 'x' }))).toMatchObject({ passed: true });
  });

  it('is one of verify-recover’s default verifiers, and the default specify step fills the criteria', async () => {
    const rambling = `${'We are very sorry for the trouble. '.repeat(60)}`;
    const billing = fakeAgent({
      card: { id: 'billing', name: 'Billing', description: 'invoices refunds charges', domains: ['billing'] },
      reply: rambling,
    });
    const team = createTeam({
      front: fakeAgent({
        card: { id: 'front', name: 'Front', description: 'front desk' },
        reply: 'Front answer.',
      }),
      delegates: [billing],
      strategy: verifyRecover({
        select: { name: 'fixed', select: () => ({ candidates: [{ agentId: 'billing', score: 1 }] }) },
      }),
    });
    const result = await team.respond({
      message: 'Why was I charged twice for my invoice refunds?',
      history: [],
    });
    const [record] = result.delegations;
    expect(record?.task).toMatchObject({
      goal: 'Why was I charged twice for my invoice refunds?',
      instructions: 'You handle this for the customer as Billing (billing).',
      format: 'text',
      criteria: [
        { type: 'max-length', words: 250 },
        { type: 'must-not-contain', phrases: expect.arrayContaining(['[email]', '[phone]']) },
      ],
    });
    const verdict = record?.attempts[0]?.verdicts.find((entry) => entry.verifier === 'criteria');
    expect(verdict).toMatchObject({ passed: false });
    expect(verdict?.reason).toMatch(/more than 250/);
    expect(result.answer).toBe('Front answer.');
  });

  it('compares the numbers of a fact as written, not as loose digits', async () => {
    const task = defineTask({
      goal: 'When was my refund issued?',
      criteria: [{ type: 'required-facts', facts: ['refund issued on 2024-03-12 for 15,50 €'] }],
    });
    expect((await verify(answer('Your refund was issued on 2024-12-03 for 50,15 €.'), task)).passed).toBe(
      false,
    );
    expect((await verify(answer('Your refund was issued on 2024-03-12 for 15,50 €.'), task)).passed).toBe(
      true,
    );
  });

  it('accepts a reply language given with a region or in capitals', async () => {
    const text = 'Your refund will arrive within five working days of the request.';
    for (const languages of [['en-GB'], ['EN'], ['en']]) {
      const task = defineTask({ goal: 'g', criteria: [{ type: 'reply-language', languages }] });
      expect((await verify(answer(text), task)).passed).toBe(true);
    }
    const task = defineTask({ goal: 'g', criteria: [{ type: 'reply-language', languages: ['es-ES'] }] });
    expect((await verify(answer(text), task)).passed).toBe(false);
  });

  it('finds a forbidden phrase across line breaks and typographic apostrophes', async () => {
    const task = defineTask({
      goal: 'g',
      criteria: [{ type: 'must-not-contain', phrases: ['full card number', "je n'ai aucune idée"] }],
    });
    const first = await verify(answer('Please send your full\ncard number.'), task);
    const second = await verify(answer('Je ne sais pas, je n’ai aucune idée.'), task);
    expect([first.passed, second.passed]).toEqual([false, false]);
    expect((await verify(answer('We never ask for card details.'), task)).passed).toBe(true);
  });
});
