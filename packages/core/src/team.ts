import type { Agent, AgentOutput } from './agent.js';
import { BatonError, toBatonError } from './baton-error.js';
import { Budget, type BudgetLimits } from './budget.js';
import type { CapabilityCardInput } from './capability-card.js';
import { capabilityCardSchema } from './capability-card.js';
import type { Usage } from './chat-model.js';
import { type Clock, systemClock } from './clock.js';
import { createId } from './create-id.js';
import type { DelegationEventListener } from './delegation-event.js';
import type { ErrorInfo } from './delegation-record.js';
import { guessLanguage } from './language/index.js';
import { type DelegationAllowlist, Roster } from './roster.js';
import { type RunLimits, RunScope } from './run-scope.js';
import type { Strategy, StrategyAnswer } from './strategy.js';
import type { TurnInput } from './turn-input.js';

/** Options of {@link createTeam}. */
export interface TeamOptions {
  /** The agent that talks to the user and stays responsible. */
  front: Agent;
  delegates: readonly Agent[];
  strategy: Strategy;
  /** Who may delegate to whom; default: the front agent to every delegate. */
  allow?: DelegationAllowlist;
  limits?: Partial<RunLimits> & {
    /** Budget for one turn, shared by every delegation under it. */
    budget?: BudgetLimits;
  };
  /** Receives every event (tracing plugs in here). */
  onEvent?: DelegationEventListener;
  /**
   * The languages the team may answer in, preferred first (BCP 47). The customer's language is
   * always preferred; when no agent of the team speaks it, a reply in one of these is accepted (and
   * the verdict records the fallback) instead of failing verification. Default: none, so replies
   * must be in the customer's language.
   */
  replyLanguages?: readonly string[];
  /** Time and timers for deadlines, timeouts and wall-time budgets. Default: the system clock. */
  clock?: Clock;
  /** Called when a turn ends with a human (open a ticket, page someone). Errors are ignored. */
  onEscalate?: (escalation: { turn: TurnInput; reason: string; strategy: string }) => void | Promise<void>;
}

/** One answered turn, with everything the harness measures. */
export interface TurnResult extends StrategyAnswer {
  turnId: string;
  strategy: string;
  usage: Usage;
  costUsd: number;
  latencyMs: number;
}

/** A front agent, its delegates and a strategy: answers turns. */
export interface Team {
  readonly roster: Roster;
  readonly strategy: Strategy;
  /**
   * Answers one turn. Never rejects for a failed delegation (the result says `failed` with the error);
   * rejects only on cancellation and on user errors such as an invalid roster.
   */
  respond(
    turn: TurnInput,
    options?: {
      signal?: AbortSignal;
      state?: Record<string, unknown>;
      onEvent?: DelegationEventListener;
      scope?: RunScope;
    },
  ): Promise<TurnResult>;
  /** The team as one agent, so it can be a delegate of another team (nested delegation). */
  asAgent(card: CapabilityCardInput): Agent;
}

/**
 * Builds a team. Three agents and a fallback in a few lines:
 *
 * @example
 * ```ts
 * const team = createTeam({
 *   front: createRetrievalAgent({ card: frontCard, articles: general, smallTalk: true }),
 *   delegates: [billing, technical],
 *   strategy: verifyRecover(),
 * });
 * const result = await team.respond({ message: 'I was charged twice this month', history: [] });
 * ```
 */
