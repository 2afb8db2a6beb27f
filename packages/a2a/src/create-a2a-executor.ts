import { randomUUID } from 'node:crypto';
import { type Message, Role, TaskState } from '@a2a-js/sdk';
import {
  AgentEvent,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
  type RequestHeaders,
  STATE_HEADERS_KEY,
} from '@a2a-js/sdk/server';
import {
  type Agent,
  type AgentInput,
  type AgentOutput,
  BatonError,
  Budget,
  type BudgetLimits,
  type DelegationEventListener,
  type RunLimits,
  RunScope,
  type Team,
  toBatonError,
} from '@baton/core';
import { resultMetadata } from './result-metadata.js';
import { dataPart, readTaskMessage, textPart } from './task-message.js';
import { withRemoteTraceContext } from './traceparent.js';

/** What {@link serveA2a} and {@link createA2aExecutor} serve: one agent, or a whole team. */
export type ServedTarget = Agent | Team;

/** Options of {@link createA2aExecutor}. */
export interface A2aExecutorOptions {
  /** Receives the events of every served run (tracing plugs in here). */
  onEvent?: DelegationEventListener;
  /** Limits of a served agent's runs (a served team keeps its own). */
  limits?: Partial<RunLimits> & { budget?: BudgetLimits };
}

/** An executor that can also stop everything it runs (when its server closes). */
export interface A2aExecutor extends AgentExecutor {
  /** Aborts every running task; each ends `canceled`. */
  cancelAll(): void;
}

/**
 * An `@a2a-js/sdk` agent executor that runs a Baton agent or team for each A2A task, for use with
 * the SDK's `DefaultRequestHandler` (which {@link serveA2a} wires up for you).
 *
 * It publishes the task (`submitted`, then `working`), runs the target with the task spec and
 * context rebuilt from the message (or the message text as the goal, from other clients), and
 * ends the task:
 *
 * | Baton result | A2A task |
 * |---|---|
 * | answered (`hand-back` too) | `completed`, the answer as an artifact (text, plus a data part for structured output) |
 * | declined by a guardrail | `completed`, the refusal as the answer, `metadata.baton.status: 'declined'` |
 * | needs a human (escalated) | `rejected`, the reason as the status message, `metadata.baton.status: 'needs-human'` |
 * | failed (error, ladder exhausted) | `failed`, the error as the status message and `metadata.baton.error` |
 * | canceled by the client | `canceled`; the run's signal aborts |
 *
 * Usage, cost, confidence and sources go in `metadata.baton` of the final status. A `traceparent`
 * header makes the caller's trace context active while the target runs.
 *
 * @example
 * ```ts
 * const handler = new DefaultRequestHandler(card, new InMemoryTaskStore(), createA2aExecutor(team));
 * ```
 */
