import { describe, expect, it } from 'vitest';
import { questionSentences, recordingFits, unaskedQuestions } from './fits.js';

const reply = 'You can pay by PayPal, card or bank transfer. Which of them would you like to use?';
const nuggets = ['we accept PayPal, cards and bank transfer'];

describe('recordingFits', () => {
  it('fits an answer that conveys the nuggets and asks what the recorded agent asked', () => {
    expect(
      recordingFits({
        outcome: 'answered',
        answer: 'We accept PayPal, cards and bank transfer. Which one do you want to use?',
        reference: reply,
        nuggets,
      }),
    ).toEqual({ fits: true, method: 'rule', reasons: [], recall: 1 });
  });

  it('stops at an answer that misses the nuggets, naming the missing ones', () => {
    const verdict = recordingFits({
      outcome: 'answered',
      answer: 'Thanks for your message.',
      reference: reply,
      nuggets,
    });
    expect(verdict.fits).toBe(false);
    expect(verdict.reasons).toEqual([
      {
        code: 'missing-nuggets',
        detail: 'recall 0 < 0.5; missing: we accept PayPal, cards and bank transfer',
      },
    ]);
  });

  it('stops at a question the recorded agent did not ask', () => {
    const verdict = recordingFits({
      outcome: 'answered',
      answer: 'We accept PayPal, cards and bank transfer. Could you send me your order number?',
      reference: 'We accept PayPal, cards and bank transfer.',
      nuggets,
    });
    expect(verdict).toMatchObject({
      fits: false,
      reasons: [{ code: 'extra-question', detail: 'Could you send me your order number?' }],
    });
  });

  it('applies the stated recall threshold', () => {
    const twoNuggets = ['we accept PayPal', 'invoices are in your account under Orders'];
    const answer = 'Yes, we accept PayPal.';
    const options = { outcome: 'answered' as const, answer, reference: 'x', nuggets: twoNuggets };
    expect(recordingFits(options).fits).toBe(true);
    expect(recordingFits({ ...options, rule: { minRecall: 0.75 } }).fits).toBe(false);
  });

  it('lets an escalation go on: the human took the turn, and the recorded reply is a human reply', () => {
    expect(recordingFits({ outcome: 'escalated', answer: null, reference: reply, nuggets })).toEqual({
      fits: true,
      method: 'human-reply',
      reasons: [],
    });
  });

  it('stops at a failed turn: there is no answer to go on from', () => {
    expect(recordingFits({ outcome: 'failed', answer: null, reference: reply, nuggets }).reasons).toEqual([
      { code: 'no-answer', detail: 'the turn failed' },
    ]);
  });

  it('checks only questions when the reply has no nuggets, and any question is extra without a reply', () => {
    expect(
      recordingFits({ outcome: 'answered', answer: 'Glad to help!', reference: 'Bye!', nuggets: [] }).fits,
    ).toBe(true);
    expect(
      recordingFits({ outcome: 'answered', answer: 'Anything else?', reference: null, nuggets: [] }).reasons,
    ).toEqual([{ code: 'extra-question', detail: 'Anything else?' }]);
  });
});

describe('questionSentences', () => {
  it('finds sentences ending in a question mark, and Spanish questions by their opening mark', () => {
    expect(questionSentences('Done. Could you send the order number? Thanks!\n¿Algo más? Vale.')).toEqual([
      'Could you send the order number?',
      '¿Algo más?',
    ]);
  });
});

describe('unaskedQuestions', () => {
  it('matches a question to the recorded one by content words, finding pronouns in the sentence before', () => {
    const recorded =
      'When you set up 2FA you were given 10 backup codes. Do you have those anywhere, printed or in a password manager?';
    expect(unaskedQuestions('Do you still have your backup codes?', recorded)).toEqual([]);
    expect(unaskedQuestions('Which phone model do you use?', recorded)).toEqual([
      'Which phone model do you use?',
    ]);
  });

  it('lets a question without content words match any recorded question', () => {
    expect(unaskedQuestions('And you?', 'Is the order paid?')).toEqual([]);
    expect(unaskedQuestions('And you?', 'The order is paid.')).toEqual(['And you?']);
  });
});
