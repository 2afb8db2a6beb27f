import { randomUUID } from 'node:crypto';
import { type Message, type SendMessageRequest, TaskState } from '@a2a-js/sdk';
import {
  type Client,
  ClientFactory,
  DefaultAgentCardResolver,
  JsonRpcTransportFactory,
  type RequestOptions,
  RestTransportFactory,
} from '@a2a-js/sdk/client';
import {
  type Agent,
  type AgentInput,
  type AgentOutput,
  BatonError,
  BudgetExceededError,
  type CapabilityCard,
  emptyUsage,
  type RunScope,
  type TaskSpec,
  type Usage,
} from '@baton/core';
import { A2aError, A2aTaskError } from './a2a-error.js';
import { RemoteTask } from './remote-task.js';
import { type AgentCardJson, parseAgentCard, resolveAgentCard } from './resolve-agent-card.js';
import { tokensOf } from './result-metadata.js';
import { sleep as defaultSleep, type Sleep } from './sleep.js';
import { toTaskMessage } from './task-message.js';
import { type A2aTaskState, isSettled, taskStateName } from './task-state.js';
import { type CapabilityCardOverrides, toCapabilityCard } from './to-capability-card.js';
import { activeTraceparent, parseTraceparent, type TraceparentSource } from './traceparent.js';

/** Options of {@link createA2aAgent}: where the agent is (`url` or `card`), and how to reach it. */
export interface A2aAgentOptions {
  /**
   * The agent's base URL. Its card is read from `.well-known/agent-card.json` under it (resolved as
   * `@a2a-js/sdk` resolves it), or from the URL itself when it names a `.json` file.
   */
  url?: string;
  /** The agent's card as published (A2A 1.0 or 0.3 JSON), when you already have it. */
  card?: unknown;
  /**
   * Capability-card fields set by you over what the A2A card says: `id`, `domains` and
   * `languages` (A2A has none, unless skills carry `domain:`/`lang:` tags), `clearance` (a remote
   * is not cleared for personal data unless you say so), `cost`, `latency`, `tools`.
   */
  capabilityCard?: CapabilityCardOverrides;
  /** The transport for every request (card, messages, polls, cancels). Default: the global `fetch`. */
  fetch?: typeof fetch;
  /**
   * Whether to stream task updates (server-sent events). Default: what the card's
   * `capabilities.streaming` says. Without streaming the agent sends the message, gets the task
   * back at once and polls it every `pollIntervalMs`.
   */
  streaming?: boolean;
  /** Where the `traceparent` header comes from; `false` sends none. Default {@link activeTraceparent}. */
  traceparent?: TraceparentSource | false;
  /** Sees every task update as it arrives (progress). Must not throw (errors are ignored). */
  onUpdate?: (update: A2aTaskUpdate) => void;
  /** Between two polls of a task, without streaming. Default 1,000 ms. */
  pollIntervalMs?: number;
  /** How long a cancel request may take before Baton stops waiting for it. Default 5,000 ms. */
  cancelTimeoutMs?: number;
  /** How to wait (polls, deadlines, cancel patience); inject one in tests. */
  sleep?: Sleep;
  /** The clock deadlines are compared with (epoch ms). Default `Date.now`. */
  now?: () => number;
  /** Cancels resolving the card. */
  signal?: AbortSignal;
}

/** A task update seen by {@link A2aAgentOptions.onUpdate}. */
export interface A2aTaskUpdate {
  agentId: string;
  taskId?: string;
  contextId?: string;
  state: A2aTaskState;
}

/** A remote A2A agent as a Baton {@link Agent}. */
export interface A2aAgent extends Agent {
  readonly kind: 'a2a';
  /** The agent's URL, as recorded in attempts' `remote.url`. */
  readonly url: string;
  /** The agent's A2A card, as published. */
  readonly agentCard: AgentCardJson;
  /** Whether task updates are streamed. */
  readonly streaming: boolean;
}

const acceptedOutputModes = ['text/plain', 'application/json'];

