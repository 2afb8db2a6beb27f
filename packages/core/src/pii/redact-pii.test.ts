import { describe, expect, it } from 'vitest';
import { summaryContext } from '../context-policy.js';
import { delegate } from '../delegate.js';
import { Roster } from '../roster.js';
import { RunScope } from '../run-scope.js';
import { defineTask } from '../task-spec.js';
import { fakeAgent } from '../testing/fake-agent.js';
import { scriptedChatModel } from '../testing/scripted-chat-model.js';
import { findPii, redactPii } from './redact-pii.js';

describe('redactPii', () => {
  it('replaces names, street addresses, dates of birth, national ids, passports and IPs', () => {
    const { text } = redactPii(
      'Hallo, ich heiße Jonas Brandt, Hauptstraße 15, Geburtsdatum 14.03.1985, Reisepass C01X00T47, login von 85.12.4.200.',
    );
    expect(text).toBe(
      'Hallo, ich heiße [name], [address], Geburtsdatum [dob], Reisepass [passport], login von [ip].',
    );
    expect(redactPii('Mi DNI es 12345678Z y el NIE X1234567L').text).toBe('Mi DNI es [id] y el NIE [id]');
  });

  it('finds a capitalised name after a cue in any case, in each corpus language', () => {
    const named = [
      ['MY NAME IS Ana López, thanks', 'MY NAME IS [name], thanks'],
      ["Hi! I'm Rafael from the café", "Hi! I'm [name] from the café"],
      ['Soy Marta García', 'Soy [name]'],
      ['ich heiße Jürgen Weber', 'ich heiße [name]'],
      ["À l'attention de Claire Dubois", "À l'attention de [name]"],
      ['t.a.v. Jan de Vries', 't.a.v. [name]'],
      ['alla c.a. di Marco Rossi', 'alla c.a. di [name]'],
      ['Chamo-me Inês Costa', 'Chamo-me [name]'],
      // A cue starts a word, so the word-final "name is" of "surname is" is a cue of its own.
      ['and my surname is Okafor', 'and my surname is [name]'],
      // Account-holder words may end a compound (joint holders).
      ['Mitkontoinhaber: Hans Müller', 'Mitkontoinhaber: [name]'],
      ['cointestatario Marco Rossi', 'cointestatario [name]'],
    ];
    for (const [text, redacted] of named) expect(redactPii(text!).text).toBe(redacted);
  });

  it('leaves ordinary words after a cue alone, and cues inside other words', () => {
    // Each of these lost words to [name] while the cue and the name shared one case-insensitive
    // pattern, under which \p{Lu} matches any letter: 112 of the corpus's 1,128 user turns did.
    const plain = [
      'I am happy to help with that.',
      'This is urgent, please call me back.',
      'Can you contact support today?',
      "I'm not sure how to close the day.",
      'Soy cliente desde hace años.',
      'Ich bin gerade im Laden.',
      'je suis en train de remplir le formulaire',
      'Ik ben de eigenaar.',
      'Sono il proprietario.',
      'Sou a nova gerente.',
      'Please recall Items Report and the label Daily Sales.',
      // "m." is a cue (French "Monsieur"), and the end of any sentence whose last word ends in m.
      'It says there is a problem. Can you help? It left Rotterdam. Nobody called.',
    ];
    for (const text of plain) expect(redactPii(text)).toEqual({ text, count: 0, kinds: {} });
  });

  it('leaves invoice and order numbers, error codes, prices and product models alone', () => {
    const text =
      'Invoice 2024-000123 shows €1,299.00 and error E-204 on the K1 printer, order TW-104233, serial P1-4E7729-B.';
    expect(redactPii(text)).toEqual({ text, count: 0, kinds: {} });
  });
});

describe('findPii', () => {
  it('finds the leftmost of overlapping IPv6 and IPv4 addresses, so no part of either is left out', () => {
    expect(findPii('2001:db8:0:0:0:0:2:1.10.0.0.1')).toEqual([
      { start: 0, end: 20, kind: 'ip' },
      { start: 21, end: 29, kind: 'ip' },
    ]);
    expect(redactPii('from 10.0.0.1 and fe80:0:0:0:0:0:0:1').text).toBe('from [ip] and [ip]');
  });

  it('gives the same spans however often and in whichever order it is called (no state kept in its patterns)', () => {
    const texts = ['call +44 20 7946 0958 now', 'mail ana@example.com', 'IBAN DE89 3704 0044 0532 0130 00'];
    const first = texts.map((text) => findPii(text));
    expect([...texts].reverse().map((text) => findPii(text))).toEqual([...first].reverse());
    expect(texts.map((text) => findPii(text))).toEqual(first);
  });
});

describe('context for an uncleared delegate', () => {
  it('is summarised from the redacted transcript: the summary model never sees the raw text', async () => {
    const model = scriptedChatModel(['The customer wants a refund.']);
    const front = fakeAgent({ card: { id: 'front', name: 'Front', description: 'front' } });
    const billing = fakeAgent({ card: { id: 'billing', name: 'Billing', description: 'billing' } });
    const turn = {
      message: 'And the refund?',
      history: [
        {
          role: 'user' as const,
          content: 'My name is Sarah Mitchell, card 4111 1111 1111 1111, call +44 7700 900123.',
        },
        { role: 'assistant' as const, content: 'Thanks, looking into it.' },
        { role: 'user' as const, content: 'I live at 221 Baker Street.' },
      ],
    };
    const result = await delegate({
      roster: new Roster({ front, delegates: [billing] }),
      delegator: front,
      task: defineTask({ goal: turn.message }),
      turn,
      candidates: [{ agentId: 'billing', score: 1 }],
      reason: 'best',
      strategy: 'test',
      scope: new RunScope(),
      transfer: summaryContext({ model, keep: 1 }),
    });
    const sent = JSON.stringify(model.requests[0]?.messages);
    expect(sent).not.toMatch(/Sarah|4111|7700|Baker/);
    expect(sent).toMatch(/\[name\].*\[card\].*\[phone\]/);
    expect(billing.inputs[0]?.context.messages[0]?.content).toBe('I live at [address].');
    expect(result.record.context.redactions).toBe(1);
  });
});
