import { describe, expect, it } from 'vitest';
import { factTokens } from './fact-tokens.js';
import { matchNuggets, nuggetVerdict } from './nugget-match.js';

const verdict = (answer: string, nugget: string) => matchNuggets(answer, [nugget]).judgements[0]!.verdict;

describe('matchNuggets', () => {
  it('scores the share of nuggets conveyed, with a verdict per nugget in nugget order', () => {
    const result = matchNuggets('Refunds take 5–10 business days. The fee is €0.30.', [
      'refund fee €0.30',
      'start the refund in Back Office → Orders → Refund',
      'refunds take 5–10 business days',
    ]);
    expect(result).toEqual({
      recall: 2 / 3,
      judgements: [
        { nugget: 'refund fee €0.30', verdict: 'present' },
        { nugget: 'start the refund in Back Office → Orders → Refund', verdict: 'missing' },
        { nugget: 'refunds take 5–10 business days', verdict: 'present' },
      ],
    });
  });

  it('matches the same time, amount and number however they are written', () => {
    expect(verdict('Our support line is open until 20:00.', 'support line open until 8:00 pm')).toBe(
      'present',
    );
    expect(verdict('Our support line is open until 8 pm.', 'support line open until 8:00 pm')).toBe(
      'present',
    );
    expect(verdict('Our support line is open until 8:00 AM.', 'support line open until 8:00 pm')).toBe(
      'contradicted',
    );
    expect(verdict('The total is $1000.50.', 'the total is $1,000.50')).toBe('present');
    expect(verdict('Der Betrag ist 1000,50 €.', 'Betrag 1.000,50 €')).toBe('present');
    expect(verdict('The exchange rate is 1.2345 per unit', 'exchange rate 12345 per unit')).toBe(
      'contradicted',
    );
    expect(verdict('Your parcel arrives in ٥ أيام', 'parcel arrives in ٣ أيام')).toBe('contradicted');
    expect(verdict('Your appointment is on 14/03/2024.', 'appointment on 14-03-2024')).toBe('present');
  });

  it('has no recall when there are no nuggets', () => {
    expect(matchNuggets('Anything.', [])).toEqual({ recall: null, judgements: [] });
  });

  it('tolerates case, accents and plurals', () => {
    expect(verdict('PAYOUTS are sent every business day.', 'payout sent every business day')).toBe('present');
    expect(
      verdict('Los reembolsos se procesan en días hábiles.', 'Reembolso procesado en dias habiles'),
    ).toBe('present');
    expect(verdict('Le remboursement est validé.', 'remboursement valide')).toBe('present');
  });

  it.each([
    ['a percentage with a decimal comma', 'The card fee is 1.49% per payment.', 'card fee 1,49 %'],
    ['a date by name and by number', 'Your payout arrives on 14/03.', 'payout arrives on 14 March'],
    [
      'a date with and without a year',
      'The new prices apply from 01/04/2025.',
      'new prices apply from 1 April',
    ],
    ['a time on 12 and 24 hours', 'We will call you back at 20:00.', 'call you back at 8pm'],
    [
      'a code with and without its hyphen',
      'Error E104 means the card was declined.',
      'E-104 means card declined',
    ],
    [
      'a number in words and in digits',
      'The first payout is held for up to 7 days.',
      'first payout held up to seven days',
    ],
    ['menu-path separators', 'Go to Settings > Payouts > Bank account.', 'Settings → Payouts → Bank account'],
    ['thousands separators', 'The limit is €10 000 a month.', 'limit €10,000 a month'],
  ])('matches %s', (_kind, answer, nugget) => {
    expect(verdict(answer, nugget)).toBe('present');
  });

  it('calls a changed number, date, time or code a contradiction', () => {
    expect(verdict('The card fee is 1.59% per payment.', 'card fee 1.49 %')).toBe('contradicted');
    expect(verdict('Your payout arrives on 15/03.', 'payout arrives on 14 March')).toBe('contradicted');
    expect(verdict('We will call you back at 9pm.', 'call you back at 20:00')).toBe('contradicted');
    expect(verdict('Error E105 means the card was declined.', 'E-104 means card declined')).toBe(
      'contradicted',
    );
  });

  it('calls a fact stated in part missing, not contradicted', () => {
    // The answer leaves out the year and the fixed fee; what it says agrees with the nugget.
    expect(verdict('The payout arrives on March 14th.', 'payout arrives 14/03/2025')).toBe('missing');
    expect(verdict('The card fee is 1.49 %.', 'card fee 1.49 % + €0.10')).toBe('missing');
  });

  it('does not collect a nugget’s words from far-apart sentences of a long answer', () => {
    const nugget = 'reset the PIN in Settings → Security';
    const scattered = [
      'First reset the router and wait until the lights stop blinking, which can take a couple of minutes.',
      'While you wait, check that the cable between the reader and the till is firmly plugged in and not bent.',
      'If a customer asks, the PIN pad stays locked until the reader is back online, so take cash meanwhile.',
      'Once everything is back, open Settings on the iPad and check the Wi-Fi network name matches your shop.',
      'Our security team confirmed there is no outage on our side today.',
    ].join(' ');
    expect(verdict(scattered, nugget)).toBe('missing');
    // The same words together convey it.
    expect(verdict(`${scattered} To change it, reset the PIN under Settings → Security.`, nugget)).toBe(
      'present',
    );
  });

  it('scores a content-free answer below a paraphrase that carries the nuggets', () => {
    const nuggets = [
      'refunds take 5–10 business days',
      'start the refund in Back Office → Orders → Refund',
      'refund fee €0.30',
    ];
    const polite = matchNuggets(
      'Thank you for reaching out! Is there anything else I can help you with?',
      nuggets,
    );
    const paraphrase = matchNuggets(
      'You can issue it under Back Office > Orders > Refund. It costs €0,30 and the customer sees the money within 5 to 10 business days.',
      nuggets,
    );
    expect(polite.recall).toBe(0);
    expect(paraphrase.recall).toBe(1);
  });
});