/**
 * Creates a Baton agent for a remote A2A agent: resolves and validates its card, maps it onto a
 * capability card, and runs tasks by sending the task spec and the transferred context as one A2A
 * message (streaming where the server can). The agent goes through the same selection, ladder,
 * verification, allowlists and records as a local one; each attempt's record carries
 * `remote: { protocol: 'a2a', url, taskId, contextId }`.
 *
 * - **Task states.** `completed` (or a direct message) is an answer; `failed`, `rejected` and
 *   `canceled` fail the attempt with an {@link A2aTaskError} and the ladder moves on.
 * - **Input required.** A delegate gets one message: a remote that asks for input (or credentials)
 *   fails the attempt with `input-required`, its question in the error, and its task is canceled.
 *   Everything the delegator chose to share went in the first message, and a delegate must not
 *   talk to the user behind the delegator's back; the ladder's retry carries the question back in
 *   the previous attempt's feedback.
 * - **Cancellation.** When the attempt's signal fires (timeout, Ctrl-C), when the scope's deadline
 *   or wall-time budget runs out, or when reported usage exceeds the token or cost budget, the
 *   agent cancels the remote task (`CancelTask`) and rejects with the matching core error.
 * - **Usage and cost** come from the result's metadata (`baton.usage`, `baton.costUsd`, or the
 *   common spellings `usage`, `adk_usage_metadata`, `costUsd`) and are charged to the budget.
 *
 * @throws A2aError `card-unavailable`, `invalid-card` or `no-transport` when the agent cannot be reached.
 * @example
 * ```ts
 * const billing = await createA2aAgent({ url: 'https://billing.example.com/', capabilityCard: { id: 'billing' } });
 * const team = createTeam({ front, delegates: [billing, technical], strategy: verifyRecover() });
 * ```
 */
