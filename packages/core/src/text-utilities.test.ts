import { describe, expect, it } from 'vitest';
import { detectLanguage } from './language/index.js';
import { redactPii } from './pii/index.js';
import { smallTalkReply } from './small-talk.js';
import { splitRequest } from './split-request.js';

describe('detectLanguage', () => {
  it.each([
    ['¿Cuándo llega mi pedido? Lo pedí hace una semana', 'es'],
    ['Der Drucker druckt nicht, was kann ich tun?', 'de'],
    ["Bonjour, je n'arrive pas à me connecter à mon compte", 'fr'],
    ['Hoe kan ik mijn abonnement opzeggen?', 'nl'],
    ['Where is my invoice for this month?', 'en'],
  ])('recognises %s as %s', (text, language) => {
    expect(detectLanguage(text)).toBe(language);
  });

  it('falls back when there is no evidence', () => {
    expect(detectLanguage('E-204', 'en')).toBe('en');
  });
});

describe('redactPii', () => {
  it('replaces e-mails, phone numbers, IBANs and Luhn-valid card numbers', () => {
    const result = redactPii(
      'Mail ana.lopez@example.com or call +34 612 345 678. IBAN NL91 ABNA 0417 1643 00, card 4111 1111 1111 1111.',
    );
    expect(result.text).toBe('Mail [email] or call [phone]. IBAN [iban], card [card].');
    expect(result.kinds).toEqual({ email: 1, phone: 1, iban: 1, card: 1 });
  });

  it('leaves order numbers, amounts and card last-4 alone', () => {
    const text = 'Order TW-104233 for €449.00, card ending 4242, error E-204';
    expect(redactPii(text)).toEqual({ text, count: 0, kinds: {} });
  });

  it('does not take a 16-digit number that fails the Luhn check for a card', () => {
    expect(redactPii('ref 1234 5678 9012 3456').kinds.card).toBeUndefined();
  });
});

describe('splitRequest', () => {
  it('splits independent requests at sentence boundaries and discourse markers', () => {
    expect(splitRequest('Reset my password please. Also, why was I charged twice this month?')).toEqual([
      'Reset my password please.',
      'Also, why was I charged twice this month?',
    ]);
    expect(splitRequest('My reader shows E-455 and also where is my parcel from last week')).toEqual([
      'My reader shows E-455',
      'and also where is my parcel from last week',
    ]);
  });

  it('keeps greetings and thanks with a neighbouring request', () => {
    expect(splitRequest('Hi! My printer is not printing. Thanks')).toEqual([
      'Hi! My printer is not printing. Thanks',
    ]);
  });

  it('returns a single request unchanged', () => {
    expect(splitRequest('where is my invoice')).toEqual(['where is my invoice']);
  });
});

describe('smallTalkReply', () => {
  it('answers thanks and greetings in the customer’s language', () => {
    expect(smallTalkReply('thanks, that worked!', 'en')).toMatch(/welcome/);
    expect(smallTalkReply('¡Muchas gracias!', 'es')).toMatch(/De nada/);
  });

  it('stays out of real requests', () => {
    expect(smallTalkReply('thanks, but the printer still does not print receipts', 'en')).toBeUndefined();
  });
});