describe('matchNuggets: what the words say', () => {
  it.each([
    ['en', 'the reader works offline', "Unfortunately the reader doesn't work offline."],
    ['en', 'payouts are not made on weekends', 'Payouts are also made on weekends.'],
    ['en', 'the old reader can still be used', 'The old reader can no longer be used.'],
    ['de', 'der Kartenleser funktioniert offline', 'Der Kartenleser funktioniert nicht offline.'],
    ['de', 'keine Gebühr für Rückerstattungen', 'Für Rückerstattungen fällt eine Gebühr an.'],
    ['fr', 'le terminal fonctionne hors ligne', 'Le terminal ne fonctionne pas hors ligne.'],
    ['fr', 'le code est encore valable', "Le code n'est plus valable."],
    ['es', 'el lector funciona sin conexión', 'El lector no funciona sin conexión.'],
    ['it', 'il lettore funziona offline', 'Il lettore non funziona offline.'],
    ['nl', 'de kaartlezer werkt offline', 'De kaartlezer werkt niet offline.'],
    ['pt', 'o leitor funciona offline', 'O leitor não funciona offline.'],
  ])('calls a statement negated on one side only a contradiction (%s)', (_language, nugget, answer) => {
    expect(verdict(answer, nugget)).toBe('contradicted');
  });

  it.each([
    ["the reader won't pair below 20% battery", 'Below 20 % battery it does not pair.'],
    ['Apple Pay is not supported', "We don't support Apple Pay at the moment."],
    ['Auszahlungen am Wochenende sind nicht möglich', 'Am Wochenende sind keine Auszahlungen möglich.'],
    ["vous ne pouvez plus modifier l'IBAN", "L'IBAN ne peut plus être modifié."],
    ['no se puede cambiar el titular', 'El titular no se puede cambiar.'],
    ['no separate contract with the provider', "You don't need a separate contract with the provider."],
  ])('keeps a statement negated on both sides: %s', (nugget, answer) => {
    expect(verdict(answer, nugget)).toBe('present');
  });

  it('ignores a negation in another clause or about another word', () => {
    expect(
      verdict('Answer with a 2xx within 10 seconds. If not, we retry for 24 hours.', 'retry for 24 hours'),
    ).toBe('present');
    expect(
      verdict('Den AVV müssen Sie nicht anfordern, er ist Teil unserer AGB.', 'AVV ist Teil unserer AGB'),
    ).toBe('present');
    expect(
      verdict(
        "Keep an eye out for the email and tell us if it doesn't show up.",
        'keep an eye out for the email',
      ),
    ).toBe('present');
    // "ne … que" is "only", not a negation; Portuguese "no" is "in the".
    expect(
      verdict(
        "Le transfert n'est effectif qu'une fois que vous avez confirmé.",
        'transfert effectif une fois confirmé',
      ),
    ).toBe('present');
    expect(verdict('A conta será encerrada no prazo de 30 dias.', 'conta encerrada em 30 dias')).toBe(
      'present',
    );
  });

  it('does not count words the answer only wonders about', () => {
    expect(verdict("I'm not sure whether the reader works offline.", 'the reader works offline')).toBe(
      'missing',
    );
    expect(
      verdict('You asked whether the reader works offline. Great question!', 'the reader works offline'),
    ).toBe('missing');
    expect(
      verdict(
        'Ich bin mir nicht sicher, ob der Kartenleser offline funktioniert.',
        'Kartenleser funktioniert offline',
      ),
    ).toBe('missing');
    expect(
      verdict(
        'Entiendo que quiere saber si el lector funciona sin conexión.',
        'el lector funciona sin conexión',
      ),
    ).toBe('missing');
    // An instruction to check, a conditional, or a question the nugget asks too, are conveyed.
    expect(
      verdict('Check whether the tip is calculated before or after tax.', 'tip before or after tax'),
    ).toBe('present');
    expect(verdict('If you upload a PDF statement, the payout is released.', 'upload a PDF statement')).toBe(
      'present',
    );
    expect(verdict('Do you know whether the reader is charged?', 'ask whether the reader is charged')).toBe(
      'present',
    );
  });
});

