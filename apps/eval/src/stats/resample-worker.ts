/*
 * The body of the parallel resampler's helper thread (see `createParallelResampler`): runs each
 * task it is sent (`runResampleTask`), unless the submitting thread has taken it meanwhile.
 */
import { parentPort } from 'node:worker_threads';
import { runResampleTask } from './resample-task.js';

if (parentPort) parentPort.on('message', runResampleTask);
