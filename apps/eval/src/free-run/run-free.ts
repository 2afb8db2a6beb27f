import type { ConversationMessage } from '@baton/core';
import type { Conversation } from '../dataset/conversation.js';
import type { ItemResult } from '../item-result.js';
import { humanNeeded, type ReplayTurn } from '../replay-turn.js';
import type { FitJudge } from './fit-judge.js';
import { type FitRule, type FitVerdict, recordingFits } from './fits.js';
import type { FreeRunEnding, FreeRunTurn, SimulatorCall } from './free-run-turn.js';
import { GoalTracker } from './goal-tracker.js';
import type { UserSimulator } from './user-simulator.js';

/** How a free run decides fit and who plays the customer after a divergence. */
export interface FreeRunSettings {
  /** The offline fit rule (used for every decision without a judge, and when the judge cannot decide). */
  rule: FitRule;
  /** With `--judge`: decides fit and goals instead of the rule. */
  judge?: FitJudge;
  /** With `--user-model`: plays the customer once the recording no longer fits. */
  userSimulator?: UserSimulator;
  /** Simulated user turns at most per conversation. */
  maxSimulatedTurns: number;
}

/** Options of {@link runFreeConversation}. */
export interface RunFreeConversationOptions {
  conversation: Conversation;
  /** The conversation's recorded user turns to replay (see `replayTurns`). */
  turns: readonly ReplayTurn[];
  settings: FreeRunSettings;
  /**
   * Whether the responder can answer messages that are not in the recording. The recorded bot
   * cannot (it has drafts for recorded turns only), so its conversations stop at the divergence.
   */
  answersSimulatedTurns: boolean;
  /** Answers and scores one turn (the history is the free one); undefined when the run was cancelled. */
  answer(turn: ReplayTurn): Promise<ItemResult | undefined>;
  /** Writes a finished item, its `freeRun` record set. */
  write(item: ItemResult): Promise<void>;
  signal: AbortSignal;
}

/**
 * Replays one conversation **free-running**: the strategy's own answers become the history.
 * After each answer to a recorded user turn, the next recorded user turn is used only while the
 * recording still fits (the offline rule `recordingFits`, or the judge). At the first divergence
 * a user simulator, when there is one, plays the customer: it gets the conversation so far, the
 * customer's first message and their recorded messages still to come, and pursues the same goal
 * until it sends the stop token, every goal is reached, or `maxSimulatedTurns` is used up.
 * Without a simulator the conversation stops there, recorded as diverged. When the recording runs
 * out with goals still open, the simulator goes on too (the customer is not done), without
 * counting as a divergence.
 *
 * An escalation in the recorded part fits by construction: a human took the turn, and the
 * recorded reply, a human's, becomes the history. In the simulated part it ends the
 * conversation. A failed or errored turn ends it, since there is no answer to go on from.
 *
 * Every item carries a {@link FreeRunTurn} record; simulated turns are scored against the
 * first goal still open (its recorded reply, nuggets and gold labels), which reach the scorers
 * only.
 *
 * @returns False when the run was cancelled before the conversation ended.
 */
