import { describe, expect, it } from 'vitest';
import { parallel } from './parallel.js';
import { splitRequest } from './split-request.js';
import { createTeam } from './team.js';
import { fakeAgent } from './testing/fake-agent.js';

describe('splitRequest', () => {
  it.each([
    ['need to reset my password and why was i charged twice this month', 2],
    ['Necesito cambiar mi contraseña y también saber dónde está mi pedido', 2],
    ['Ich muss mein Passwort ändern und wo ist meine Bestellung geblieben', 2],
    ['Je dois changer mon mot de passe et où est ma commande du mois dernier', 2],
    ['Ik wil mijn wachtwoord wijzigen en waar blijft mijn bestelling', 2],
    ['Devo cambiare la password e dove si trova il mio ordine', 2],
    ['Preciso de mudar a palavra-passe e onde está a minha encomenda', 2],
    ['the printer is jammed, the reader will not pair', 2],
  ])('splits "%s" into %i independent requests', (text, parts) => {
    expect(splitRequest(text)).toHaveLength(parts);
  });

  it('keeps "and" inside one request together', () => {
    expect(splitRequest('he wants the readers and printer')).toEqual(['he wants the readers and printer']);
    expect(splitRequest('Hi, thanks')).toEqual(['Hi, thanks']);
  });
});

describe('parallel', () => {
  const card = (id: string, description: string) => ({ id, name: id, description, domains: [id] });
  const billing = fakeAgent({ card: card('billing', 'invoice refund'), reply: 'billing answer' });
  const account = fakeAgent({ card: card('account', 'loyalty login'), reply: 'account answer' });
  const front = fakeAgent({ card: card('front', 'general') });

  it('asks the next-best delegate too when one sentence touches another domain', async () => {
    const team = createTeam({
      front,
      delegates: [billing, account],
      strategy: parallel({
        select: {
          name: 'scripted',
          select: () => ({
            candidates: [
              { agentId: 'billing', score: 0.6 },
              { agentId: 'account', score: 0.4 },
            ],
          }),
        },
      }),
    });
    const result = await team.respond({
      message: 'my invoice shows loyalty, I never turned it on',
      history: [],
    });
    expect(result.delegations.map((record) => record.chosenAgentId)).toEqual(['billing', 'account']);
    expect(result.answer).toBe('billing answer\n\naccount answer');
  });
});

describe('splitting keeps every part of the request', () => {
  it('keeps numbers that start a line or a sentence, dropping list markers only', () => {
    expect(
      splitRequest('Where is my refund for this order?\n100458923\nAlso, the card reader will not pair.'),
    ).toEqual(['Where is my refund for this order?', '100458923 Also, the card reader will not pair.']);
    expect(
      splitRequest('I was charged for 3 readers.\n2 readers arrived broken, how do I fix them?'),
    ).toEqual(['I was charged for 3 readers.', '2 readers arrived broken, how do I fix them?']);
    expect(splitRequest('1) cancel my plan\n2) delete all my data please')).toEqual([
      'cancel my plan',
      'delete all my data please',
    ]);
  });

  it('sends the whole request to the delegates under parallel', async () => {
    const card = (id: string) => ({ id, name: id, description: id, domains: [id] });
    const echo = (id: string) => fakeAgent({ card: card(id), reply: (input) => input.task.goal });
    const team = createTeam({
      front: fakeAgent({ card: card('front') }),
      delegates: [echo('billing'), echo('technical')],
      strategy: parallel({
        select: {
          name: 'keywords',
          select: (request) => ({
            candidates: [
              { agentId: /refund|order/i.test(request.text) ? 'billing' : 'technical', score: 0.9 },
            ],
          }),
        },
      }),
    });
    const message = 'Where is my refund for order 4471?\n2 of the new card readers arrived broken.';
    const result = await team.respond({ message, history: [] });
    expect(result.answer?.replace(/\s+/g, '')).toBe(message.replace(/\s+/g, ''));
  });
});