export async function createA2aAgent(options: A2aAgentOptions): Promise<A2aAgent> {
  if ((options.url === undefined) === (options.card === undefined)) {
    throw new A2aError('invalid-argument', 'createA2aAgent needs exactly one of `url` and `card`.');
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const json =
    options.url !== undefined
      ? (
          await resolveAgentCard({
            url: options.url,
            fetch: fetchImpl,
            ...(options.signal ? { signal: options.signal } : {}),
          })
        ).json
      : parseAgentCard(options.card);
  const legacyCompat = { enabled: true };
  const resolver = new DefaultAgentCardResolver({ fetchImpl, legacyCompat });
  const agentCard = resolver.normalizeAgentCard(json);
  const url = options.url ?? agentCard.supportedInterfaces[0]?.url ?? json.url ?? '';
  let client: Client;
  try {
    client = await new ClientFactory({
      transports: [
        new JsonRpcTransportFactory({ fetchImpl, legacyCompat }),
        new RestTransportFactory({ fetchImpl, legacyCompat }),
      ],
      cardResolver: resolver,
    }).createFromAgentCard(agentCard);
  } catch (error) {
    throw new A2aError(
      'no-transport',
      `The agent at ${url} offers no interface Baton speaks (JSON-RPC or HTTP+JSON): ${messageOf(error)}`,
      { cause: error },
    );
  }
  const card = toCapabilityCard(json, options.capabilityCard);
  const streaming = options.streaming ?? agentCard.capabilities?.streaming === true;
  const remote = new RemoteCalls({ client, card, url, options });
  return {
    id: card.id,
    card,
    kind: 'a2a',
    url,
    agentCard: json,
    streaming,
    run: (input, scope) => remote.run(input, scope, streaming),
  };
}

/** The calls of one A2A agent: send, stream or poll, cancel, and map the outcome. */
class RemoteCalls {
  private readonly client: Client;
  private readonly card: CapabilityCard;
  private readonly url: string;
  private readonly options: A2aAgentOptions;
  private readonly sleep: Sleep;
  private readonly now: () => number;

  constructor(init: { client: Client; card: CapabilityCard; url: string; options: A2aAgentOptions }) {
    this.client = init.client;
    this.card = init.card;
    this.url = init.url;
    this.options = init.options;
    this.sleep = init.options.sleep ?? defaultSleep;
    this.now = init.options.now ?? Date.now;
  }

  async run(input: AgentInput, scope: RunScope, streaming: boolean): Promise<AgentOutput> {
    const contextId = randomUUID();
    const task = new RemoteTask();
    let reportedTaskId: string | undefined;
    const report = () => {
      reportedTaskId = task.taskId;
      scope.reportRemote({
        protocol: 'a2a',
        url: this.url,
        contextId: task.contextId ?? contextId,
        ...(task.taskId ? { taskId: task.taskId } : {}),
      });
    };
    report();
    const limits = watchLimits(scope, this.sleep, this.now);
    const traceparent = await this.traceparentOf(scope);
    const requestOptions: RequestOptions = {
      signal: limits.signal,
      ...(traceparent ? { serviceParameters: { traceparent } } : {}),
    };
    // What the remote reports it spent was spent, answer or not. It is charged as it is reported,
    // so an attempt stopped mid-task (its timeout, Ctrl-C) still counts it: the engine builds the
    // attempt's record as soon as the signal fires, before this run's own cleanup.
    const charged: Usage & { costUsd: number } = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
    const chargeReported = () => {
      const { usage, costUsd } = task.metadata;
      const inputTokens = Math.max(0, (usage?.inputTokens ?? 0) - charged.inputTokens);
      const outputTokens = Math.max(0, (usage?.outputTokens ?? 0) - charged.outputTokens);
      const cost = Math.max(0, (costUsd ?? 0) - charged.costUsd);
      if (inputTokens === 0 && outputTokens === 0 && cost === 0) return;
      charged.inputTokens += inputTokens;
      charged.outputTokens += outputTokens;
      charged.costUsd += cost;
      scope.budget.charge({ inputTokens, outputTokens }, cost);
    };
    const observe = () => {
      if (task.taskId !== reportedTaskId) report();
      this.notify(task);
      if (!task.settled) checkSpend(task, charged, scope, limits.abort);
      chargeReported();
      limits.signal.throwIfAborted();
    };
    const message = toTaskMessage(input, { contextId });
    try {
      if (streaming) {
        for await (const event of this.client.sendMessageStream(
          sendRequest(message, false),
          requestOptions,
        )) {
          task.applyStream(event);
          observe();
          if (task.settled) break;
        }
      } else {
        task.applyResult(await this.client.sendMessage(sendRequest(message, true), requestOptions));
        observe();
      }
      // Without streaming, and after a stream that ended early, the task is polled to its end.
      while (!task.settled) {
        if (!task.taskId) {
          throw new A2aError('invalid-response', `${this.where(task)} neither answered nor created a task.`);
        }
        await this.sleep(this.options.pollIntervalMs ?? 1_000, limits.signal);
        task.applyTask(
          await this.client.getTask({ tenant: '', id: task.taskId, historyLength: 0 }, requestOptions),
        );
        observe();
      }
    } catch (error) {
      if (limits.signal.aborted) {
        this.cancel(task, contextId, traceparent);
        throw stopError(limits.signal);
      }
      if (A2aError.isInstance(error) || BatonError.isInstance(error)) throw error;
      throw new A2aError('transport-error', `${this.where(task)}: ${messageOf(error)}`, { cause: error });
    } finally {
      limits.dispose();
      chargeReported();
    }
    return this.outcome(task, input.task, contextId, traceparent);
  }

  private outcome(
    task: RemoteTask,
    spec: TaskSpec,
    contextId: string,
    traceparent: string | undefined,
  ): AgentOutput {
    const { text, statusText, data } = task.result();
    const meta = task.metadata;
    const extras = {
      usage: meta.usage ?? emptyUsage,
      costUsd: meta.costUsd ?? 0,
      ...(meta.confidence !== undefined ? { confidence: meta.confidence } : {}),
      ...(meta.sources ? { sources: meta.sources } : {}),
    };
    if (task.answeredDirectly || task.state === 'completed') {
      return {
        text,
        status: meta.status ?? 'answered',
        ...structured(spec, data, text, this.card.id),
        ...extras,
      };
    }
    // A Baton server sends a guardrail's refusal or an escalation as `rejected` with the exact status.
    if (task.state === 'rejected' && (meta.status === 'declined' || meta.status === 'needs-human')) {
      return { text: statusText || text, status: meta.status, ...extras };
    }
    const taskId = task.taskId ?? '';
    const reason = statusText || meta.error?.message;
    const details = { url: this.url, taskId, state: task.state };
    switch (task.state) {
      case 'rejected':
        throw new A2aTaskError(
          'remote-rejected',
          `${this.where(task)} rejected the task${because(reason)}`,
          details,
        );
      case 'canceled':
        throw new A2aTaskError(
          'remote-canceled',
          `${this.where(task)} canceled the task${because(reason)}`,
          details,
        );
      case 'input-required':
      case 'auth-required':
        // The input-required rule: a delegate gets one message, so the question fails the attempt
        // and the task is not left waiting on the server.
        this.cancel(task, contextId, traceparent);
        throw new A2aTaskError(
          task.state,
          `${this.where(task)} asked for ${task.state === 'input-required' ? 'input' : 'credentials'}${reason ? `: ${reason}` : ''} (a remote delegate gets no second message; the attempt fails)`,
          details,
        );
      default:
        throw new A2aTaskError('remote-failed', `${this.where(task)} failed${because(reason)}`, details);
    }
  }

  /**
   * Cancels the remote task in the background, patient for `cancelTimeoutMs`. When the task id
   * never arrived (cancelled before the first event), the context's unfinished tasks are looked up
   * and canceled. Failures are ignored: the task may have ended meanwhile.
   */
  private cancel(task: RemoteTask, contextId: string, traceparent: string | undefined): void {
    if (task.settled && task.state !== 'input-required' && task.state !== 'auth-required') return;
    const patience = new AbortController();
    const timer = new AbortController();
    this.sleep(this.options.cancelTimeoutMs ?? 5_000, timer.signal).then(
      () => patience.abort(new A2aError('transport-error', 'The cancel request took too long.')),
      () => undefined,
    );
    const requestOptions: RequestOptions = {
      signal: patience.signal,
      ...(traceparent ? { serviceParameters: { traceparent } } : {}),
    };
    const cancelling = async () => {
      const ids = task.taskId
        ? [task.taskId]
        : (
            await this.client.listTasks(
              {
                tenant: '',
                contextId,
                status: TaskState.TASK_STATE_UNSPECIFIED,
                pageToken: '',
                historyLength: 0,
                statusTimestampAfter: undefined,
                includeArtifacts: false,
              },
              requestOptions,
            )
          ).tasks
            .filter((found) => !isSettled(taskStateName(found.status?.state)))
            .map((found) => found.id);
      await Promise.all(
        ids.map((id) => this.client.cancelTask({ tenant: '', id, metadata: undefined }, requestOptions)),
      );
    };
    cancelling()
      .catch(() => undefined)
      .finally(() => timer.abort());
  }

  private async traceparentOf(scope: RunScope): Promise<string | undefined> {
    const source =
      this.options.traceparent === false ? undefined : (this.options.traceparent ?? activeTraceparent);
    if (!source) return undefined;
    try {
      const value = await source({ scope, agentId: this.card.id });
      return parseTraceparent(value) ? value : undefined;
    } catch {
      // Tracing must never fail the work it observes.
      return undefined;
    }
  }

  private notify(task: RemoteTask): void {
    if (!this.options.onUpdate) return;
    try {
      this.options.onUpdate({
        agentId: this.card.id,
        ...(task.taskId ? { taskId: task.taskId } : {}),
        ...(task.contextId ? { contextId: task.contextId } : {}),
        state: task.answeredDirectly ? 'completed' : task.state,
      });
    } catch {
      // A progress display must not fail the task.
    }
  }

  private where(task: RemoteTask): string {
    return `Remote agent ${this.card.id} (${this.url}${task.taskId ? `, task ${task.taskId}` : ''})`;
  }
}

function sendRequest(message: Message, returnImmediately: boolean): SendMessageRequest {
  return {
    tenant: '',
    message,
    configuration: {
      acceptedOutputModes,
      taskPushNotificationConfig: undefined,
      historyLength: 0,
      returnImmediately,
    },
    metadata: undefined,
  };
}

/**
 * A signal that aborts with the scope's, or when the scope's deadline or wall-time budget runs
 * out (core checks those only before a call; a remote call may outlive them).
 */
function watchLimits(
  scope: RunScope,
  sleep: Sleep,
  now: () => number,
): { signal: AbortSignal; abort(reason: unknown): void; dispose(): void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(scope.signal.reason);
  if (scope.signal.aborted) onAbort();
  else scope.signal.addEventListener('abort', onAbort, { once: true });
  const timers = new AbortController();
  const expire = (ms: number, reason: () => unknown) => {
    if (!Number.isFinite(ms)) return;
    sleep(ms, timers.signal).then(
      () => controller.abort(reason()),
      () => undefined,
    );
  };
  if (scope.deadline !== undefined) {
    expire(
      scope.deadline - now(),
      () => new BatonError('deadline-exceeded', 'The deadline passed while the remote agent was working.'),
    );
  }
  expire(scope.budget.remaining().wallTimeMs, () => new BudgetExceededError('wallTimeMs', 1, 0));
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    dispose: () => {
      timers.abort();
      scope.signal.removeEventListener('abort', onAbort);
    },
  };
}

