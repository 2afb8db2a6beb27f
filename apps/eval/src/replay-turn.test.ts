import { describe, expect, it } from 'vitest';
import { conversationSchema } from './dataset/conversation.js';
import { humanNeeded, replayTurns } from './replay-turn.js';

describe('replayTurns', () => {
  it('replays every user turn with the recorded history before it (teacher forcing)', () => {
    const conversation = conversationSchema.parse({
      id: 'c1',
      turns: [
        { role: 'user', text: 'hi, my reader is broken', domain: 'technical', language: 'en' },
        { role: 'agent', text: 'Which error code?', draft: 'Restart it.' },
        { role: 'user', text: 'E-455', domain: 'technical' },
        { role: 'agent', text: 'That one needs a replacement.' },
      ],
      metadata: { plan: 'Plus' },
    });
    const turns = replayTurns(conversation);
    expect(turns.map((turn) => turn.itemId)).toEqual(['c1#0', 'c1#2']);
    expect(turns[1]?.history).toEqual([
      { role: 'user', content: 'hi, my reader is broken' },
      { role: 'assistant', content: 'Which error code?' },
    ]);
    expect(turns[0]).toMatchObject({
      reference: 'Which error code?',
      recordedDraft: 'Restart it.',
      gold: { domains: ['technical'], language: 'en' },
    });
    expect(turns[1]?.metadata).toEqual({ plan: 'Plus' });
  });

  it('skips an unlabelled user turn that has no recorded reply of its own', () => {
    const conversation = conversationSchema.parse({
      id: 'c2',
      turns: [
        { role: 'user', text: 'hello?' },
        { role: 'user', text: 'is anyone there' },
        { role: 'agent', text: 'Yes, hi!' },
      ],
    });
    expect(replayTurns(conversation).map((turn) => turn.input)).toEqual(['is anyone there']);
  });

  it('replays a labelled user turn without a reply as routing-only: no reference, no nuggets', () => {
    const conversation = conversationSchema.parse({
      id: 'c3',
      turns: [
        { role: 'user', text: 'I want to talk to a person about my contract', domain: 'human' },
        { role: 'user', text: 'and cancel the Plus plan', domain: 'billing' },
        { role: 'agent', text: 'I have passed you to our contracts team.' },
      ],
    });
    const [routing, answered] = replayTurns(conversation);
    expect(routing).toMatchObject({
      itemId: 'c3#0',
      reference: null,
      nuggets: [],
      nuggetSource: 'none',
      gold: { domains: ['human'] },
    });
    expect(answered).toMatchObject({ itemId: 'c3#1', reference: 'I have passed you to our contracts team.' });
  });

  it('takes annotated nuggets from the reply, and extracts them from its text otherwise', () => {
    const conversation = conversationSchema.parse({
      id: 'c4',
      turns: [
        { role: 'user', text: 'How long do refunds take?' },
        {
          role: 'agent',
          text: 'Refunds take 5–10 business days.',
          nuggets: ['refunds take five to ten business days'],
        },
        { role: 'user', text: 'Where do I start one?' },
        { role: 'agent', text: 'Go to Back Office → Orders → Refund.' },
        { role: 'user', text: 'thanks!' },
        { role: 'agent', text: 'You are welcome!' },
      ],
    });
    expect(replayTurns(conversation).map(({ nuggets, nuggetSource }) => ({ nuggets, nuggetSource }))).toEqual(
      [
        { nuggets: ['refunds take five to ten business days'], nuggetSource: 'annotated' },
        { nuggets: ['Back Office → Orders → Refund'], nuggetSource: 'extracted' },
        // A pleasantry carries no fact: nothing to check.
        { nuggets: [], nuggetSource: 'none' },
      ],
    );
  });
});

describe('humanNeeded', () => {
  it('reads the gold label: a human is needed when its domains include human, unknown when unlabelled', () => {
    expect(humanNeeded({ gold: { domains: ['billing', 'human'] } })).toBe(true);
    expect(humanNeeded({ gold: { domains: ['billing'] } })).toBe(false);
    expect(humanNeeded({ gold: { domains: [] } })).toBeNull();
  });
});
