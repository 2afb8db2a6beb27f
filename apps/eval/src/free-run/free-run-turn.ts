import type { Usage } from '@baton/core';
import type { FitVerdict } from './fits.js';

/**
 * How a free-run conversation ended:
 * - `recording-complete`: every recorded user turn was used (and no user model went on);
 * - `diverged`: the recording stopped fitting and no user model took over;
 * - `resolved`: every goal was reached before the recording ran out or in the simulated part;
 * - `user-done`: the simulated customer sent the stop token;
 * - `turn-limit`: the simulated part reached `--max-simulated-turns`;
 * - `escalated`: the strategy handed a simulated turn to a human;
 * - `no-answer`: the turn failed or errored, so there was nothing to go on from;
 * - `simulator-error`: the user model's call failed (the error is in `endDetail`).
 */
export type FreeRunEnding =
  | 'recording-complete'
  | 'diverged'
  | 'resolved'
  | 'user-done'
  | 'turn-limit'
  | 'escalated'
  | 'no-answer'
  | 'simulator-error';

/** Every {@link FreeRunEnding}, in the order reports list them. */
export const freeRunEndings: readonly FreeRunEnding[] = [
  'recording-complete',
  'resolved',
  'diverged',
  'user-done',
  'turn-limit',
  'escalated',
  'no-answer',
  'simulator-error',
];

/** One user-model call, as recorded on the item it belongs to. */
export interface SimulatorCall {
  /** `provider:model`. */
  model: string;
  usage: Usage;
  costUsd: number;
}

/**
 * What a free run records on each item (`item.freeRun`): where the user message came from, whether
 * the recording still fit after the answer and why not, the goals reached so far, and what came next.
 */
export interface FreeRunTurn {
  /** The user message was the recorded one, or written by the user simulator. */
  user: 'recorded' | 'simulated';
  /** 1-based position of the turn in the strategy's own conversation. */
  step: number;
  /**
   * The recorded user turn the item is scored against: its own, or for a simulated message the
   * first goal still open when it was written (else the recorded turn it replaces).
   */
  goalTurnIndex: number;
  /** Set when a recorded user turn followed this answer: whether it still fit, and why not. */
  fit?: FitVerdict;
  /** Goals (recorded replies with nuggets) reached after this answer, of how many, and which this answer reached. */
  goals: { reached: number; total: number; reachedNow: number[] };
  /** What followed: the next recorded user turn, a simulated one, or nothing. */
  next: 'recorded' | 'simulated' | 'end';
  /** Why the conversation ended here, when it did. */
  end?: FreeRunEnding;
  /** The user simulator's error, when `end` is `simulator-error`. */
  endDetail?: string;
  /** The user-model call that wrote this turn's message (simulated turns). */
  simulatedBy?: SimulatorCall;
  /** The user-model call that ended the conversation after this answer, and its goodbye if any. */
  closing?: SimulatorCall & { text?: string };
}
