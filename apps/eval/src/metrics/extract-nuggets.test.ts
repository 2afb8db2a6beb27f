import { describe, expect, it } from 'vitest';
import { extractNuggets } from './extract-nuggets.js';

describe('extractNuggets', () => {
  it('finds menu paths and durations, in reply order', () => {
    expect(
      extractNuggets('Refunds take 5–10 business days. Go to Back Office → Payouts » Schedule.'),
    ).toEqual([
      { text: '5–10 business days', kind: 'duration' },
      { text: 'Back Office → Payouts » Schedule', kind: 'menu-path' },
    ]);
    expect(extractNuggets('Il rimborso arriva in 5 giorni lavorativi.')).toEqual([
      { text: '5 giorni lavorativi', kind: 'duration' },
    ]);
  });

  it('finds amounts and percentages, a fee and its fixed part as one', () => {
    expect(
      extractNuggets('Card fees on Plus are 1.49 % + €0.10 per transaction; the monthly fee is €49.'),
    ).toEqual([
      { text: '1.49 % + €0.10', kind: 'amount' },
      { text: '€49', kind: 'amount' },
    ]);
  });

  it('finds error codes, invoice and order numbers', () => {
    expect(
      extractNuggets(
        'Error E-104 means the reader lost its connection. Invoice INV-2024-118342 and order #48213 are attached.',
      ),
    ).toEqual([
      { text: 'E-104', kind: 'code' },
      { text: 'INV-2024-118342', kind: 'code' },
      { text: '#48213', kind: 'code' },
    ]);
  });

  it('finds quoted labels without their quotes', () => {
    expect(extractNuggets('Tap "Use a backup code", then «Confirmer».')).toEqual([
      { text: 'Use a backup code', kind: 'quoted' },
      { text: 'Confirmer', kind: 'quoted' },
    ]);
  });

  it('finds e-mail addresses and URLs, and does not read a URL as a menu path', () => {
    expect(
      extractNuggets(
        'Write to privacy@tillwell.com, or follow https://status.tillwell.com/incidents and help.tillwell.com.',
      ),
    ).toEqual([
      { text: 'privacy@tillwell.com', kind: 'email' },
      { text: 'https://status.tillwell.com/incidents', kind: 'url' },
      { text: 'help.tillwell.com', kind: 'url' },
    ]);
  });

  it('finds times and dates', () => {
    expect(
      extractNuggets('We are open from 08:00 to 18:00 CET; the change applies from 2025-04-01.'),
    ).toEqual([
      { text: '08:00', kind: 'time' },
      { text: '18:00 CET', kind: 'time' },
      { text: '2025-04-01', kind: 'date' },
    ]);
  });

  it('finds dates written with a month name and 12-hour times', () => {
    expect(extractNuggets('Your refund was issued on 14 March and arrives by 8 pm on 2024-03-20.')).toEqual([
      { text: '14 March', kind: 'date' },
      { text: '8 pm', kind: 'time' },
      { text: '2024-03-20', kind: 'date' },
    ]);
    expect(extractNuggets('Der Termin ist am 14. März 2025 um 8:00 Uhr.')).toEqual([
      { text: '14. März 2025', kind: 'date' },
      { text: '8:00', kind: 'time' },
    ]);
    expect(extractNuggets('The new prices apply from March 1, 2025. You may 2-step verify.')).toEqual([
      { text: 'March 1, 2025', kind: 'date' },
    ]);
  });

  it('keeps each fact once and at most six', () => {
    expect(extractNuggets('Payouts take 2 business days. Really: payouts take 2 business days.')).toEqual([
      { text: '2 business days', kind: 'duration' },
    ]);
    const paths = ['A', 'B', 'C', 'D', 'E', 'F', 'G'].map((label) => `Settings → ${label}`);
    expect(extractNuggets(`${paths.join(', ')}.`).map((nugget) => nugget.text)).toEqual(paths.slice(0, 6));
  });

  it('falls back to the sentences with the most content words when the reply has no checkable fact', () => {
    const reply = [
      'Hi Anna!',
      'Unfortunately we cannot change the legal entity on an existing account.',
      'You would need to open a new account for the new company and close the old one afterwards.',
      'Sorry about that.',
      'Best, Maya',
    ].join(' ');
    expect(extractNuggets(reply)).toEqual([
      { text: 'Unfortunately we cannot change the legal entity on an existing account.', kind: 'sentence' },
      {
        text: 'You would need to open a new account for the new company and close the old one afterwards.',
        kind: 'sentence',
      },
    ]);
  });

  it('takes a short instruction for a nugget, and never a thank-you, an apology or a refusal', () => {
    const texts = (reply: string) => extractNuggets(reply).map((nugget) => nugget.text);
    expect(texts('Thank you for contacting us. Please restart the app.')).toEqual([
      'Please restart the app.',
    ]);
    expect(texts('Sorry, we cannot help with that. Please contact your bank.')).toEqual([
      'Please contact your bank.',
    ]);
    expect(texts('Vielen Dank für Ihre Nachricht. Bitte starten Sie die Kasse neu.')).toEqual([
      'Bitte starten Sie die Kasse neu.',
    ]);
    expect(texts('Lo siento, no podemos ayudarle con eso. Gracias por contactarnos.')).toEqual([]);
  });

  it('gives a greeting no nuggets', () => {
    expect(extractNuggets('Hi Anna! Thanks for your message.')).toEqual([]);
    expect(extractNuggets('You are welcome!')).toEqual([]);
  });
});
