/*
 * The body of a scoring worker thread (see `createTextScorePool`): computes the text scores or the
 * nugget match each task asks for and replies with them, or with the error's message (the pool
 * turns it into an EvalError on the main thread). Tasks come in batches, and their replies go back
 * in one.
 */
import { parentPort } from 'node:worker_threads';
import { matchNuggets, type NuggetMatchResult } from './nugget-match.js';
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

if (parentPort) {
  const port = parentPort;
  // The pool sends the tasks of one turn of its event loop together and gets their replies back
  // together, in one message each way.
  port.on('message', (tasks: readonly TextScoreTask[]) => {
    port.postMessage(tasks.map(answer));
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
