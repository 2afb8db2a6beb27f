import type { ReplayTurn } from './replay-turn.js';

/**
 * A row of a run that answers without a team: a content-free **probe** that sets the floor every
 * metric must beat, or the **recorded** production bot (its recorded drafts). Rows are scored by
 * the same scorers as strategies but are never gated.
 */
export interface AnswerRow {
  name: string;
  role: 'probe' | 'recorded';
  description: string;
  /** The row's answer to a turn; `null` means a human took the turn (an escalation). */
  answer(turn: ReplayTurn): string | null;
  /**
   * Whether the row has an answer (or a recorded escalation) for the turn at all; a turn it does
   * not cover gets no item from it. Default: every turn.
   */
  covers?(turn: ReplayTurn): boolean;
}

/** The fixed polite non-answer of the `generic` probe. */
export const genericAnswer =
  'Thank you for reaching out, and sorry for the trouble. I am looking into this for you and will make sure it gets sorted. Is there anything else I can help you with?';

/** The two content-free probes: the customer's own message, and one fixed polite non-answer. */
export const floorProbes: readonly AnswerRow[] = [
  {
    name: 'echo',
    role: 'probe',
    description: 'floor: repeats the customer’s message',
    answer: (turn) => turn.input,
  },
  {
    name: 'generic',
    role: 'probe',
    description: 'floor: one fixed polite non-answer',
    answer: () => genericAnswer,
  },
];

/**
 * The recorded production bot: its draft where the recording has one; a turn without a draft was
 * written by a human from scratch, so for this row it is an escalation.
 */
export const recordedRow: AnswerRow = {
  name: 'recorded',
  role: 'recorded',
  description: 'the recorded bot: its drafts as sent to the human (no draft: a human wrote the reply)',
  answer: (turn) => turn.recordedDraft ?? null,
  // A routing-only turn has no recorded reply: nobody answered it, so the recording says nothing
  // about what the bot did there (it is not an escalation).
  covers: (turn) => turn.reference !== null,
};

/** Names reserved for rows; a strategy cannot take them. */
export const rowNames: ReadonlySet<string> = new Set([
  ...floorProbes.map((row) => row.name),
  recordedRow.name,
]);
