import { describe, expect, it } from 'vitest';
import { createRetrievalAgent } from '../retrieval-agent.js';
import { createTeam } from '../team.js';
import { fakeAgent } from '../testing/fake-agent.js';
import { languageVerifier } from '../verify/language-verifier.js';
import { verifyRecover } from '../verify-recover.js';
import { detectLanguage, guessLanguage } from './detect-language.js';
import { replyLanguages } from './reply-languages.js';

const english = 'Your refund arrives within five to ten business days after we approve it.';
const billingCard = {
  id: 'billing',
  name: 'Billing',
  description: 'refunds invoices charges rimborso fattura',
  domains: ['billing'],
  skills: [{ id: 'refunds', name: 'Refunds', description: 'refunds', examples: ['dov’è il mio rimborso'] }],
};

describe('replyLanguages', () => {
  const english = fakeAgent({ card: { id: 'en-desk', name: 'EN', description: 'd', languages: ['en'] } });
  const spanish = fakeAgent({ card: { id: 'es-desk', name: 'ES', description: 'd', languages: ['es'] } });

  it('allows the supported reply languages only when no agent speaks the customer’s', () => {
    expect(replyLanguages({ customer: 'it', supported: ['en', 'es'], team: [english, spanish] })).toEqual([
      'it',
      'en',
      'es',
    ]);
    expect(replyLanguages({ customer: 'es', supported: ['en', 'es'], team: [english, spanish] })).toEqual([
      'es',
    ]);
    expect(replyLanguages({ customer: 'it', team: [english] })).toEqual(['it']);
  });
});

describe('detectLanguage', () => {
  it('reads the customer’s language where the stop-word table did not', () => {
    expect(detectLanguage('Tu reembolso llegará en cinco a diez días hábiles')).toBe('es');
    expect(detectLanguage('Il mio rimborso non è ancora arrivato, potete controllare?')).toBe('it');
    expect(detectLanguage('O meu reembolso ainda não chegou, podem verificar?')).toBe('pt');
  });

  it('decides short replies by their words, and has no opinion on codes', () => {
    expect(detectLanguage('hello?')).toBe('en');
    expect(detectLanguage('ok dank je!')).toBe('nl');
    expect(guessLanguage('P1-4E7729-B')).toBeUndefined();
    expect(detectLanguage('P1-4E7729-B', 'pt')).toBe('pt');
  });
});

describe('reply-language fallback', () => {
  const verifier = languageVerifier();
  const agent = fakeAgent({ card: billingCard });
  const output = {
    text: english,
    status: 'answered' as const,
    usage: { inputTokens: 0, outputTokens: 0 },
    costUsd: 0,
  };

  it('accepts a supported reply language when no delegate speaks the customer’s, and records the fallback', async () => {
    const verdict = await verifier.verify(
      output,
      {
        task: {
          goal: 'rimborso?',
          constraints: [],
          acceptanceCriteria: [],
          language: 'it',
          replyLanguages: ['it', 'en'],
        },
        agent,
      },
      undefined as never,
    );
    expect(verdict).toMatchObject({ passed: true, fallback: 'reply-language' });
    expect(verdict.reason).toMatch(/supported reply language/);
  });

  it('still rejects the wrong language when a delegate speaks the customer’s', async () => {
    const verdict = await verifier.verify(
      output,
      { task: { goal: 'reembolso?', constraints: [], acceptanceCriteria: [], language: 'es' }, agent },
      undefined as never,
    );
    expect(verdict.passed).toBe(false);
  });

  it('answers an Italian customer in English instead of escalating when the team has no Italian agent', async () => {
    const articles = [
      {
        id: 'refund-time',
        title: 'Refund times',
        body: english,
        tags: ['refund', 'rimborso'],
        language: 'en',
      },
    ];
    const build = (replyLanguagesOption?: string[]) =>
      createTeam({
        front: createRetrievalAgent({
          card: { id: 'front', name: 'Front', description: 'front desk' },
          articles,
          smallTalk: true,
        }),
        delegates: [createRetrievalAgent({ card: billingCard, articles })],
        strategy: verifyRecover({ verify: [languageVerifier()] }),
        ...(replyLanguagesOption ? { replyLanguages: replyLanguagesOption } : {}),
      });
    const message = 'Buongiorno, quando arriva il mio rimborso? Non lo vedo ancora sul conto.';
    const strict = await build().respond({ message, history: [] });
    expect(strict.outcome).toBe('escalated');

    const result = await build(['en']).respond({ message, history: [] });
    expect(result.outcome).toBe('answered');
    expect(result.answer).toBe(english);
    const [record] = result.delegations;
    expect(record?.task).toMatchObject({ language: 'it', replyLanguages: ['it', 'en'] });
    const verdict = record?.attempts[0]?.verdicts.find((entry) => entry.verifier === 'language');
    expect(verdict).toMatchObject({ passed: true, fallback: 'reply-language' });
  });
});