export function createTeam(options: TeamOptions): Team {
  const roster = new Roster({
    front: options.front,
    delegates: options.delegates,
    ...(options.allow ? { allow: options.allow } : {}),
  });
  const limits: Partial<RunLimits> = {
    maxDepth: options.limits?.maxDepth ?? 3,
    attemptTimeoutMs: options.limits?.attemptTimeoutMs ?? 60_000,
  };
  const { strategy } = options;
  const clock = options.clock ?? systemClock;

  const respond: Team['respond'] = async (turn, respondOptions = {}) => {
    const listener = respondOptions.onEvent ?? options.onEvent;
    const turnId = createId('turn');
    const parent = respondOptions.scope;
    const scope = parent
      ? parent.child({ parentEventId: turnId, budget: options.limits?.budget ?? {} })
      : new RunScope({
          // Always the same keys (values may be undefined): one object shape for V8 to optimise.
          signal: respondOptions.signal,
          budget: new Budget(options.limits?.budget, undefined, () => clock.now()),
          clock,
          limits,
          listener,
          parentEventId: turnId,
        });
    const started = scope.clock.now();
    const language = turn.language ?? turnLanguage(turn);
    if (scope.emitting) {
      scope.emit({
        type: 'turn-start',
        id: turnId,
        ...(parent?.parentEventId ? { parentId: parent.parentEventId } : {}),
        strategy: strategy.name,
        input: turn.message,
        ...(turn.conversationId !== undefined ? { conversationId: turn.conversationId } : {}),
        ...(turn.turnIndex !== undefined ? { turnIndex: turn.turnIndex } : {}),
        ...(turn.sessionId !== undefined ? { sessionId: turn.sessionId } : {}),
        ...(turn.userId !== undefined ? { userId: turn.userId } : {}),
      });
    }
    let answer: StrategyAnswer;
    try {
      answer = await strategy.respond(turn, {
        roster,
        scope,
        state: respondOptions.state ?? {},
        language,
        ...(options.replyLanguages ? { replyLanguages: options.replyLanguages } : {}),
      });
    } catch (caught) {
      const error = toBatonError(caught);
      if (error.code === 'aborted' || error.isUserError) {
        emitEnd(scope, turnId, parent, strategy.name, failed(error), started);
        throw error;
      }
      answer = failed(error);
    }
    const result = emitEnd(scope, turnId, parent, strategy.name, answer, started);
    if (answer.outcome === 'escalated' && options.onEscalate) {
      try {
        await options.onEscalate({
          turn,
          reason: answer.escalation?.reason ?? 'escalated',
          strategy: strategy.name,
        });
      } catch {
        // Paging a human is best effort; the turn's result already says it escalated.
      }
    }
    return result;
  };

  return {
    roster,
    strategy,
    respond,
    asAgent(cardInput) {
      const card = capabilityCardSchema.parse(cardInput);
      return {
        id: card.id,
        card,
        kind: 'team',
        async run(input, scope): Promise<AgentOutput> {
          const result = await respond(
            {
              message: input.task.goal,
              history: input.context.messages,
              ...(input.task.language ? { language: input.task.language } : {}),
            },
            { scope },
          );
          if (result.outcome === 'failed') {
            throw new BatonError('delegation-failed', result.error?.message ?? 'the team could not answer');
          }
          return {
            text: result.answer ?? '',
            status: result.outcome === 'escalated' ? 'needs-human' : 'answered',
            usage: result.usage,
            costUsd: result.costUsd,
          };
        },
      };
    },
  };
}

/**
 * The customer's language: from the message, or — when the message gives no evidence ("ok",
 * an order number) — from their most recent earlier messages; English when nothing tells.
 */
function turnLanguage(turn: TurnInput): string {
  const own = guessLanguage(turn.message);
  if (own) return own;
  const earlier = turn.history.filter((message) => message.role === 'user').slice(-3);
  for (const message of earlier.reverse()) {
    const found = guessLanguage(message.content);
    if (found) return found;
  }
  return 'en';
}

function failed(error: BatonError): StrategyAnswer {
  const info: ErrorInfo = { code: error.code, message: error.message };
  return { answer: null, outcome: 'failed', respondedBy: [], delegations: [], error: info };
}

function emitEnd(
  scope: RunScope,
  turnId: string,
  parent: RunScope | undefined,
  strategy: string,
  answer: StrategyAnswer,
  started: number,
): TurnResult {
  const spent = scope.budget.spent();
  // Object.assign rather than a spread: strategies build answers of several shapes (with or without
  // `escalation`, `error`), and a spread of many shapes at one site costs V8 a slow clone each turn.
  const result: TurnResult = Object.assign({}, answer, {
    turnId,
    strategy,
    usage: spent.usage,
    costUsd: spent.costUsd,
    latencyMs: scope.clock.now() - started,
  });
  if (scope.emitting) {
    scope.emit({
      type: 'turn-end',
      id: turnId,
      ...(parent?.parentEventId ? { parentId: parent.parentEventId } : {}),
      strategy,
      outcome: result.outcome,
      answer: result.answer,
      respondedBy: result.respondedBy,
      usage: result.usage,
      costUsd: result.costUsd,
      latencyMs: result.latencyMs,
      ...(result.error ? { error: result.error } : {}),
    });
  }
  return result;
}
