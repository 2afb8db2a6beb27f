import type { Agent, AgentOutput, PreviousAttempt, TransferredContext } from './agent.js';
import { type BatonError, toBatonError } from './baton-error.js';
import { addUsage, emptyUsage, type Usage } from './chat-model.js';
import { type ContextPolicy, lastMessages } from './context-policy.js';
import { createId } from './create-id.js';
import type {
  AttemptRecord,
  AttemptRung,
  CandidateScore,
  DelegationRecord,
  ErrorInfo,
  FallbackRung,
  FallbackStep,
  RemoteCall,
  TaskRecord,
  Verdict,
} from './delegation-record.js';
import { type FailureLadder, noFallback } from './failure-ladder.js';
import { type PiiRedaction, redactPii } from './pii/index.js';
import type { Roster } from './roster.js';
import { type RunScope, raceSignal } from './run-scope.js';
import type { TaskSpec } from './task-spec.js';
import type { TurnInput } from './turn-input.js';
import type { Verifier } from './verifier.js';

/** Everything one delegation needs. */
export interface DelegateOptions {
  roster: Roster;
  /** The agent that stays responsible (and answers itself on the `self` rung). */
  delegator: Agent;
  task: TaskSpec;
  turn: TurnInput;
  /** Candidates ranked best first, from selection. */
  candidates: readonly CandidateScore[];
  /** Why the first candidate was chosen. */
  reason: string;
  strategy: string;
  scope: RunScope;
  transfer?: ContextPolicy;
  verifiers?: readonly Verifier[];
  ladder?: FailureLadder;
  /** Time one attempt may take; defaults to the scope's `attemptTimeoutMs`. */
  attemptTimeoutMs?: number;
  mode?: 'delegate' | 'handoff';
}

/** The outcome of {@link delegate}: the record, and the accepted (or best unaccepted) output. */
export interface DelegationResult {
  record: DelegationRecord;
  /** The accepted result; when the ladder ran out without a human, the most confident rejected one. */
  output?: AgentOutput;
  accepted: boolean;
  escalated: boolean;
}

interface PlannedAttempt {
  agent: Agent;
  rung: AttemptRung;
}

const defaultTransfer = lastMessages(6);

/**
 * Delegates one task: transfers context (redacting personal data for delegates without clearance),
 * runs the chosen delegate under the scope's limits (timeout, budget, depth, cycle and allowlist
 * checks happen before any call), verifies the result, and walks the failure ladder — retry with
 * revised instructions, next-best delegate, the delegator itself, a human — recording every step.
 *
 * Cancellation of `scope.signal` stops the delegation and rejects; every other failure ends in the
 * record (outcome `failed` or `escalated`), never in an exception.
 *
 * @example
 * ```ts
 * const result = await delegate({ roster, delegator: roster.front, task, turn, candidates, reason: 'best card match', strategy: 'mine', scope });
 * ```
 */
