import { describe, expect, it } from 'vitest';
import { conversationSchema } from './dataset/conversation.js';
import { replayTurns } from './replay-turn.js';

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

  it('skips a user turn that has no recorded reply of its own', () => {
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
});
