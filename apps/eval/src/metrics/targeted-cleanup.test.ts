import { describe, expect, it } from 'vitest';
import { tokenizeWords } from './normalize-text.js';
import { targetedCleanup } from './targeted-cleanup.js';

/**
 * Realistic support replies (a POS vendor's help desk, written for these tests): the human's final
 * reply, its nuggets, and answers a bot might give — the same facts reordered and reworded, the
 * same reply with one number wrong, and the reply in a language the customer did not write in.
 */
const replies = [
  {
    name: 'a payout question',
    reference:
      'Hi Sam, thanks for getting in touch. A payout is the card sales of the previous business day minus the card fees and any refunds. Card fees on your Plus plan are 1.49 % + €0.10 per transaction. You can see the breakdown for each day in Back Office → Reports → Payouts. Best, Maya',
    nuggets: [
      'payout is the card sales of the previous business day minus card fees and refunds',
      'card fees 1.49 % + €0.10 per transaction',
      'Back Office → Reports → Payouts',
    ],
    paraphrase:
      'Each day, open Back Office → Reports → Payouts for the breakdown. Your Plus plan charges 1.49 % + €0.10 per card transaction. So a payout equals the previous business day’s card sales minus card fees and refunds.',
    wrongNumber: ['1.49 %', '1.59 %'],
    otherLanguage:
      'Hola Sam, gracias por escribirnos. Un pago es la suma de las ventas con tarjeta del día hábil anterior menos las comisiones y los reembolsos. Las comisiones de tu plan Plus son del 1,49 % + 0,10 € por transacción. Puedes ver el desglose de cada día en Back Office → Informes → Pagos. Saludos, Maya',
  },
  {
    name: 'a card reader error',
    reference:
      "E-104 means the card reader lost its Bluetooth connection to the iPad. Hold the reader's power button for 10 seconds to restart it, then open Settings → Hardware → Card reader and tap Reconnect. If it still shows E-104, reply here and we will send you a replacement within 2 business days.",
    nuggets: [
      'E-104 means the reader lost its Bluetooth connection',
      "hold the reader's power button 10 seconds to restart it",
      'Settings → Hardware → Card reader → Reconnect',
      'replacement within 2 business days',
    ],
    paraphrase:
      'Restart the reader by holding its power button for 10 seconds, then go to Settings → Hardware → Card reader and tap Reconnect. Error E-104 means the reader has lost its Bluetooth connection to your iPad. If E-104 comes back, reply to this message and we will send a replacement within 2 business days.',
    wrongNumber: ['10 seconds', '5 seconds'],
    otherLanguage:
      'E-104 bedeutet, dass das Kartenlesegerät die Bluetooth-Verbindung zum iPad verloren hat. Halten Sie die Einschalttaste des Lesegeräts 10 Sekunden lang gedrückt, um es neu zu starten, und öffnen Sie dann Einstellungen → Hardware → Kartenleser und tippen Sie auf Neu verbinden. Wenn weiterhin E-104 angezeigt wird, antworten Sie hier, und wir senden Ihnen innerhalb von 2 Werktagen ein Ersatzgerät.',
  },
  {
    name: 'a staff invitation',
    reference:
      'To add a manager, go to Back Office → Staff → Invite, enter their e-mail address and choose the Manager role. The invitation link is valid for 7 days. Managers can issue refunds up to €200; larger refunds still need the Owner.',
    nuggets: [
      'Back Office → Staff → Invite',
      'choose the Manager role',
      'invitation link valid for 7 days',
      'Managers can refund up to €200',
    ],
    paraphrase:
      'Managers can issue refunds up to €200; bigger refunds still need the Owner. To add a manager, open Back Office → Staff → Invite, enter their e-mail address and pick the Manager role. The invitation link stays valid for 7 days.',
    wrongNumber: ['€200', '€300'],
    otherLanguage:
      'Pour ajouter un manager, allez dans Back Office → Personnel → Inviter, saisissez son adresse e-mail et choisissez le rôle Manager. Le lien d’invitation est valable 7 jours. Les managers peuvent effectuer des remboursements jusqu’à 200 € ; au-delà, il faut le propriétaire.',
  },
] as const;

const politeNonAnswer = 'Thank you for reaching out! Is there anything else I can help you with?';