export async function delegate(options: DelegateOptions): Promise<DelegationResult> {
  const { roster, delegator, scope } = options;
  const ladder = options.ladder ?? noFallback;
  const verifiers = options.verifiers ?? [];
  const transfer = options.transfer ?? defaultTransfer;
  const mode = options.mode ?? 'delegate';
  const id = createId('del');
  const startedAt = scope.clock.now();
  const depth = scope.depth + 1;

  const excluded: DelegationRecord['excluded'] = [];
  const eligible: CandidateScore[] = [];
  for (const candidate of options.candidates) {
    if (candidate.agentId === delegator.id) continue;
    if (!roster.has(candidate.agentId)) {
      excluded.push({ agentId: candidate.agentId, reason: 'unknown-agent' });
    } else if (!roster.allows(delegator.id, candidate.agentId)) {
      excluded.push({ agentId: candidate.agentId, reason: 'not-allowed' });
    } else if (scope.path.includes(candidate.agentId)) {
      excluded.push({ agentId: candidate.agentId, reason: 'cycle' });
    } else if (depth > scope.limits.maxDepth) {
      excluded.push({ agentId: candidate.agentId, reason: 'depth' });
    } else {
      eligible.push(candidate);
    }
  }
  const chosen = eligible[0];
  const record: DelegationRecord = {
    id,
    ...(scope.parentEventId !== undefined ? { parentId: scope.parentEventId } : {}),
    mode,
    strategy: options.strategy,
    delegatorId: delegator.id,
    depth,
    task: taskRecord(options.task),
    candidates: [...options.candidates],
    chosenAgentId: chosen?.agentId ?? null,
    reason: chosen
      ? options.reason
      : `no eligible delegate (${excluded.map((entry) => `${entry.agentId}: ${entry.reason}`).join(', ') || 'none proposed'})`,
    context: { policy: transfer.name, messages: 0, characters: 0, redactions: 0 },
    attempts: [],
    fallbacks: [],
    outcome: 'failed',
    excluded,
    usage: emptyUsage,
    costUsd: 0,
    latencyMs: 0,
    startedAt,
  };
  if (scope.emitting) {
    scope.emit({
      type: 'delegation-start',
      id,
      parentId: scope.parentEventId,
      mode,
      strategy: options.strategy,
      delegatorId: delegator.id,
      depth,
      goal: options.task.goal,
      candidates: record.candidates,
      chosenAgentId: record.chosenAgentId,
      reason: record.reason,
    });
  }

  const plan = planAttempts(eligible, ladder, roster, delegator);
  const previous: PreviousAttempt[] = [];
  const contexts = new Map<
    boolean,
    { context: Promise<TransferredContext>; signal: AbortSignal; done: boolean }
  >();
  const redact = redactorOnce();
  // The task's budget is one account per agent for the whole delegation, so an agent's retries
  // draw from what its first attempt left rather than each starting with the full budget.
  const accounts = new Map<string, RunScope>();
  let task = options.task;
  let accepted: AgentOutput | undefined;
  let best: AgentOutput | undefined;
  let escalateReason: string | undefined;
  let stopLadder = false;
  let escalated = false;

  const fallback = (rung: FallbackRung, reason: string, fromAgentId?: string, toAgentId?: string) => {
    const step: FallbackStep = {
      rung,
      reason,
      ...(fromAgentId ? { fromAgentId } : {}),
      ...(toAgentId ? { toAgentId } : {}),
    };
    record.fallbacks.push(step);
    if (scope.emitting) scope.emit({ type: 'fallback-start', id: createId('fb'), parentId: id, ...step });
  };
  // One transfer per clearance level: cleared and uncleared delegates see different contexts. It
  // runs under the attempt's scope (charged to it, stopped by its limits); one that an earlier
  // attempt's limit cut short, or that failed, is made again for the next attempt.
  const contextFor = (cleared: boolean, attemptScope: RunScope) => {
    const cached = contexts.get(cleared);
    if (cached && (cached.done || !cached.signal.aborted)) return cached.context;
    const entry = { signal: attemptScope.signal, done: false } as {
      context: Promise<TransferredContext>;
      signal: AbortSignal;
      done: boolean;
    };
    entry.context = transferContext(transfer, options.turn, cleared, attemptScope, redact).then(
      (transferred) => {
        entry.done = true;
        if (record.context.characters === 0 && record.context.messages === 0)
          record.context = transferred.info;
        return transferred;
      },
      (error: unknown) => {
        if (contexts.get(cleared) === entry) contexts.delete(cleared);
        throw error;
      },
    );
    contexts.set(cleared, entry);
    return entry.context;
  };

  try {
    for (const planned of plan) {
      if (accepted || stopLadder) break;
      const last = record.attempts[record.attempts.length - 1];
      if (planned.rung !== 'primary') {
        const why = last ? describeFailure(last) : 'no eligible delegate';
        fallback(planned.rung, why, last?.agentId, planned.agent.id);
        if (planned.rung === 'retry' && previous.length > 0)
          task = ladder.revise(task, previous[previous.length - 1]!);
      }
      const cleared = planned.agent.card.clearance.pii;
      let account = accounts.get(planned.agent.id);
      if (!account) {
        account = scope.child({ budget: task.budget ?? {} });
        accounts.set(planned.agent.id, account);
      }
      const attempt = await runAttempt({
        account,
        agent: planned.agent,
        rung: planned.rung,
        index: record.attempts.length + 1,
        task: cleared ? task : redactTask(task, redact),
        context: (attemptScope) => contextFor(cleared, attemptScope),
        // A copy, redacted for this delegate: earlier answers may quote data it is not cleared for.
        previous: previous.map((attemptSoFar) =>
          cleared ? { ...attemptSoFar } : redactAttempt(attemptSoFar, redact),
        ),
        verifiers,
        scope,
        delegationId: id,
        depth,
        timeoutMs: options.attemptTimeoutMs ?? scope.limits.attemptTimeoutMs,
        handoff: mode === 'handoff',
      });
      record.attempts.push(attempt.record);
      record.usage = addUsage(record.usage, attempt.record.usage);
      record.costUsd += attempt.record.costUsd;
      if (attempt.output) {
        if (attempt.record.outcome === 'accepted') accepted = attempt.output;
        else if (!best || (attempt.output.confidence ?? 0) > (best.confidence ?? 0)) best = attempt.output;
        if (attempt.output.status === 'needs-human') {
          escalateReason = `${planned.agent.id} asked for a human: ${attempt.output.text}`;
          stopLadder = true;
        }
      }
      if (attempt.fatal) stopLadder = true;
      previous.push({
        agentId: planned.agent.id,
        ...(attempt.output ? { output: attempt.output.text } : {}),
        sources: attempt.output?.sources?.map((source) => source.id) ?? [],
        verdicts: attempt.record.verdicts,
        ...(attempt.record.error ? { error: attempt.record.error.message } : {}),
      });
    }

    if (accepted) {
      record.outcome = 'completed';
      record.answeredBy = record.attempts[record.attempts.length - 1]?.agentId;
    } else if ((ladder.human || escalateReason) && !scope.aborted) {
      const last = record.attempts[record.attempts.length - 1];
      fallback(
        'human',
        escalateReason ?? (last ? describeFailure(last) : record.reason),
        last?.agentId ?? delegator.id,
      );
      record.outcome = 'escalated';
      record.answeredBy = 'human';
      escalated = true;
    }
  } finally {
    // Whatever happened, the delegation ends in its record and its event (a span never stays open).
    record.latencyMs = scope.clock.now() - startedAt;
    if (scope.emitting) scope.emit({ type: 'delegation-end', id, parentId: scope.parentEventId, record });
  }
  if (scope.aborted) throw toBatonError(scope.signal.reason, 'aborted');
  const output = accepted ?? (escalated ? undefined : best);
  return { record, ...(output ? { output } : {}), accepted: accepted !== undefined, escalated };
}