/** Stops a remote task whose reported spending no longer fits the budget. */
function checkSpend(
  task: RemoteTask,
  charged: Usage & { costUsd: number },
  scope: RunScope,
  abort: (reason: unknown) => void,
): void {
  const { usage, costUsd } = task.metadata;
  if (!usage && costUsd === undefined) return;
  // What was charged already is out of the remaining budget: only the new spending is compared.
  const left = scope.budget.remaining();
  left.tokens += tokensOf(charged);
  left.costUsd += charged.costUsd;
  const tokens = usage ? tokensOf(usage) : 0;
  if (tokens > left.tokens) abort(new BudgetExceededError('tokens', tokens, Math.max(0, left.tokens)));
  else if ((costUsd ?? 0) > left.costUsd)
    abort(new BudgetExceededError('costUsd', costUsd ?? 0, Math.max(0, left.costUsd)));
}

/** The error an aborted remote call rejects with: the reason when it is Baton's own, else `aborted`. */
function stopError(signal: AbortSignal): BatonError {
  const reason: unknown = signal.reason;
  if (BatonError.isInstance(reason)) return reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') {
    return new BatonError('timeout', reason.message, { cause: reason });
  }
  return new BatonError('aborted', 'The operation was cancelled.', { cause: reason });
}

/** The structured result when the task asked for one: the data part, else the text as JSON. */
function structured(spec: TaskSpec, data: unknown, text: string, agentId: string): { data?: unknown } {
  if (!spec.output) return data === undefined ? {} : { data };
  let candidate = data;
  if (candidate === undefined) {
    try {
      candidate = JSON.parse(text);
    } catch (error) {
      throw new BatonError('invalid-output', `Remote agent "${agentId}" did not return JSON.`, {
        cause: error,
      });
    }
  }
  const parsed = spec.output.safeParse(candidate);
  if (!parsed.success) {
    throw new BatonError(
      'invalid-output',
      `Remote agent "${agentId}" returned data that does not match the output schema: ${parsed.error.message}`,
    );
  }
  return { data: parsed.data };
}

function because(reason: string | undefined): string {
  return reason ? `: ${reason}` : '';
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const cause =
      error.cause instanceof Error && error.cause.message !== error.message
        ? ` (${error.cause.message})`
        : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