describe.each(replies)('targetedCleanup of $name', (reply) => {
  const cleanup = (answer: string) => targetedCleanup(answer, reply.reference, reply.nuggets);

  it('costs nothing for the human’s own final reply', () => {
    expect(cleanup(reply.reference)).toMatchObject({ rate: 0, target: reply.reference });
  });

  it('costs everything for an empty answer', () => {
    expect(cleanup('').rate).toBe(1);
    expect(cleanup('  \n ').rate).toBe(1);
  });

  it('costs nearly everything for a polite sentence without content', () => {
    expect(cleanup(politeNonAnswer).rate).toBeGreaterThanOrEqual(0.9);
  });

  it('costs little for a reordered paraphrase that carries every nugget', () => {
    expect(cleanup(reply.paraphrase).rate).toBeLessThanOrEqual(0.35);
  });

  it('costs one substitution for one wrong number', () => {
    const [right, wrong] = reply.wrongNumber;
    const result = cleanup(reply.reference.replace(right, wrong));
    expect(result.target).toBe(reply.reference);
    expect(result.rate).toBe(Math.round((1 / tokenizeWords(reply.reference).length) * 10000) / 10000);
    expect(result.rate).toBeLessThan(0.05);
  });

  it('costs about everything for an answer in another language', () => {
    // Product names, menu labels, codes and numbers survive a translation; little else does.
    expect(cleanup(reply.otherLanguage).rate).toBeGreaterThanOrEqual(0.8);
  });
});