describe('matchNuggets: units', () => {
  it.each([
    ['first payout held for up to 7 days', 'Your first payout is held for up to 7 hours.'],
    ['the code expires after 10 minutes', 'The code expires after 10 seconds.'],
    ['the chargeback fee is €15', 'The chargeback fee is $15.'],
    ['the limit is €5,000 per month', 'The limit is €5,000 per week.'],
    ['Auszahlung innerhalb von 2 Werktagen', 'Die Auszahlung erfolgt innerhalb von 2 Wochen.'],
    ['le code expire après 5 minutes', 'Le code expire après 5 heures.'],
    ['el reembolso tarda 10 días', 'El reembolso tarda 10 horas.'],
    ['la garanzia copre 2 anni', 'La garanzia copre 2 mesi.'],
    ['uitbetaling binnen 2 werkdagen', 'De uitbetaling komt binnen 2 weken.'],
    ['o código expira em 10 minutos', 'O código expira em 10 segundos.'],
  ])('calls a number in another unit a contradiction: %s', (nugget, answer) => {
    expect(verdict(answer, nugget)).toBe('contradicted');
  });

  it('accepts the same unit however it is written, and a unit said on one side only', () => {
    expect(verdict('Refunds take 5 to 10 working days.', 'refunds take 5–10 business days')).toBe('present');
    expect(verdict('Der Code gilt 10 Min.', 'Code gilt 10 Minuten')).toBe('present');
    expect(verdict('The fee is 1,49 %.', 'fee 1.49%')).toBe('present');
    expect(verdict('The card fee is 15 euros.', 'card fee €15')).toBe('present');
    expect(verdict('Hold the button for 10.', 'hold the button for 10 seconds')).toBe('present');
  });
});

describe('matchNuggets: one sentence', () => {
  it('does not collect a nugget from the words of neighbouring sentences', () => {
    const nugget = 'the reader works offline';
    expect(verdict('Offline? Our office works on weekdays only. The reader is on its way.', nugget)).toBe(
      'missing',
    );
    expect(
      verdict(
        'Verification documents are checked within a day. Paused subscriptions can be resumed. Payouts are listed in the app.',
        'payouts are paused until verification',
      ),
    ).toBe('missing');
    expect(verdict('Our team works hard. Offline, the reader still works.', nugget)).toBe('present');
  });

  it('reads a sentence that opens with a pronoun as part of the one before', () => {
    expect(verdict('You can issue the refund in the app. It costs €0,30.', 'refund fee €0.30')).toBe(
      'present',
    );
    expect(
      verdict(
        'Sie können die Rückerstattung in der App starten. Das kostet 0,30 €.',
        'Rückerstattung kostet 0,30 €',
      ),
    ).toBe('present');
  });

  it('lets a nugget of several parts take a sentence per part', () => {
    expect(
      verdict(
        "It's Tillwell Capital, a merchant cash advance. Not a classic loan: you repay it from sales.",
        'merchant cash advance, not a classic loan',
      ),
    ).toBe('present');
  });

  it('does not end a sentence inside an address, an abbreviation or a quoted label', () => {
    expect(
      verdict(
        'The invitation went to kim.nguyen@example.com and shows as delivered.',
        'invitation went to kim.nguyen@example.com, delivered',
      ),
    ).toBe('present');
    expect(
      verdict(
        'You can upgrade if you want staff permissions (e.g. refunds by managers only) or reports.',
        'upgrade for staff permissions or reports',
      ),
    ).toBe('present');
    expect(verdict('Click "Forgot password?" and use the newest link.', 'Forgot password, newest link')).toBe(
      'present',
    );
  });
});