function planAttempts(
  eligible: readonly CandidateScore[],
  ladder: FailureLadder,
  roster: Roster,
  delegator: Agent,
): PlannedAttempt[] {
  const plan: PlannedAttempt[] = [];
  const first = eligible[0];
  if (first) {
    const agent = roster.get(first.agentId);
    plan.push({ agent, rung: 'primary' });
    for (let retry = 0; retry < ladder.retries; retry += 1) plan.push({ agent, rung: 'retry' });
    const alternatives = eligible
      .slice(1)
      .filter((candidate) => candidate.score >= ladder.minAlternativeScore);
    for (const candidate of alternatives.slice(0, ladder.alternatives)) {
      plan.push({ agent: roster.get(candidate.agentId), rung: 'alternative' });
    }
  }
  // With no eligible delegate and no human rung the delegator must do the work itself even when
  // the self rung is off: otherwise nobody would answer.
  if (ladder.self || (!first && !ladder.human)) plan.push({ agent: delegator, rung: 'self' });
  return plan;
}

async function runAttempt(options: {
  /** The agent's budget account for this delegation (the task's budget, shared by its retries). */
  account: RunScope;
  agent: Agent;
  rung: AttemptRung;
  index: number;
  task: TaskSpec;
  context: (attemptScope: RunScope) => Promise<TransferredContext>;
  previous: PreviousAttempt[];
  verifiers: readonly Verifier[];
  scope: RunScope;
  delegationId: string;
  depth: number;
  timeoutMs: number | undefined;
  handoff: boolean;
}): Promise<{ record: AttemptRecord; output?: AgentOutput; fatal: boolean }> {
  const { agent, scope } = options;
  const attemptId = createId('att');
  const started = scope.clock.now();
  const self = options.rung === 'self';
  // The attempt's own budget account (drawing from every enclosing one) so that what this attempt
  // spent can be told apart from concurrent branches, and its task's limits apply to it alone.
  // (Always the same keys, undefined where unset: one options shape keeps `child` fast.)
  const limited = options.account.child({
    agentId: self ? undefined : agent.id,
    nest: !self,
    parentEventId: attemptId,
    budget: {},
    deadline: options.task.deadline,
    toolGrant: new Set(agent.card.tools),
  });
  // The attempt's signal fires when its timeout, the deadline or the wall-time budget passes, so a
  // slow delegate is stopped at the limit rather than noticed after it finishes.
  const timeout = limited.guard(agent.id, options.timeoutMs);
  const childScope = limited.child({ signal: timeout.signal });
  // Context transfer can call a model (a summary): it fails, times out and is charged like the attempt.
  let context: TransferredContext | undefined;
  let contextError: unknown;
  try {
    context = await raceSignal(options.context(childScope), childScope.signal);
  } catch (caught) {
    contextError = caught;
  }
  if (scope.emitting) {
    scope.emit({
      type: 'attempt-start',
      id: attemptId,
      parentId: options.delegationId,
      agentId: agent.id,
      attempt: options.index,
      rung: options.rung,
      contextCharacters: context?.info.characters ?? 0,
    });
  }
  const runId = createId('run');
  let output: AgentOutput | undefined;
  let error: BatonError | undefined;
  let verdicts: Verdict[] = [];
  // A remote agent reports where it ran while it runs, so a timeout still records the remote task.
  let remote: RemoteCall | undefined;
  const onRemote = (call: RemoteCall) => {
    remote = { ...remote, ...call };
  };
  try {
    if (!context) throw contextError;
    childScope.ensureCanProceed();
    const runScope = childScope.child({ parentEventId: runId, onRemote });
    if (scope.emitting) {
      scope.emit({
        type: 'agent-run-start',
        id: runId,
        parentId: attemptId,
        agentId: agent.id,
        agentKind: agent.kind,
        goal: options.task.goal,
      });
    }
    // The run's own failure goes on its end event, so a trace marks the failed run, not only its attempt.
    let runError: BatonError | undefined;
    try {
      output = await raceSignal(
        agent.run(
          {
            task: options.task,
            context,
            previousAttempts: options.previous,
            ...(options.handoff ? { handoff: true } : {}),
          },
          runScope,
        ),
        childScope.signal,
      );
      chargeReported(limited, output);
    } catch (caught) {
      runError = toBatonError(caught);
      throw caught;
    } finally {
      if (scope.emitting) {
        scope.emit({
          type: 'agent-run-end',
          id: runId,
          parentId: attemptId,
          agentId: agent.id,
          ...(output ? { output: output.text } : {}),
          ...(runError ? { error: { code: runError.code, message: runError.message } } : {}),
          ...(output?.confidence !== undefined ? { confidence: output.confidence } : {}),
          usage: output?.usage ?? emptyUsage,
        });
      }
    }
    if (options.verifiers.length > 0 && output.status !== 'needs-human') {
      for (const verifier of options.verifiers) {
        verdicts.push(await verifier.verify(output, { task: options.task, agent }, childScope));
      }
      if (scope.emitting) {
        scope.emit({
          type: 'verification-end',
          id: createId('ver'),
          parentId: attemptId,
          agentId: agent.id,
          attempt: options.index,
          passed: verdicts.every((verdict) => verdict.passed),
          verdicts,
        });
      }
    }
  } catch (caught) {
    error = toBatonError(caught);
    verdicts = [];
  } finally {
    timeout.dispose();
  }
  const passed =
    output !== undefined && output.status !== 'needs-human' && verdicts.every((verdict) => verdict.passed);
  const outcome: AttemptRecord['outcome'] = error ? 'error' : passed ? 'accepted' : 'rejected';
  // What the attempt spent through its scope (model calls, a context summary, verifiers), so an
  // attempt that timed out mid-call still shows what it cost.
  // (What the agent reported is in it: `chargeReported` charged any excess to this account.)
  const spent = limited.budget.spent();
  const usage: Usage = spent.usage;
  const record: AttemptRecord = {
    index: options.index,
    agentId: agent.id,
    rung: options.rung,
    ...(options.task.instructions !== undefined ? { instructions: options.task.instructions } : {}),
    outcome,
    ...(error ? { error: errorInfoOf(error) } : {}),
    verdicts,
    ...(output ? { output: output.text } : {}),
    ...(output?.confidence !== undefined ? { confidence: output.confidence } : {}),
    usage,
    costUsd: Math.max(output?.costUsd ?? 0, spent.costUsd),
    latencyMs: scope.clock.now() - started,
    ...(remote ? { remote: { ...remote } } : {}),
  };
  if (scope.emitting) {
    scope.emit({
      type: 'attempt-end',
      id: attemptId,
      parentId: options.delegationId,
      agentId: agent.id,
      attempt: options.index,
      rung: options.rung,
      outcome,
      ...(record.error ? { error: record.error } : {}),
      usage,
      costUsd: record.costUsd,
      latencyMs: record.latencyMs,
      ...(record.remote ? { remote: record.remote } : {}),
    });
  }
  // Out of budget or time, or cancelled: no further rung could run either (except a human).
  const fatal =
    scope.aborted ||
    (error !== undefined &&
      (error.code === 'budget-exceeded' || error.code === 'deadline-exceeded' || error.code === 'aborted'));
  return { record, ...(output ? { output } : {}), fatal };
}