describe('targetedCleanup', () => {
  const reference =
    'To add a manager, go to Back Office → Staff → Invite, enter their e-mail address and choose the Manager role. The invitation link is valid for 7 days. Managers can issue refunds up to €200; larger refunds still need the Owner.';
  const nuggets = [
    'Back Office → Staff → Invite',
    'invitation link valid for 7 days',
    'Managers can refund up to €200',
  ];
  const [invite, link, refunds] = [
    'To add a manager, go to Back Office → Staff → Invite, enter their e-mail address and choose the Manager role.',
    'The invitation link is valid for 7 days.',
    'Managers can issue refunds up to €200; larger refunds still need the Owner.',
  ];

  it('keeps supported sentences, corrects a wrong number, drops an unsupported one', () => {
    const result = targetedCleanup(
      `${invite} The invitation link is valid for 30 days. You also get a free coffee machine with the Pro plan. ${refunds}`,
      reference,
      nuggets,
    );
    expect(result.sentences).toEqual([
      { text: invite, fate: 'kept' },
      // The post-editor's edit is the number alone: the corrected sentence is the target's.
      { text: link, fate: 'corrected' },
      { text: 'You also get a free coffee machine with the Pro plan.', fate: 'dropped' },
      { text: refunds, fate: 'kept' },
    ]);
    expect(result.target).toBe(reference);
  });

  it('corrects one wrong number in the answer’s own words, keeping the rest of the sentence', () => {
    const answer = 'Heads-up: each invitation link works for 30 days only.';
    const result = targetedCleanup(answer, reference, ['invitation link valid for 7 days']);
    expect(result.sentences[0]).toEqual({
      text: 'Heads-up: each invitation link works for 7 days only.',
      fate: 'corrected',
    });
    // One substitution over the corrected sentence's ten words ("heads-up" is two).
    expect(result.rate).toBe(0.1);
  });

  it('rewrites rather than guesses when a sentence has two wrong numbers or the reference two candidates', () => {
    const twoWrong = targetedCleanup(
      'Managers can issue refunds up to €500; larger refunds over €900 need the Owner.',
      reference,
      nuggets,
    );
    expect(twoWrong.sentences[0]!.fate).toBe('rewritten');
    const twoCandidates = targetedCleanup(
      'The monthly fee is €30.',
      'The monthly fee is €29 on Plus and €79 on Pro.',
      ['€29 on Plus'],
    );
    expect(twoCandidates.sentences[0]!.fate).toBe('rewritten');
  });

  it('rewrites rather than corrects where the number’s place or unit is a guess', () => {
    // A range's other end, a second number of the kind, another unit: one substitution would be
    // wrong ("5-3 days", "3 hours"), so the post-editor's fix is the reference sentence.
    const cases: [string, string][] = [
      ['Refunds take 5-10 business days.', 'Refunds take 3-5 business days.'],
      [
        'Hold the power button for 10 seconds, then wait 5 minutes.',
        'Hold the power button for 5 seconds, then wait 2 minutes.',
      ],
      [
        'Your first payout is held for 7 hours after your first sale.',
        'Your first payout is held for 3 days after your first sale.',
      ],
    ];
    for (const [answer, human] of cases) {
      const result = targetedCleanup(answer, human, []);
      expect(result.sentences, answer).toEqual([{ text: answer, fate: 'rewritten' }]);
      expect(result.target).toBe(human);
    }
  });

  it('reads a German day number before its month as a date, not a list number', () => {
    const human = 'Der Stichtag für die Auszahlung ist der 14. März.';
    expect(
      targetedCleanup('14. März ist der Stichtag für die Auszahlung.', human, []).sentences[0]!.fate,
    ).toBe('kept');
    expect(targetedCleanup('15. März ist der Stichtag für die Auszahlung.', human, []).sentences[0]).toEqual({
      text: '14. März ist der Stichtag für die Auszahlung.',
      fate: 'corrected',
    });
  });

  it('holds the reference to no number of its own list: “1. Open Orders.” does not support “1 day”', () => {
    const result = targetedCleanup(
      'Refunds take 1 day.',
      'Steps:\n1. Open Orders.\n2. Refunds take 5 days.',
      [],
    );
    expect(result.sentences[0]!.fate).toBe('rewritten');
  });

  it('brings reference steps in without the reference’s numbering, and keeps the answer’s own', () => {
    const human = 'Steps:\n1. Open Orders and pick the sale.\n2. Tap Refund and confirm the amount.';
    const result = targetedCleanup('1) Open Orders and choose the sale.', human, [
      'Open Orders',
      'Tap Refund and confirm the amount',
    ]);
    expect(result.target).toBe('1) Open Orders and choose the sale. Tap Refund and confirm the amount.');
  });

  it('keeps the answer’s number on a numbered step it rewrites', () => {
    const result = targetedCleanup(
      '2) Press the power button quickly.',
      "Hold the reader's power button for 10 seconds.",
      ["hold the reader's power button 10 seconds"],
    );
    expect(result.sentences[0]!.fate).toBe('rewritten');
    expect(result.target).toBe("2) Hold the reader's power button for 10 seconds.");
  });

  it('corrects an amount or a percentage whatever word follows, and reads no number inside a code', () => {
    // The sign is the unit; the 2 of "R2" and "2FA" is no second number of the sentence.
    const fee = targetedCleanup(
      'Each dispute costs €20 and you get it back if you win.',
      'Each dispute costs €15, refunded if you win.',
      [],
    );
    expect(fee.sentences[0]).toEqual({
      text: 'Each dispute costs €15 and you get it back if you win.',
      fate: 'corrected',
    });
    const reader = targetedCleanup(
      'Your R2 with 2FA charges 1.59 % per card payment, as usual.',
      'Your R2 with 2FA charges 1.49 % per card payment.',
      [],
    );
    expect(reader.sentences[0]).toEqual({
      text: 'Your R2 with 2FA charges 1.49 % per card payment, as usual.',
      fate: 'corrected',
    });
  });

  it('does not add again a reference step the answer kept with its own number', () => {
    const human = 'Two things:\n1. Open Settings.\n2. That is expected behaviour for a webhook retry.';
    const answer = '1. Open Settings.\n2. That is expected behaviour for a webhook retry.';
    const result = targetedCleanup(answer, human, ['retry by design is normal']);
    expect(result.sentences.filter((sentence) => sentence.fate === 'added')).toEqual([]);
  });

  it('reads a numbered step without its number: “1.” is no fact the reference must hold', () => {
    const answer = `1. ${invite}\n2. ${link}`;
    const result = targetedCleanup(answer, reference, nuggets.slice(0, 2));
    expect(result.sentences).toEqual([
      { text: `1. ${invite}`, fate: 'kept' },
      { text: `2. ${link}`, fate: 'kept' },
    ]);
    expect(result.rate).toBe(0);
  });

  it('adds the reference sentence of a missing nugget where the reference has it', () => {
    const result = targetedCleanup(`${invite} ${refunds}`, reference, nuggets);
    expect(result.sentences).toEqual([
      { text: invite, fate: 'kept' },
      { text: refunds, fate: 'kept' },
      { text: link, fate: 'added' },
    ]);
    expect(result.target).toBe(reference);
    // Eight words inserted ("the invitation link is valid for 7 days") over the target's 41.
    expect(result.rate).toBe(Math.round((8 / tokenizeWords(reference).length) * 10000) / 10000);
  });

  it('does not add again a sentence the answer holds when the matcher misses its nugget there', () => {
    // The annotator's nugget says "50% off", the reply does not: the nugget is missing from the
    // reply itself, and its carrier is the sentence already kept.
    const happyHour =
      'Yes — on Pro you can use an automatic discount: Back Office → Discounts → Automatic → New, choose the Cocktails category and Mon–Fri 17:00–19:00.';
    const result = targetedCleanup(happyHour, happyHour, ['50% off cocktails, Mon–Fri 17:00–19:00']);
    expect(result).toMatchObject({ rate: 0, target: happyHour });
  });

  it('leaves alone a correct answer shorter than the human’s', () => {
    expect(targetedCleanup(link, reference, ['invitation link valid for 7 days'])).toMatchObject({
      rate: 0,
      target: link,
    });
  });

  it('keeps a pleasantry the human wrote too', () => {
    const greeting = 'Thanks for reaching out!';
    const result = targetedCleanup(`${greeting} ${link}`, `Thanks for reaching out! ${reference}`, nuggets);
    expect(result.sentences[0]).toEqual({ text: greeting, fate: 'kept' });
  });

  it('rewrites into the reference a sentence too reworded for three quarters of its words to be the human’s and that misses its nugget', () => {
    // "keep", "pressed" and "first" are not the human's words, and without "hold" and "restart" the
    // nugget is not conveyed either: rewritten, and the cleanup is what that rewrite costs.
    const result = targetedCleanup(
      'First keep the power button pressed for 10 seconds.',
      "Hold the reader's power button for 10 seconds to restart it.",
      ["hold the reader's power button 10 seconds to restart it"],
    );
    expect(result.sentences.map((sentence) => sentence.fate)).toEqual(['rewritten']);
    expect(result.target).toBe("Hold the reader's power button for 10 seconds to restart it.");
    expect(result.rate).toBeGreaterThan(0.35);
  });

  it('keeps a reworded sentence that conveys every nugget of its reference sentence, as a post-editor would', () => {
    // Right facts in other words: HTER against a minimal post-edit is 0, not the cost of rewriting
    // it into the human's wording.
    const answer = 'First restart the reader: keep its power button pressed for 10 seconds.';
    const result = targetedCleanup(answer, "Hold the reader's power button for 10 seconds to restart it.", [
      "hold the reader's power button 10 seconds to restart it",
    ]);
    expect(result.sentences).toEqual([{ text: answer, fate: 'kept' }]);
    expect(result).toMatchObject({ rate: 0, target: answer });
  });

  it('keeps a longer correct answer to a very short reference in every language', () => {
    for (const [answer, reference, nugget] of [
      [
        'Yes, the reader works offline and keeps taking card payments when the wifi is down.',
        'Yes, it works offline.',
        'works offline',
      ],
      [
        'Ja, die Rückerstattung über 45 € ist ausgelöst und bereits unterwegs.',
        'Ja, erledigt! Die 45 € sind unterwegs.',
        '45 € sind unterwegs',
      ],
      [
        'Sì, il lettore funziona anche offline e accetta pagamenti senza Wi-Fi.',
        'Sì, funziona anche offline.',
        'funziona anche offline',
      ],
    ] as const) {
      expect(targetedCleanup(answer, reference, [nugget]).rate).toBe(0);
    }
  });

  it('still rewrites a reworded sentence that holds its nugget’s words but the opposite polarity', () => {
    for (const [answer, reference, nugget] of [
      [
        'No, the Terminal Mini doesn’t accept Apple Pay or Google Pay.',
        'Yes, it accepts Apple Pay and Google Pay.',
        'accepts Apple Pay and Google Pay',
      ],
      [
        'Unfortunately order #48213 cannot be cancelled anymore.',
        'Done! Order #48213 is cancelled.',
        'order #48213 cancelled',
      ],
      [
        'Il file si può scaricare solo in PDF, non in formato CSV.',
        'Puoi scaricare il file in formato CSV o PDF.',
        'formato CSV o PDF',
      ],
    ] as const) {
      const result = targetedCleanup(answer, reference, [nugget]);
      expect(result.sentences[0]!.fate).not.toBe('kept');
      expect(result.rate).toBeGreaterThan(0.4);
    }
  });

  it('does not take a question that repeats the customer’s words for an answer', () => {
    const result = targetedCleanup(
      'Can you cancel my hardware order #48213? I ordered the wrong reader.',
      'Done! Order #48213 is cancelled.',
      ['order #48213 cancelled'],
    );
    expect(result.sentences[0]!.fate).not.toBe('kept');
    expect(result.rate).toBe(1);
  });

  it('keeps the reference’s number rule for a reworded sentence: a wrong number is corrected, never kept', () => {
    const result = targetedCleanup(
      'Turn it off and on by holding the power button for 5 seconds.',
      "Hold the reader's power button for 10 seconds to restart it.",
      ["hold the reader's power button 10 seconds to restart it"],
    );
    expect(result.sentences[0]).toEqual({
      text: 'Turn it off and on by holding the power button for 10 seconds.',
      fate: 'corrected',
    });
  });
  it('adds for a missing nugget the reference sentence that says it best, not the first whose words would do', () => {
    // "still go to the old account" is also 60 % of "Go to Settings → … → Bank account" by its words.
    const result = targetedCleanup(
      'Enter your new IBAN under Settings → Payouts → Bank account.',
      'Go to Settings → Payouts → Bank account and enter the new IBAN. Payouts during those days still go to the old account.',
      ['Settings → Payouts → Bank account', 'still go to the old account'],
    );
    expect(result.sentences.filter((sentence) => sentence.fate === 'added')).toEqual([
      { text: 'Payouts during those days still go to the old account.', fate: 'added' },
    ]);
  });
});
