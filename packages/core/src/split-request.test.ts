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