export async function runFreeConversation(options: RunFreeConversationOptions): Promise<boolean> {
  const { conversation, turns, settings, signal } = options;
  const first = turns[0];
  if (first === undefined) return true;
  const goals = new GoalTracker(turns, settings.rule.minRecall);
  const firstMessage = conversation.turns.find((turn) => turn.role === 'user')?.text ?? first.input;
  const history: ConversationMessage[] = [...first.history];
  let current: ReplayTurn = first;
  let goalTurn: ReplayTurn = first;
  let recordedIndex = 0;
  let user: FreeRunTurn['user'] = 'recorded';
  let simulated = 0;
  let simulatedBy: SimulatorCall | undefined;

  for (let step = 1; ; step += 1) {
    if (signal.aborted) return false;
    const turn: ReplayTurn = { ...current, history: [...history] };
    const item = await options.answer(turn);
    if (item === undefined) return false;
    const answer = item.outcome === 'answered' ? item.answer : null;
    const escalated = item.outcome === 'escalated';
    const next = user === 'recorded' ? turns[recordedIndex + 1] : undefined;

    // Which goals this answer reached, and whether the next recorded user turn still fits.
    let reachedNow: number[] = [];
    let fit: FitVerdict | undefined;
    const ruleFit = () =>
      recordingFits({
        outcome: item.outcome,
        answer,
        reference: turn.reference,
        nuggets: turn.nuggets,
        rule: settings.rule,
      });
    if (escalated) {
      if (humanNeeded(goalTurn) === true) reachedNow = goals.markReached([goalTurn.turnIndex], step);
      if (next) fit = ruleFit();
    } else if (answer !== null && settings.judge) {
      const open = goals.open();
      const judged = await settings.judge.judge(
        {
          customerMessage: turn.input,
          answer,
          ...(user === 'recorded' && turn.reference !== null ? { recordedReply: turn.reference } : {}),
          ...(next ? { nextMessage: next.input } : {}),
          goals: open.map((goal, index) => ({
            id: index + 1,
            customerMessage: goal.turn.input,
            reply: goal.turn.reference ?? '',
            nuggets: goal.turn.nuggets,
          })),
        },
        { signal },
      );
      if ('error' in judged) {
        // The judge could not decide: the rule does, and the item says so.
        reachedNow = goals.observeAnswer(answer, step);
        if (next)
          fit = {
            ...ruleFit(),
            judge: { model: settings.judge.model, error: judged.error, usage: judged.usage },
          };
      } else {
        const ids = judged.conveyed.flatMap((id) => open[id - 1]?.turn.turnIndex ?? []);
        reachedNow = goals.markReached(ids, step);
        if (next) {
          fit = {
            fits: judged.fits,
            method: 'judge',
            reasons: judged.fits ? [] : [{ code: 'judge', detail: judged.reason }],
            judge: {
              model: settings.judge.model,
              fits: judged.fits,
              reason: judged.reason,
              usage: judged.usage,
            },
          };
        }
      }
    } else {
      if (answer !== null) reachedNow = goals.observeAnswer(answer, step);
      if (next) fit = ruleFit();
    }

    // What comes next.
    let following: FreeRunTurn['next'] = 'end';
    let end: FreeRunEnding | undefined;
    let endDetail: string | undefined;
    let closing: FreeRunTurn['closing'];
    let simulatedMessage: string | undefined;
    let nextSimulatedBy: SimulatorCall | undefined;
    if (!escalated && answer === null) end = 'no-answer';
    else if (next && fit?.fits) following = 'recorded';
    else if (escalated) end = user === 'simulated' ? 'escalated' : 'recording-complete';
    else if (goals.complete) end = next || user === 'simulated' ? 'resolved' : 'recording-complete';
    else if (!settings.userSimulator || !options.answersSimulatedTurns)
      end = next ? 'diverged' : 'recording-complete';
    else if (simulated >= settings.maxSimulatedTurns) end = 'turn-limit';
    else {
      const lastRecorded = turns[recordedIndex]!.turnIndex;
      const script = conversation.turns
        .filter((recorded, index) => recorded.role === 'user' && index > lastRecorded)
        .map((recorded) => recorded.text);
      try {
        const reply = await settings.userSimulator.next(
          {
            history: [
              ...history,
              { role: 'user', content: turn.input },
              { role: 'assistant', content: answer! },
            ],
            firstMessage,
            script,
          },
          { signal },
        );
        const call = { model: settings.userSimulator.model, usage: reply.usage, costUsd: reply.costUsd };
        if (reply.done) {
          end = 'user-done';
          closing = { ...call, ...(reply.closing !== undefined ? { text: reply.closing } : {}) };
        } else {
          following = 'simulated';
          simulatedMessage = reply.message;
          nextSimulatedBy = call;
        }
      } catch (error) {
        if (signal.aborted) return false;
        end = 'simulator-error';
        endDetail = error instanceof Error ? error.message : String(error);
      }
    }

    const record: FreeRunTurn = {
      user,
      step,
      goalTurnIndex: goalTurn.turnIndex,
      ...(fit ? { fit } : {}),
      goals: { reached: goals.reached, total: goals.goals.length, reachedNow },
      next: following,
      ...(end ? { end } : {}),
      ...(endDetail !== undefined ? { endDetail } : {}),
      ...(simulatedBy ? { simulatedBy } : {}),
      ...(closing ? { closing } : {}),
    };
    await options.write({ ...item, freeRun: record });
    if (following === 'end') return true;

    // The strategy's own answer becomes the history (a human's recorded reply after an escalation).
    history.push({ role: 'user', content: turn.input });
    const said = answer ?? (escalated ? turn.reference : null);
    if (said !== null) history.push({ role: 'assistant', content: said });
    if (following === 'recorded') {
      // The customer's recorded messages between the two turns (they typed on) stay in the history.
      for (let index = turn.turnIndex + 1; index < next!.turnIndex; index += 1) {
        const recorded = conversation.turns[index]!;
        if (recorded.role === 'user') history.push({ role: 'user', content: recorded.text });
      }
      recordedIndex += 1;
      current = next!;
      goalTurn = next!;
      simulatedBy = undefined;
    } else {
      simulated += 1;
      goalTurn = goals.open()[0]?.turn ?? next ?? turns[recordedIndex]!;
      user = 'simulated';
      simulatedBy = nextSimulatedBy;
      current = {
        itemId: `${conversation.id}#sim${simulated}`,
        conversationId: conversation.id,
        // After every recorded turn, so canonical order puts the simulated part last.
        turnIndex: conversation.turns.length - 1 + simulated,
        input: simulatedMessage!,
        history: [],
        reference: goalTurn.reference,
        nuggets: goalTurn.nuggets,
        nuggetSource: goalTurn.nuggetSource,
        gold: goalTurn.gold,
        metadata: goalTurn.metadata,
      };
    }
  }
}