describe('matchNuggets: opposites', () => {
  it.each([
    ['enable offline payments', 'Disable offline payments.'],
    ['the account has been unlocked', 'I have locked the account.'],
    ['Offline-Zahlungen aktivieren', 'Deaktivieren Sie Offline-Zahlungen.'],
    ['activez les paiements hors ligne', 'Désactivez les paiements hors ligne.'],
    ['el importe mínimo es 1 €', 'El importe máximo es 1 €.'],
    ['inserisci i prezzi IVA inclusa', 'Inserisci i prezzi IVA esclusa.'],
    ['ligue o Bluetooth', 'Desligue o Bluetooth.'],
    ['the limit will increase this month', 'The limit will decrease this month.'],
  ])('calls a word said as its opposite a contradiction: %s', (nugget, answer) => {
    expect(verdict(answer, nugget)).toBe('contradicted');
  });

  it.each([
    ['turn on Bluetooth', 'Turn off Bluetooth first.'],
    ['zet Bluetooth aan', 'Zet Bluetooth uit.'],
    ['schakel offline betalingen in', 'Schakel offline betalingen uit.'],
    // "on the reader" is a place, not the switch: it does not stand for the nugget's "turn on".
    ['turn on Bluetooth on the reader', 'Turn off Bluetooth on the reader.'],
    ['turn on the reader', 'Turn off the reader.'],
  ])('calls the opposite particle a contradiction: %s', (nugget, answer) => {
    expect(verdict(answer, nugget)).toBe('contradicted');
  });

  it('keeps the word itself, a preposition and a particle said on both sides', () => {
    expect(verdict('You can enable or disable offline payments.', 'enable offline payments')).toBe('present');
    expect(verdict('Switch Bluetooth off.', 'turn off Bluetooth')).toBe('present');
    expect(verdict('Das Gerät wird aus Rotterdam an Sie verschickt.', 'Gerät wird an Sie verschickt')).toBe(
      'present',
    );
    expect(verdict('Install the app again after you uninstall it.', 'install the app again')).toBe('present');
    // A particle before a noun phrase counts only after the same word: "on your account" here is
    // a place, and the answer's "currently off" is the nugget's own.
    expect(
      verdict(
        'Offline payments are switched on — and on your account they are currently off.',
        'offline payments are currently off on your account',
      ),
    ).toBe('present');
  });
});

describe('matchNuggets: menu paths', () => {
  it.each([
    ['Settings → Payments → Offline payments', 'Go to Settings → Devices → Offline payments.'],
    [
      'Settings → Security → Two-factor authentication',
      'Open Account → Security → Two-factor authentication.',
    ],
    [
      'Einstellungen → Zahlungen → Offline-Zahlungen',
      'Öffnen Sie Einstellungen > Geräte > Offline-Zahlungen.',
    ],
    ['Ajustes → Pagos → Pagos sin conexión', 'Vaya a Ajustes » Cuenta » Pagos sin conexión.'],
  ])('calls a path with another step a contradiction: %s', (nugget, answer) => {
    expect(verdict(answer, nugget)).toBe('contradicted');
  });

  it('accepts the path with other separators, a leading step left out, prose after a step, or in prose', () => {
    const nugget = 'Back Office → Settings → Tips';
    expect(verdict('Go to Back Office > Settings > Tips.', nugget)).toBe('present');
    expect(verdict('Open Settings → Tips in the Back Office.', nugget)).toBe('present');
    expect(verdict('Back Office → Settings → turn on Tips.', nugget)).toBe('present');
    expect(verdict('In the Back Office, open Settings and then Tips.', nugget)).toBe('present');
    expect(
      verdict('Go to Settings → Receipts and upload your logo under Logo.', 'Settings → Receipts → Logo'),
    ).toBe('present');
  });

  it('does not read quotes or tags as a path', () => {
    expect(verdict('Tippen Sie auf «Kunde löschen» und bestätigen Sie.', 'auf «Kunde löschen» tippen')).toBe(
      'present',
    );
    expect(
      verdict('The header is Authorization: Bearer <key> as documented.', 'Authorization: Bearer <key>'),
    ).toBe('present');
  });
});

