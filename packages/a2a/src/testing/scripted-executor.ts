import { randomUUID } from 'node:crypto';
import { type Message, type Part, Role, TaskState } from '@a2a-js/sdk';
import {
  AgentEvent,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
  type RequestHeaders,
  STATE_HEADERS_KEY,
} from '@a2a-js/sdk/server';
import { dataPart, textPart } from '../task-message.js';

/** What a scripted remote agent does with one task. */
export type ScriptedTurn =
  /** Completes with the answer as an artifact (in `chunks` streamed one by one, if given). */
  | {
      answer: string;
      chunks?: string[];
      data?: unknown;
      /** File parts (by URL) sent with the last chunk. */
      files?: { url: string; filename?: string; mediaType?: string }[];
      metadata?: Record<string, unknown>;
    }
  /** Replies with a message instead of creating a task. */
  | { message: string; metadata?: Record<string, unknown> }
  /** Ends the task `failed`, the reason as the status message. */
  | { fail: string }
  /** Ends the task `rejected`. */
  | { reject: string; metadata?: Record<string, unknown> }
  /** Stops in `input-required`, the question as the status message, until canceled. */
  | { askForInput: string }
  /** Works (`working`) until the client cancels the task, after reporting `metadata` if given. */
  | { hang: true; metadata?: Record<string, unknown> };

/** Something a {@link ScriptedExecutor} saw. */
export interface ScriptedEvent {
  type: 'started' | 'canceled' | 'finished';
  taskId: string;
}

/** An A2A agent executor that follows a script and records what reached it. */
export interface ScriptedExecutor extends AgentExecutor {
  /** Every user message received, in order. */
  readonly messages: Message[];
  /** The request headers of every message received, in order. */
  readonly headers: RequestHeaders[];
  /** Tasks started, canceled and finished, in order. */
  readonly events: ScriptedEvent[];
  /** Resolves once `count` events of `type` happened (at once if they already did). */
  until(type: ScriptedEvent['type'], count?: number): Promise<ScriptedEvent[]>;
}

/**
 * A remote agent for tests, built on `@a2a-js/sdk`'s executor contract: each task follows the
 * next turn of the script (the last turn repeats). Serve it with {@link startA2aTestServer}.
 *
 * @example
 * ```ts
 * const executor = scriptedExecutor([{ answer: 'Refunds take 5 days.' }, { hang: true }]);
 * const server = await startA2aTestServer({ executor, name: 'Billing' });
 * ```
 */
export function scriptedExecutor(script: ScriptedTurn | readonly ScriptedTurn[]): ScriptedExecutor {
  const turns = Array.isArray(script) ? script : [script as ScriptedTurn];
  const messages: Message[] = [];
  const headers: RequestHeaders[] = [];
  const events: ScriptedEvent[] = [];
  const waiters: {
    type: ScriptedEvent['type'];
    count: number;
    resolve: (events: ScriptedEvent[]) => void;
  }[] = [];
  const cancels = new Map<string, () => void>();
  const contexts = new Map<string, string>();

  const record = (event: ScriptedEvent) => {
    events.push(event);
    for (const waiter of [...waiters]) {
      const matching = events.filter((seen) => seen.type === waiter.type);
      if (matching.length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(matching);
      }
    }
  };

  const execute = async (requestContext: RequestContext, bus: ExecutionEventBus) => {
    const { taskId, contextId } = requestContext;
    const turn = turns[Math.min(messages.length, turns.length - 1)]!;
    messages.push(requestContext.userMessage);
    headers.push((requestContext.context.state.get(STATE_HEADERS_KEY) as RequestHeaders | undefined) ?? {});
    contexts.set(taskId, contextId);
    if ('message' in turn) {
      bus.publish(AgentEvent.message(agentMessage(turn.message, '', contextId, turn.metadata)));
      record({ type: 'finished', taskId });
      return;
    }
    const status = (state: TaskState, text?: string, metadata: Record<string, unknown> = {}) =>
      bus.publish(
        AgentEvent.statusUpdate({
          taskId,
          contextId,
          status: {
            state,
            timestamp: new Date().toISOString(),
            message: text === undefined ? undefined : agentMessage(text, taskId, contextId),
          },
          metadata,
        }),
      );
    bus.publish(
      AgentEvent.task({
        id: taskId,
        contextId,
        status: {
          state: TaskState.TASK_STATE_SUBMITTED,
          message: undefined,
          timestamp: new Date().toISOString(),
        },
        artifacts: [],
        history: [requestContext.userMessage],
        metadata: undefined,
      }),
    );
    if ('reject' in turn) {
      status(TaskState.TASK_STATE_REJECTED, turn.reject, turn.metadata);
      record({ type: 'finished', taskId });
      return;
    }
    status(TaskState.TASK_STATE_WORKING, undefined, 'hang' in turn ? turn.metadata : {});
    record({ type: 'started', taskId });
    if ('hang' in turn || 'askForInput' in turn) {
      if ('askForInput' in turn) status(TaskState.TASK_STATE_INPUT_REQUIRED, turn.askForInput);
      // Waits for CancelTask; the SDK keeps an input-required task's event bus open meanwhile.
      await new Promise<void>((resolve) => cancels.set(taskId, resolve));
      return;
    }
    if ('fail' in turn) {
      status(TaskState.TASK_STATE_FAILED, turn.fail);
      record({ type: 'finished', taskId });
      return;
    }
    const answer = turn as Extract<ScriptedTurn, { answer: string }>;
    const artifactId = randomUUID();
    const chunks = answer.chunks ?? [answer.answer];
    chunks.forEach((chunk, index) => {
      const parts: Part[] = [textPart(chunk)];
      if (index === chunks.length - 1 && answer.data !== undefined) parts.push(dataPart(answer.data));
      if (index === chunks.length - 1) {
        for (const file of answer.files ?? []) {
          parts.push({
            content: { $case: 'url', value: file.url },
            metadata: undefined,
            filename: file.filename ?? '',
            mediaType: file.mediaType ?? '',
          });
        }
      }
      bus.publish(
        AgentEvent.artifactUpdate({
          taskId,
          contextId,
          artifact: {
            artifactId,
            name: 'answer',
            description: '',
            parts,
            metadata: undefined,
            extensions: [],
          },
          append: index > 0,
          lastChunk: index === chunks.length - 1,
          metadata: {},
        }),
      );
    });
    status(TaskState.TASK_STATE_COMPLETED, undefined, answer.metadata);
    record({ type: 'finished', taskId });
  };

  const cancelTask = async (taskId: string, bus: ExecutionEventBus) => {
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId: contexts.get(taskId) ?? '',
        status: {
          state: TaskState.TASK_STATE_CANCELED,
          timestamp: new Date().toISOString(),
          message: undefined,
        },
        metadata: {},
      }),
    );
    record({ type: 'canceled', taskId });
    cancels.get(taskId)?.();
    cancels.delete(taskId);
  };

  return {
    messages,
    headers,
    events,
    execute,
    cancelTask,
    until(type, count = 1) {
      const matching = events.filter((event) => event.type === type);
      if (matching.length >= count) return Promise.resolve(matching);
      return new Promise((resolve) => waiters.push({ type, count, resolve }));
    },
  };
}

function agentMessage(
  text: string,
  taskId: string,
  contextId: string,
  metadata?: Record<string, unknown>,
): Message {
  return {
    messageId: randomUUID(),
    contextId,
    taskId,
    role: Role.ROLE_AGENT,
    parts: [textPart(text)],
    metadata,
    extensions: [],
    referenceTaskIds: [],
  };
}
