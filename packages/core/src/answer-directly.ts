import type { Agent, AgentOutput } from './agent.js';
import { toBatonError } from './baton-error.js';
import { emptyUsage } from './chat-model.js';
import type { ContextPolicy } from './context-policy.js';
import { createId } from './create-id.js';
import type { Verdict } from './delegation-record.js';
import type { RunScope } from './run-scope.js';
import { raceSignal } from './run-scope.js';
import type { StrategyAnswer } from './strategy.js';
import type { TaskSpec } from './task-spec.js';
import type { TurnInput } from './turn-input.js';
import type { Verifier } from './verifier.js';

/**
 * The front agent answers a turn itself, without delegating (the `solo` baseline, and every strategy's
 * "self" assessment). With verifiers, a rejected answer goes to a human when `escalate` is on.
 */
export async function answerDirectly(options: {
  agent: Agent;
  task: TaskSpec;
  turn: TurnInput;
  scope: RunScope;
  transfer: ContextPolicy;
  verifiers?: readonly Verifier[];
  escalate?: boolean;
  /** Time the run may take; defaults to the scope's `attemptTimeoutMs` (as for a delegate attempt). */
  attemptTimeoutMs?: number;
}): Promise<StrategyAnswer> {
  const { agent, scope } = options;
  const runId = createId('run');
  const selection = await options.transfer.select(options.turn, scope);
  let characters = 0;
  for (const message of selection.messages) characters += message.content.length;
  if (scope.emitting) {
    scope.emit({
      type: 'agent-run-start',
      id: runId,
      parentId: scope.parentEventId,
      agentId: agent.id,
      agentKind: agent.kind,
      goal: options.task.goal,
    });
  }
  let output: AgentOutput | undefined;
  // The front agent answering itself gets the same time limit as any delegate.
  const timeout = scope.guard(agent.id, options.attemptTimeoutMs ?? scope.limits.attemptTimeoutMs);
  try {
    scope.ensureCanProceed();
    output = await raceSignal(
      agent.run(
        {
          task: options.task,
          context: {
            ...selection,
            info: {
              policy: options.transfer.name,
              messages: selection.messages.length,
              characters,
              redactions: 0,
            },
          },
          previousAttempts: [],
        },
        scope.child({ parentEventId: runId, signal: timeout.signal }),
      ),
      timeout.signal,
    );
  } catch (caught) {
    const error = toBatonError(caught);
    if (scope.emitting) {
      scope.emit({
        type: 'agent-run-end',
        id: runId,
        parentId: scope.parentEventId,
        agentId: agent.id,
        error: { code: error.code, message: error.message },
        usage: emptyUsage,
      });
    }
    throw error;
  } finally {
    timeout.dispose();
  }
  if (scope.emitting) {
    scope.emit({
      type: 'agent-run-end',
      id: runId,
      parentId: scope.parentEventId,
      agentId: agent.id,
      output: output.text,
      ...(output.confidence !== undefined ? { confidence: output.confidence } : {}),
      usage: output.usage,
    });
  }
  if (output.status === 'needs-human') {
    return {
      answer: null,
      outcome: 'escalated',
      respondedBy: ['human'],
      delegations: [],
      escalation: { reason: output.text },
    };
  }
  const verdicts: Verdict[] = [];
  for (const verifier of options.verifiers ?? [])
    verdicts.push(await verifier.verify(output, { task: options.task, agent }, scope));
  if (verdicts.length > 0 && scope.emitting) {
    scope.emit({
      type: 'verification-end',
      id: createId('ver'),
      // The agent run has ended by now; the verification belongs to the turn, like the run.
      parentId: scope.parentEventId,
      agentId: agent.id,
      attempt: 1,
      passed: verdicts.every((verdict) => verdict.passed),
      verdicts,
    });
  }
  const failed = verdicts.filter((verdict) => !verdict.passed);
  if (failed.length > 0 && options.escalate) {
    return {
      answer: null,
      outcome: 'escalated',
      respondedBy: ['human'],
      delegations: [],
      escalation: {
        reason: `${agent.id}'s own answer was rejected: ${failed.map((verdict) => verdict.reason).join('; ')}`,
      },
    };
  }
  return { answer: output.text, outcome: 'answered', respondedBy: [agent.id], delegations: [] };
}