describe('nuggetVerdict', () => {
  it('takes tokenised text, so an answer is tokenised once for many nuggets', () => {
    const answer = factTokens('Refunds take 5–10 business days.');
    expect(nuggetVerdict(answer, factTokens('refunds take 5–10 business days'))).toBe('present');
    expect(nuggetVerdict(answer, factTokens('refunds take 3 business days'))).toBe('contradicted');
  });

  it('counts a nugget with no words as present', () => {
    expect(nuggetVerdict(factTokens('Anything.'), factTokens('—'))).toBe('present');
  });
  it('takes a negation for what follows it, not for the words before it in English, Spanish and the like', () => {
    // "nothing" negates "stored", "can't" negates "contracted", "no" negates "son de la suscripción".
    const cases: [string, string][] = [
      [
        'Then the payment is declined straight away with E-512 and nothing is stored.',
        'declined straight away with E-512',
      ],
      [
        "Mandatory local rules that can't be contracted out of still apply.",
        'mandatory local rules still apply',
      ],
      [
        'Los 108 € del día 9 no son de la suscripción, son un pedido de hardware.',
        '108 € del día 9: pedido de hardware',
      ],
    ];
    for (const [answer, nugget] of cases)
      expect(matchNuggets(answer, [nugget]).judgements[0]!.verdict).toBe('present');
    // A negation that follows its verb, or that negates nothing after it, still looks back.
    expect(
      matchNuggets('Das Lesegerät funktioniert nicht.', ['Lesegerät funktioniert']).judgements[0]!.verdict,
    ).toBe('contradicted');
    expect(
      matchNuggets('Le lecteur ne fonctionne pas.', ['le lecteur fonctionne']).judgements[0]!.verdict,
    ).toBe('contradicted');
  });
  it.each([
    ['the hold lasts up to 7 days', 'The hold lasts no more than 7 days.'],
    ['die Auszahlung dauert bis zu 3 Tage', 'Die Auszahlung dauert nicht mehr als 3 Tage.'],
    ['el pago tarda hasta 3 días', 'El pago tarda no más de 3 días.'],
    ['the reader works offline', 'The reader works not only offline but also over Wi-Fi.'],
    ['de lezer werkt offline', 'De lezer werkt niet alleen offline maar ook met wifi.'],
    ['order 12345 was shipped', 'Order no 12345 was shipped today.'],
    ['payouts take about 3 days', 'Payouts take approx. 3 days.'],
    ['refunds are possible for 30 days', 'Refunds are possible for max. 30 days.'],
    [
      'you can change the payout schedule in Settings',
      'Sure! If you open Settings you can change the payout schedule.',
    ],
    ['the readers must be charged', 'Make sure each of the readers is charged before the event.'],
    ['il lettore funziona offline', 'Sono sicuro che il lettore funziona offline.'],
    [
      'el modo sin conexión se activa en Ajustes',
      'Si tienes dudas o preguntas, se activa el modo sin conexión en Ajustes.',
    ],
    [
      'turn on Bluetooth on the card reader',
      'Enable Bluetooth in the card reader settings and switch off power saving mode.',
    ],
    ['set up payouts in the dashboard', 'Configure payouts in the dashboard using the drop-down menu.'],
    ['see the transaction tail in the report', 'See the transaction detail in the report.'],
    [
      'your income appears in the monthly report',
      'Your earnings appear in the monthly report as they come in.',
    ],
    ['Settings → Payouts', 'Open Settings and tap Payouts. For the reader, go to Settings → Devices.'],
    [
      'Staff → Archived → Restore',
      'Back Office → Staff → click the person → Archive. If they come back, Staff → Archived → Restore.',
    ],
  ])(
    'reads no bound, addition, abbreviation, certainty, stray particle, prefix or other path as a contradiction: %s',
    (nugget, answer) => {
      expect(verdict(answer, nugget)).toBe('present');
    },
  );

  it.each([
    [
      'der Kartenleser funktioniert offline',
      'Ich bin mir nicht sicher, ob der Kartenleser offline funktioniert.',
    ],
    ['el lector funciona sin conexión', 'No estoy seguro de si el lector funciona sin conexión.'],
    ['de kaartlezer werkt offline', 'Je vraagt of de kaartlezer offline werkt?'],
  ])('still takes a doubt before "ob", "si" or "of" for one: %s', (nugget, answer) => {
    expect(verdict(answer, nugget)).toBe('missing');
  });
});
