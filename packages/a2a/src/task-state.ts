import { TaskState } from '@a2a-js/sdk';

/** An A2A task state by its protocol name (`TASK_STATE_INPUT_REQUIRED` is `input-required`). */
export type A2aTaskState =
  | 'submitted'
  | 'working'
  | 'completed'
  | 'failed'
  | 'canceled'
  | 'rejected'
  | 'input-required'
  | 'auth-required'
  | 'unknown';

const names: Readonly<Record<number, A2aTaskState>> = {
  [TaskState.TASK_STATE_SUBMITTED]: 'submitted',
  [TaskState.TASK_STATE_WORKING]: 'working',
  [TaskState.TASK_STATE_COMPLETED]: 'completed',
  [TaskState.TASK_STATE_FAILED]: 'failed',
  [TaskState.TASK_STATE_CANCELED]: 'canceled',
  [TaskState.TASK_STATE_REJECTED]: 'rejected',
  [TaskState.TASK_STATE_INPUT_REQUIRED]: 'input-required',
  [TaskState.TASK_STATE_AUTH_REQUIRED]: 'auth-required',
};

/** The name of an SDK task state; `unknown` for unspecified or unrecognised values. */
export function taskStateName(state: TaskState | undefined): A2aTaskState {
  return state === undefined ? 'unknown' : (names[state] ?? 'unknown');
}

/**
 * Whether a task in this state will not change without the client: it ended, or it waits for input
 * or credentials.
 */
export function isSettled(state: A2aTaskState): boolean {
  return state !== 'submitted' && state !== 'working' && state !== 'unknown';
}
