import { describe, expect, it } from 'vitest';
import { RunScope } from '../run-scope.js';
import { defineTask } from '../task-spec.js';
import { fakeAgent } from '../testing/fake-agent.js';
import { withGuardrails } from '../with-guardrails.js';
import { regulatedAdviceGuardrail } from './regulated-advice-guardrail.js';

const input = (goal: string, language = 'en') => ({
  task: defineTask({ goal, language }),
  context: { messages: [], info: { policy: 'none', messages: 0, characters: 0, redactions: 0 } },
  previousAttempts: [],
});

describe('regulatedAdviceGuardrail', () => {
  const guardrail = regulatedAdviceGuardrail();

  it.each([
    ['Can I dock my cashier’s pay for the till shortage?', 'legal'],
    ['Should I take the Capital advance or a bank loan?', 'financial'],
    ['Can I deduct the Café Kit as a business expense? Is it tax-deductible?', 'financial'],
    ['A customer asks if ibuprofen is ok with her blood pressure medication', 'medical'],
    ['¿Puedo despedir a un empleado por esto?', 'legal'],
    ['Kann ich das steuerlich absetzen?', 'financial'],
    ['Posso trattenere dallo stipendio della cassiera l’ammanco di cassa?', 'legal'],
    ['Mag een zwangere klant ibuprofen nemen tegen hoofdpijn?', 'medical'],
    ['Compensa mais o adiantamento ou um empréstimo no banco?', 'financial'],
  ])('recognises "%s" as %s advice', async (goal, topic) => {
    const result = await guardrail.check(input(goal));
    expect(result).toMatchObject({ triggered: true, reason: `asks for ${topic} advice` });
  });

  it.each([
    'Where do I download my VAT invoice?',
    'How do I issue a refund to a customer?',
    'Can you send me the DPA?',
    'how do I get low-stock alerts for paracetamol',
    'Wie stelle ich den Mehrwertsteuersatz für Speisen zum Mitnehmen ein?',
    'Cosa dicono le vostre condizioni sulla disdetta dell’abbonamento?',
  ])('lets the product question "%s" through', async (goal) => {
    expect((await guardrail.check(input(goal))).triggered).toBe(false);
  });

  it('declines legal advice and escalates medical questions by default', async () => {
    expect((await guardrail.check(input('Is it legal to fire an employee for this?'))).action).toBe(
      'decline',
    );
    expect((await guardrail.check(input('what dose of paracetamol is safe?'))).action).toBe('escalate');
  });

  it('makes a guarded agent decline in the customer’s language without running it', async () => {
    const inner = fakeAgent({ card: { id: 'legal', name: 'Legal', description: 'legal' }, reply: 'advice!' });
    const agent = withGuardrails(inner, [guardrail]);
    const output = await agent.run(
      input('¿Es legal despedir a un empleado por faltas?', 'es'),
      new RunScope(),
    );
    expect(output.status).toBe('declined');
    expect(output.text).toMatch(/^Lo siento/);
    expect(inner.inputs).toHaveLength(0);
    expect(agent.card.guardrails).toEqual(['regulated-advice']);
  });
});