/**
 * Charges what an agent reports having spent beyond the calls it made through its scope — a remote
 * or third-party agent's own model calls — so the turn's usage and cost count it too.
 */
function chargeReported(scope: RunScope, output: AgentOutput): void {
  const spent = scope.budget.spent();
  const costUsd = Math.max(0, output.costUsd - spent.costUsd);
  const inputTokens = Math.max(0, output.usage.inputTokens - spent.usage.inputTokens);
  const outputTokens = Math.max(0, output.usage.outputTokens - spent.usage.outputTokens);
  if (costUsd > 0 || inputTokens > 0 || outputTokens > 0)
    scope.budget.charge({ inputTokens, outputTokens }, costUsd);
}

/** What the record keeps of a task: everything but the output schema, which is not plain data. */
function taskRecord(task: TaskSpec): TaskRecord {
  return {
    goal: task.goal,
    ...(task.domain !== undefined ? { domain: task.domain } : {}),
    ...(task.language !== undefined ? { language: task.language } : {}),
    ...(task.replyLanguages ? { replyLanguages: [...task.replyLanguages] } : {}),
    ...(task.instructions !== undefined ? { instructions: task.instructions } : {}),
    ...(task.constraints.length > 0 ? { constraints: [...task.constraints] } : {}),
    ...(task.acceptanceCriteria.length > 0 ? { acceptanceCriteria: [...task.acceptanceCriteria] } : {}),
    ...(task.criteria && task.criteria.length > 0
      ? { criteria: task.criteria.map((criterion) => ({ ...criterion })) }
      : {}),
    ...(task.format ? { format: task.format } : {}),
    ...(task.output ? { outputSchema: true } : {}),
    ...(task.budget ? { budget: { ...task.budget } } : {}),
    ...(task.deadline !== undefined ? { deadline: task.deadline } : {}),
  };
}

