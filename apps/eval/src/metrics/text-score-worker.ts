/*
 * The body of a scoring worker thread (see `createTextScorePool`): computes the text scores of each
 * task it receives and replies with them, or with the error's message (the pool turns it into an
 * EvalError on the main thread).
 */
import { parentPort } from 'node:worker_threads';
import { computeTextScores, type TextScoreRequest, type TextScores } from './text-scoring.js';

/** A task sent to a scoring worker. */
export interface TextScoreTask {
  id: number;
  request: TextScoreRequest;
}

/** A scoring worker's reply to one task. */
export type TextScoreReply = { id: number; scores: TextScores } | { id: number; error: string };

if (parentPort) {
  const port = parentPort;
  port.on('message', (task: TextScoreTask) => {
    let reply: TextScoreReply;
    try {
      reply = { id: task.id, scores: computeTextScores(task.request) };
    } catch (error) {
      reply = { id: task.id, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
  });
}