export function createA2aExecutor(target: ServedTarget, options: A2aExecutorOptions = {}): A2aExecutor {
  const running = new Map<
    string,
    { controller: AbortController; contextId: string; bus: ExecutionEventBus }
  >();
  const publishCanceled = (bus: ExecutionEventBus, taskId: string, contextId: string, text: string) => {
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId,
        status: {
          state: TaskState.TASK_STATE_CANCELED,
          timestamp: new Date().toISOString(),
          message: agentMessage(text, taskId, contextId),
        },
        metadata: {},
      }),
    );
  };

  const execute = async (requestContext: RequestContext, eventBus: ExecutionEventBus): Promise<void> => {
    const { taskId, contextId } = requestContext;
    const userMessage = requestContext.userMessage;
    const publishStatus = (
      state: TaskState,
      details: { text?: string; metadata?: Record<string, unknown> } = {},
    ) => {
      eventBus.publish(
        AgentEvent.statusUpdate({
          taskId,
          contextId,
          status: {
            state,
            timestamp: new Date().toISOString(),
            message: details.text ? agentMessage(details.text, taskId, contextId) : undefined,
          },
          metadata: details.metadata ?? {},
        }),
      );
    };
    eventBus.publish(
      AgentEvent.task(
        requestContext.task ?? {
          id: taskId,
          contextId,
          status: {
            state: TaskState.TASK_STATE_SUBMITTED,
            message: undefined,
            timestamp: new Date().toISOString(),
          },
          artifacts: [],
          history: [userMessage],
          metadata: undefined,
        },
      ),
    );
    const controller = new AbortController();
    running.set(taskId, { controller, contextId, bus: eventBus });
    publishStatus(TaskState.TASK_STATE_WORKING);
    try {
      const { input } = readTaskMessage(userMessage);
      const headers = requestContext.context.state.get(STATE_HEADERS_KEY) as RequestHeaders | undefined;
      const output = await withRemoteTraceContext(headerValue(headers?.traceparent), () =>
        runTarget(target, input, controller.signal, options),
      );
      if (controller.signal.aborted) return;
      if (output.status === 'needs-human') {
        publishStatus(TaskState.TASK_STATE_REJECTED, { text: output.text, metadata: resultMetadata(output) });
        return;
      }
      eventBus.publish(
        AgentEvent.artifactUpdate({
          taskId,
          contextId,
          artifact: {
            artifactId: randomUUID(),
            name: 'answer',
            description: '',
            parts: [textPart(output.text), ...(output.data !== undefined ? [dataPart(output.data)] : [])],
            metadata: undefined,
            extensions: [],
          },
          append: false,
          lastChunk: true,
          metadata: {},
        }),
      );
      publishStatus(TaskState.TASK_STATE_COMPLETED, { metadata: resultMetadata(output) });
    } catch (caught) {
      // A cancel already ended the task; the run's rejection is its echo.
      if (controller.signal.aborted) return;
      const error = toBatonError(caught);
      publishStatus(TaskState.TASK_STATE_FAILED, {
        text: error.message,
        metadata: { baton: { error: { code: error.code, message: error.message } } },
      });
    } finally {
      running.delete(taskId);
    }
  };

  const cancelTask = async (taskId: string, eventBus: ExecutionEventBus): Promise<void> => {
    const entry = running.get(taskId);
    entry?.controller.abort(new BatonError('aborted', 'The A2A client canceled the task.'));
    publishCanceled(eventBus, taskId, entry?.contextId ?? '', 'Canceled at the client’s request.');
  };

  return {
    execute,
    cancelTask,
    cancelAll() {
      for (const [taskId, { controller, contextId, bus }] of running) {
        controller.abort(new BatonError('aborted', 'The A2A server is closing.'));
        publishCanceled(bus, taskId, contextId, 'Canceled: the server is closing.');
      }
    },
  };
}

function isTeam(target: ServedTarget): target is Team {
  return 'respond' in target && typeof target.respond === 'function';
}

async function runTarget(
  target: ServedTarget,
  input: AgentInput,
  signal: AbortSignal,
  options: A2aExecutorOptions,
): Promise<AgentOutput> {
  if (isTeam(target)) {
    // As `team.asAgent` does: the goal is the message, the transferred context the history.
    const result = await target.respond(
      {
        message: input.task.goal,
        history: input.context.messages,
        ...(input.task.language !== undefined ? { language: input.task.language } : {}),
        ...(input.context.fields !== undefined ? { fields: input.context.fields } : {}),
      },
      { signal, ...(options.onEvent ? { onEvent: options.onEvent } : {}) },
    );
    if (result.outcome === 'failed') {
      throw new BatonError('delegation-failed', result.error?.message ?? 'The team could not answer.');
    }
    return {
      text:
        result.outcome === 'escalated'
          ? (result.escalation?.reason ?? 'A person needs to take over.')
          : (result.answer ?? ''),
      status: result.outcome === 'escalated' ? 'needs-human' : 'answered',
      usage: result.usage,
      costUsd: result.costUsd,
    };
  }
  const { budget, ...limits } = options.limits ?? {};
  const scope = new RunScope({
    signal,
    budget: new Budget(budget),
    limits,
    ...(options.onEvent ? { listener: options.onEvent } : {}),
  });
  scope.ensureCanProceed();
  return target.run(input, scope);
}

function agentMessage(text: string, taskId: string, contextId: string): Message {
  return {
    messageId: randomUUID(),
    contextId,
    taskId,
    role: Role.ROLE_AGENT,
    parts: [textPart(text)],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
