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

// Cases from an independent, hand-labelled audit set (datasets/guardrails/pii-audit.jsonl, 2026-12-05):
// each failed before the change they came with.
describe('redactPii on independently written support messages', () => {
  it('finds a date of birth after a verb ("is", "ist der", "è") and in the US order', () => {
    const cases = [
      ['My date of birth is 14/07/1986.', 'My date of birth is [dob].'],
      ['Mi fecha de nacimiento es 23/08/1991.', 'Mi fecha de nacimiento es [dob].'],
      ['Ma date de naissance est le 03/03/1975.', 'Ma date de naissance est le [dob].'],
      ['Mein Geburtsdatum ist der 12.05.1982.', 'Mein Geburtsdatum ist der [dob].'],
      ['La mia data di nascita è 15/06/1988.', 'La mia data di nascita è [dob].'],
      ['A minha data de nascimento é 21-09-1993.', 'A minha data de nascimento é [dob].'],
      ['Mijn geboortedatum is 07-02-1969.', 'Mijn geboortedatum is [dob].'],
      ['I was born on March 3, 1979.', 'I was born on [dob].'],
    ];
    for (const [text, redacted] of cases) expect(redactPii(text!).text).toBe(redacted);
  });

  it('finds names after "my name is" in each language, after Herrn, titles and mevrouw', () => {
    const cases = [
      ['Mein Name ist Özlem Yılmaz.', 'Mein Name ist [name].'],
      ['Mi nombre es Javier Morales.', 'Mi nombre es [name].'],
      ['Mon nom est Camille Rousseau.', 'Mon nom est [name].'],
      ['Mijn naam is Pieter van den Berg.', 'Mijn naam is [name].'],
      ['Il mio nome è Marco Bianchi.', 'Il mio nome è [name].'],
      ['Meu nome é Rafael Costa.', 'Meu nome é [name].'],
      ['Me chamo Rafael Costa.', 'Me chamo [name].'],
      ['Bitte an Herrn Schneider weiterleiten.', 'Bitte an Herrn [name] weiterleiten.'],
      ['Ansprechpartnerin ist Frau Dr. Keller.', 'Ansprechpartnerin ist Frau Dr. [name].'],
      ['Alla c.a. della Dott.ssa Ferri.', 'Alla c.a. della Dott.ssa [name].'],
      ['alla c.a. del Sig. Conti', 'alla c.a. del Sig. [name]'],
      ['T.a.v. mevrouw Jansen, afdeling inkoop.', 'T.a.v. mevrouw [name], afdeling inkoop.'],
      ['Name: Grace Liu, DOB: 1990-05-17', 'Name: [name], DOB: [dob]'],
      ['Hallo, ich bin Stefan aus dem Lager.', 'Hallo, ich bin [name] aus dem Lager.'],
      ['Hi, this is May Chen from the bakery.', 'Hi, this is [name] from the bakery.'],
      ['Ich bin August Weber.', 'Ich bin [name].'],
      ['Sono Domenica Russo, cliente da anni.', 'Sono [name], cliente da anni.'],
      ['This is Dom Reyes from accounts.', 'This is [name] from accounts.'],
    ];
    for (const [text, redacted] of cases) expect(redactPii(text!).text).toBe(redacted);
  });

  it('keeps capitalised role, status and calendar words after "ich bin", "I am", "call"…', () => {
    const plain = [
      'Ich bin Kunde seit 2018.',
      'Ich bin Mitarbeiter der Filiale Köln.',
      'Ich bin Inhaber einer kleinen Bäckerei.',
      'I am Gold member since 2019.',
      'Please call Monday after 10:30.',
      'Je suis Client Premium depuis 2015.',
      'Soy Autónomo y necesito la factura.',
      'Sono Titolare del negozio.',
      'Sou Gerente da loja do Porto.',
      'Ik ben Eigenaar van de winkel in Utrecht.',
      'Device name: Kitchen iPad',
    ];
    for (const text of plain) expect(redactPii(text).text).toBe(text);
  });

  it('keeps order, ticket and barcode numbers and log timestamps, still finds bare phones and ids', () => {
    const plain = [
      'Order #100458923 never arrived.',
      'Commande n° 100234567 passée le 12/03/2024.',
      'Bestelnummer 4012345678 ist nicht angekommen.',
      'El pedido 1234567890 lo pagué a las 10:45.',
      'Order number 161143209 shows as cancelled.', // passes the BSN 11-proof
      'Ticket 92190367482 was closed.', // passes the Steuer-ID check
      'Barcode 5901234123457 scans wrong.', // EAN-13 passing Luhn
      'At 2024-03-12 10:30:45 the till froze.',
    ];
    for (const text of plain) expect(redactPii(text).text).toBe(text);
    expect(redactPii('Call me on 0612345678 please').text).toBe('Call me on [phone] please');
    // A reference word nearby does not hide a number given to reach or pay someone.
    expect(redactPii('The phone number on my order is +44 7700 900123.').text).toBe(
      'The phone number on my order is [phone].',
    );
    expect(redactPii('Für Rückfragen zur Bestellung: 030 12345678').text).toBe(
      'Für Rückfragen zur Bestellung: [phone]',
    );
    expect(redactPii('The card I used for the order is 4111 1111 1111 1111.').text).toBe(
      'The card I used for the order is [card].',
    );
    expect(redactPii('Mijn BSN is 702597569.').text).toBe('Mijn BSN is [id].');
  });

  it('takes a dotted French phone whole, not its first four groups as an IP', () => {
    expect(redactPii('Tel 06.12.34.56.78').text).toBe('Tel [phone]');
    expect(redactPii('Fixe : 01.45.67.89.10, de 9h à 18h.').text).toBe('Fixe : [phone], de 9h à 18h.');
    expect(redactPii('login von 85.12.4.200.').text).toBe('login von [ip].');
  });

  it('finds passports after compound cues, lower-case IBANs, more English street types', () => {
    expect(redactPii('Reisepassnummer C01X00T47').text).toBe('Reisepassnummer [passport]');
    expect(redactPii('Paspoortnummer NW4K2R8P1.').text).toBe('Paspoortnummer [passport].');
    expect(redactPii('Passaporte n.º CB123456.').text).toBe('Passaporte n.º [passport].');
    expect(redactPii('iban nl28ingb8095305527 graag').text).toBe('iban [iban] graag');
    expect(redactPii('Ship it to 742 Evergreen Terrace, Springfield').text).toBe(
      'Ship it to [address], Springfield',
    );
  });
});
