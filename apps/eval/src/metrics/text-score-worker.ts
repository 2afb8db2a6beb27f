/*
 * The body of a scoring worker thread (see `createTextScorePool`): computes the text scores or the
 * nugget match each task asks for and replies with them, or with the error's message (the pool
 * turns it into an EvalError on the main thread). Tasks come in batches, and their replies go back
 * in chunks as they are ready.
 */
import { parentPort } from 'node:worker_threads';
import { matchNuggets, type NuggetMatchResult } from '@baton/core/facts';
import { answerInChunks } from './answer-in-chunks.js';
import { computeTextScores, type TextScoreRequest, type TextScores } from './text-scoring.js';

/** What a scoring worker is asked: one answer's text scores, or its nugget match. */
export type TextScoreJob =
  | { kind: 'text'; request: TextScoreRequest }
  | { kind: 'nuggets'; answer: string; nuggets: readonly string[] };

/** A job as sent to a worker, with the id its reply carries. */
export type TextScoreTask = TextScoreJob & { id: number };

/** A scoring worker's reply to one task. */
export type TextScoreReply =
  | { id: number; value: TextScores | NuggetMatchResult }
  | { id: number; error: string };

/** How long replies wait for the rest of their batch (see `answerInChunks`). */
const replyEveryMs = 2;

if (parentPort) {
  const port = parentPort;
  // The pool sends the tasks of one turn of its event loop together; their replies go back in
  // chunks, every 2 ms of scoring, so the main thread never waits for the whole batch.
  port.on('message', (tasks: readonly TextScoreTask[]) => {
    answerInChunks(
      tasks,
      answer,
      (replies) => port.postMessage(replies),
      () => performance.now(),
      replyEveryMs,
    );
  });
}

function answer(task: TextScoreTask): TextScoreReply {
  try {
    const value =
      task.kind === 'text' ? computeTextScores(task.request) : matchNuggets(task.answer, task.nuggets);
    return { id: task.id, value };
  } catch (error) {
    return { id: task.id, error: error instanceof Error ? error.message : String(error) };
  }
}
