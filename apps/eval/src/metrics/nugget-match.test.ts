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

describe('nuggetVerdict', () => {
  it('takes tokenised text, so an answer is tokenised once for many nuggets', () => {
    const answer = factTokens('Refunds take 5–10 business days.');
    expect(nuggetVerdict(answer, factTokens('refunds take 5–10 business days'))).toBe('present');
    expect(nuggetVerdict(answer, factTokens('refunds take 3 business days'))).toBe('contradicted');
  });

  it('counts a nugget with no words as present', () => {
    expect(nuggetVerdict(factTokens('Anything.'), factTokens('—'))).toBe('present');
  });
});