async function transferContext(
  policy: ContextPolicy,
  turn: TurnInput,
  cleared: boolean,
  scope: RunScope,
  redactOnce: Redactor,
): Promise<TransferredContext> {
  let redactions = 0;
  const redact = (text: string) => {
    if (cleared) return text;
    const result = redactOnce(text);
    redactions += result.count;
    return result.text;
  };
  // An uncleared delegate's context is chosen from the redacted conversation, so a policy that
  // summarises with a model never sends it the raw transcript; what it selects is redacted again
  // (a summary may restate what it read).
  const source: TurnInput = cleared
    ? turn
    : {
        ...turn,
        message: redact(turn.message),
        history: turn.history.map((message) => ({ ...message, content: redact(message.content) })),
      };
  const selection = await policy.select(source, scope);
  // Counted on what is sent: the placeholders in the selected messages, plus anything the second
  // pass below still finds.
  redactions = 0;
  const placeholders = (text: string) => (cleared ? 0 : (text.match(placeholderPattern)?.length ?? 0));
  for (const message of selection.messages) redactions += placeholders(message.content);
  if (selection.summary !== undefined) redactions += placeholders(selection.summary);
  const messages = selection.messages.map((message) => ({
    role: message.role,
    content: redact(message.content),
  }));
  const summary = selection.summary === undefined ? undefined : redact(selection.summary);
  let fields: Record<string, unknown> | undefined;
  if (selection.fields) {
    fields = cleared
      ? selection.fields
      : (redactDeep(
          selection.fields,
          (found) => {
            redactions += found;
          },
          redactOnce,
        ) as Record<string, unknown>);
  }
  let characters = summary?.length ?? 0;
  for (const message of messages) characters += message.content.length;
  if (fields) characters += JSON.stringify(fields).length;
  return {
    messages,
    ...(summary !== undefined ? { summary } : {}),
    ...(fields ? { fields } : {}),
    info: { policy: policy.name, messages: messages.length, characters, redactions },
  };
}

