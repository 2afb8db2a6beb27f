import type { ItemResult, ScoreValue } from '../item-result.js';

// Test data for the summary and report tests (not exported from the package). Every number the
// tests expect is worked out by hand in the test that uses it; the table below is the source.
//
// Three conversations (c1 with turns 0 and 2, c2 with turn 0, c3 with turns 0 and 2) replayed by a
// baseline `lexical` and a candidate `trained`. Gold domains: `billing`, except c2#0 (`human`: the
// customer needs a person) and c3#0 (unlabelled). The scores are what `scoreItem` gives each
// outcome: an escalation's quality is 1 when a human was needed, a failure's 0; a failed or errored
// turn of a delegating strategy is a failed delegation (attempted, and a fallback).
//
// | item | lexical                                   | trained                                        |
// |------|-------------------------------------------|------------------------------------------------|
// | c1#0 | answered q .8 cl .2 route ✓ pass          | answered q .9 cl .1 route ✓ pass               |
// | c1#2 | answered q .6 cl .4 retry route ✗ pass    | answered q .7 cl .3 alternative route ✓ pass   |
// | c2#0 | escalated (human needed) q 1 route ✓ pass | answered q .4 cl .6 retry+self route ✗ fail,   |
// |      |                                           |   a missed escalation                          |
// | c3#0 | error q 0, failed delegation, fail        | answered q .6 cl .4 unlabelled pass            |
// | c3#2 | answered, no delegation q .5 cl .5        | failed q 0, failed delegation after            |
// |      |   route ✗ fail                            |   retry+alternative, route ✗ fail              |

/** Fields of an {@link ItemResult} a test cares about; the rest get plain defaults. */
export interface ExampleItemInput {
  strategy: string;
  conversationId: string;
  turnIndex: number;
  repeat?: number;
  outcome?: ItemResult['outcome'];
  answer?: string | null;
  input?: string;
  /** The human's reply; `null` for a routing-only turn. Default `reference <id>`. */
  reference?: string | null;
  /** The annotated nuggets. Default one (none for a routing-only turn). */
  nuggets?: string[];
  latencyMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  scores?: Record<string, ScoreValue>;
  domains?: string[];
}

/** Builds an {@link ItemResult} with defaults for everything the test does not set. */
export function makeItem(input: ExampleItemInput): ItemResult {
  const outcome = input.outcome ?? 'answered';
  const reference =
    input.reference === undefined ? `reference ${input.conversationId}#${input.turnIndex}` : input.reference;
  const nuggets =
    input.nuggets ?? (reference === null ? [] : [`fact of ${input.conversationId}#${input.turnIndex}`]);
  return {
    itemId: `${input.conversationId}#${input.turnIndex}`,
    conversationId: input.conversationId,
    turnIndex: input.turnIndex,
    repeat: input.repeat ?? 0,
    strategy: input.strategy,
    input: input.input ?? `question ${input.conversationId}#${input.turnIndex}`,
    reference,
    nuggets,
    nuggetSource: nuggets.length > 0 ? 'annotated' : 'none',
    gold: { domains: input.domains ?? ['billing'] },
    outcome,
    answer:
      input.answer !== undefined
        ? input.answer
        : outcome === 'answered'
          ? `answer ${input.conversationId}#${input.turnIndex}`
          : null,
    respondedBy: outcome === 'answered' ? ['billing-agent'] : [],
    ...(outcome === 'error' ? { error: { code: 'model-error', message: 'boom' } } : {}),
    delegations: [],
    usage: { inputTokens: input.inputTokens ?? 10, outputTokens: input.outputTokens ?? 20 },
    costUsd: input.costUsd ?? 0.001,
    latencyMs: input.latencyMs ?? 100,
    scores: input.scores ?? {},
  };
}

interface TurnScores {
  outcome?: ItemResult['outcome'];
  quality: number | null;
  cleanup: number;
  attempted: boolean;
  rungs?: ('retry' | 'alternative' | 'self' | 'human')[];
  /** Whether the gold label says a human is needed; `null` for an unlabelled turn. Default false. */
  humanNeeded?: boolean | null;
  routing: boolean | null;
  pass: boolean;
  extra?: Record<string, ScoreValue>;
}

