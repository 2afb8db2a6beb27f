import { describe, expect, it } from 'vitest';
import { floorProbes, genericAnswer, recordedRow, rowNames } from './answer-rows.js';
import type { ReplayTurn } from './replay-turn.js';

const turn: ReplayTurn = {
  itemId: 'c#0',
  conversationId: 'c',
  turnIndex: 0,
  input: 'My reader shows E-104, what now?',
  history: [],
  reference: 'E-104 means the reader lost its Bluetooth connection. Restart it.',
  nuggets: ['E-104 means the reader lost its Bluetooth connection'],
  nuggetSource: 'annotated',
  recordedDraft: 'Please restart the reader.',
  gold: { domains: ['technical'] },
  metadata: {},
};

describe('floorProbes', () => {
  it('echoes the customer’s message and gives one fixed polite non-answer', () => {
    expect(floorProbes.map((row) => [row.name, row.role, row.answer(turn)])).toEqual([
      ['echo', 'probe', 'My reader shows E-104, what now?'],
      ['generic', 'probe', genericAnswer],
    ]);
  });

  it('never looks at the reference, the nuggets or the draft', () => {
    const blind = { ...turn, reference: 'something else', nuggets: ['other'], recordedDraft: 'other' };
    expect(floorProbes.map((row) => row.answer(blind))).toEqual(floorProbes.map((row) => row.answer(turn)));
  });
});

describe('recordedRow', () => {
  it('answers with the recorded draft, and escalates a turn a human wrote from scratch', () => {
    expect(recordedRow).toMatchObject({ name: 'recorded', role: 'recorded' });
    expect(recordedRow.answer(turn)).toBe('Please restart the reader.');
    const { recordedDraft: _draft, ...written } = turn;
    expect(recordedRow.answer(written)).toBeNull();
  });
});

describe('rowNames', () => {
  it('reserves the rows’ names', () => {
    expect([...rowNames].sort()).toEqual(['echo', 'generic', 'recorded']);
  });
});