/** Redacts one text (returning the text and how many spans it replaced). */
type Redactor = (text: string) => PiiRedaction;

/**
 * A redactor that scans each distinct text once. One delegation redacts the same text several
 * times (the task's goal is often the customer's message, which the context transfer redacts
 * again, and again after its policy picks it), and the scan for personal data is the costliest step
 * of a delegation that calls no model. Made per delegation, so no unredacted text outlives it.
 */
function redactorOnce(): Redactor {
  const seen = new Map<string, PiiRedaction>();
  return (text) => {
    let result = seen.get(text);
    if (result === undefined) {
      result = redactPii(text);
      seen.set(text, result);
    }
    return result;
  };
}

const placeholderPattern = /\[(?:email|iban|card|ip|id|passport|dob|address|phone|name)\]/g;

function redactTask(task: TaskSpec, redact: Redactor): TaskSpec {
  const text = (value: string) => redact(value).text;
  return {
    ...task,
    goal: text(task.goal),
    ...(task.instructions !== undefined ? { instructions: text(task.instructions) } : {}),
    constraints: task.constraints.map(text),
    acceptanceCriteria: task.acceptanceCriteria.map(text),
  };
}

function redactAttempt(attempt: PreviousAttempt, redact: Redactor): PreviousAttempt {
  const text = (value: string) => redact(value).text;
  return {
    ...attempt,
    ...(attempt.output !== undefined ? { output: text(attempt.output) } : {}),
    ...(attempt.error !== undefined ? { error: text(attempt.error) } : {}),
    verdicts: attempt.verdicts.map((verdict) => ({ ...verdict, reason: text(verdict.reason) })),
  };
}

/** Redacts every string in a JSON-like value, however deeply nested, counting what it replaced. */
function redactDeep(value: unknown, count: (found: number) => void, redact: Redactor): unknown {
  if (typeof value === 'string') {
    const result = redact(value);
    count(result.count);
    return result.text;
  }
  if (Array.isArray(value)) return value.map((entry) => redactDeep(entry, count, redact));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, entry]) => [key, redactDeep(entry, count, redact)]),
    );
  }
  return value;
}

function describeFailure(attempt: AttemptRecord): string {
  if (attempt.error) return `${attempt.agentId} failed: ${attempt.error.code}: ${attempt.error.message}`;
  const failed = attempt.verdicts
    .filter((verdict) => !verdict.passed)
    .map((verdict) => `${verdict.verifier}: ${verdict.reason}`);
  return `${attempt.agentId} was rejected: ${failed.join('; ') || 'asked for a human'}`;
}

/** An attempt's error for its record, with the code of the agent's own error it wraps, if any. */
function errorInfoOf(error: BatonError): ErrorInfo {
  const cause = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof cause === 'string' && cause !== error.code
    ? { code: error.code, message: error.message, cause }
    : { code: error.code, message: error.message };
}
