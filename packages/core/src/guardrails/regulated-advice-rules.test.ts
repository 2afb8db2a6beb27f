import { describe, expect, it } from 'vitest';
import { regulatedTopicOf } from './regulated-advice-rules.js';

// Cases from an independent, hand-labelled audit set (datasets/guardrails/pii-audit.jsonl, 2026-12-05):
// each failed before the change they came with.
describe('regulatedTopicOf on independently written requests', () => {
  it('hears the first person and "should I" in Spanish, Italian and Portuguese', () => {
    expect(regulatedTopicOf('¿Puedo tomar paracetamol si estoy embarazada de cinco meses?')).toBe('medical');
    expect(regulatedTopicOf("Posso prendere l'ibuprofene con la pressione alta?")).toBe('medical');
    expect(regulatedTopicOf('Ho la pressione a 160, devo andare al pronto soccorso?')).toBe('medical');
    expect(regulatedTopicOf('Devo declarar as gorjetas no IRS?')).toBe('financial');
  });

  it('does not take "pay" in a product or money question for a legal one', () => {
    expect(
      regulatedTopicOf('Should I use the Pay Later button or the card reader for split payments?'),
    ).toBeUndefined();
    expect(regulatedTopicOf('Is it better for me to pay off my mortgage early or invest the money?')).toBe(
      'financial',
    );
    expect(regulatedTopicOf('Can I dock my cashier’s pay for the till shortage?')).toBe('legal');
  });
});