function scores(turn: TurnScores): Record<string, ScoreValue> {
  const outcome = turn.outcome ?? 'answered';
  const rungs = turn.rungs ?? [];
  const escalated = outcome === 'escalated';
  const failed = turn.attempted && (outcome === 'failed' || outcome === 'error');
  const needed = turn.humanNeeded === undefined ? false : turn.humanNeeded;
  return {
    answerQuality: turn.quality,
    answeredQuality: outcome === 'answered' ? turn.quality : null,
    humanCleanup: turn.cleanup,
    needsCleanup: turn.cleanup > 0.3,
    recordedHter: null,
    delegationAttempted: turn.attempted,
    fallback: turn.attempted ? failed || rungs.length > 0 : null,
    delegationFailed: turn.attempted ? failed : null,
    'fallback.retry': turn.attempted ? rungs.includes('retry') : null,
    'fallback.alternative': turn.attempted ? rungs.includes('alternative') : null,
    'fallback.self': turn.attempted ? rungs.includes('self') : null,
    'fallback.human': turn.attempted ? rungs.includes('human') : null,
    escalated,
    unnecessaryEscalation: needed === false ? escalated : null,
    missedEscalation: needed === true ? !escalated : null,
    routingCorrect: turn.routing,
    pass: turn.pass,
    ...turn.extra,
  };
}

/** The baseline's five turns (see the table above). Latencies 100, 300, 200, 50, 150 ms. */
export const lexicalItems: ItemResult[] = [
  makeItem({
    strategy: 'lexical',
    conversationId: 'c1',
    turnIndex: 0,
    latencyMs: 100,
    scores: scores({ quality: 0.8, cleanup: 0.2, attempted: true, routing: true, pass: true }),
  }),
  makeItem({
    strategy: 'lexical',
    conversationId: 'c1',
    turnIndex: 2,
    latencyMs: 300,
    scores: scores({
      quality: 0.6,
      cleanup: 0.4,
      attempted: true,
      rungs: ['retry'],
      routing: false,
      pass: true,
    }),
  }),
  makeItem({
    strategy: 'lexical',
    conversationId: 'c2',
    turnIndex: 0,
    outcome: 'escalated',
    latencyMs: 200,
    domains: ['human'],
    scores: scores({
      outcome: 'escalated',
      quality: 1,
      cleanup: 1,
      attempted: true,
      rungs: ['human'],
      humanNeeded: true,
      routing: true,
      pass: true,
    }),
  }),
  makeItem({
    strategy: 'lexical',
    conversationId: 'c3',
    turnIndex: 0,
    outcome: 'error',
    latencyMs: 50,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    domains: [],
    scores: scores({
      outcome: 'error',
      quality: 0,
      cleanup: 1,
      attempted: true,
      humanNeeded: null,
      routing: null,
      pass: false,
    }),
  }),
  makeItem({
    strategy: 'lexical',
    conversationId: 'c3',
    turnIndex: 2,
    latencyMs: 150,
    scores: scores({ quality: 0.5, cleanup: 0.5, attempted: false, routing: false, pass: false }),
  }),
];

/**
 * The candidate's five turns (see the table above), with a custom numeric score `politeness` on
 * two turns and a categorical `tone` that no mean can be taken of.
 */
export const trainedItems: ItemResult[] = [
  makeItem({
    strategy: 'trained',
    conversationId: 'c1',
    turnIndex: 0,
    latencyMs: 80,
    costUsd: 0.002,
    scores: scores({
      quality: 0.9,
      cleanup: 0.1,
      attempted: true,
      routing: true,
      pass: true,
      extra: { politeness: 1, tone: 'warm' },
    }),
  }),
  makeItem({
    strategy: 'trained',
    conversationId: 'c1',
    turnIndex: 2,
    latencyMs: 400,
    costUsd: 0.004,
    scores: scores({
      quality: 0.7,
      cleanup: 0.3,
      attempted: true,
      rungs: ['alternative'],
      routing: true,
      pass: true,
      extra: { politeness: 0.5, tone: 'flat' },
    }),
  }),
  makeItem({
    strategy: 'trained',
    conversationId: 'c2',
    turnIndex: 0,
    latencyMs: 120,
    costUsd: 0.002,
    domains: ['human'],
    scores: scores({
      quality: 0.4,
      cleanup: 0.6,
      attempted: true,
      rungs: ['retry', 'self'],
      humanNeeded: true,
      routing: false,
      pass: false,
    }),
  }),
  makeItem({
    strategy: 'trained',
    conversationId: 'c3',
    turnIndex: 0,
    latencyMs: 90,
    costUsd: 0.001,
    domains: [],
    scores: scores({
      quality: 0.6,
      cleanup: 0.4,
      attempted: true,
      humanNeeded: null,
      routing: null,
      pass: true,
    }),
  }),
  makeItem({
    strategy: 'trained',
    conversationId: 'c3',
    turnIndex: 2,
    outcome: 'failed',
    latencyMs: 600,
    costUsd: 0.006,
    scores: scores({
      outcome: 'failed',
      quality: 0,
      cleanup: 1,
      attempted: true,
      rungs: ['retry', 'alternative'],
      routing: false,
      pass: false,
    }),
  }),
];
