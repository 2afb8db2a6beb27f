import type { ItemResult, ScoreValue } from '../item-result.js';

// Test data for the summary and report tests (not exported from the package). Every number the
// tests expect is worked out by hand in the test that uses it; the table below is the source.
//
// Three conversations (c1 with turns 0 and 2, c2 with turn 0, c3 with turns 0 and 2) replayed by a
// baseline `lexical` and a candidate `trained`:
//
// | item | lexical                               | trained                                   |
// |------|---------------------------------------|-------------------------------------------|
// | c1#0 | answered q .8 cl .2 route ✓ pass      | answered q .9 cl .1 route ✓ pass          |
// | c1#2 | answered q .6 cl .4 retry route ✗ pass| answered q .7 cl .3 alternative route ✓ pass |
// | c2#0 | escalated (human) route ✓ pass        | answered q .4 cl .6 retry+self route ✓ fail |
// | c3#0 | error, unlabelled, fail               | answered q .6 cl .4 unlabelled pass       |
// | c3#2 | answered, no delegation q .5 cl .5 route ✗ fail | failed retry+alternative route ✗ fail |

/** Fields of an {@link ItemResult} a test cares about; the rest get plain defaults. */
export interface ExampleItemInput {
  strategy: string;
  conversationId: string;
  turnIndex: number;
  repeat?: number;
  outcome?: ItemResult['outcome'];
  answer?: string | null;
  input?: string;
  reference?: string;
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
  return {
    itemId: `${input.conversationId}#${input.turnIndex}`,
    conversationId: input.conversationId,
    turnIndex: input.turnIndex,
    repeat: input.repeat ?? 0,
    strategy: input.strategy,
    input: input.input ?? `question ${input.conversationId}#${input.turnIndex}`,
    reference: input.reference ?? `reference ${input.conversationId}#${input.turnIndex}`,
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
  quality: number | null;
  cleanup: number;
  attempted: boolean;
  rungs?: ('retry' | 'alternative' | 'self' | 'human')[];
  escalated?: boolean;
  routing: boolean | null;
  pass: boolean;
  extra?: Record<string, ScoreValue>;
}

function scores(turn: TurnScores): Record<string, ScoreValue> {
  const rungs = turn.rungs ?? [];
  return {
    answerQuality: turn.quality,
    humanCleanup: turn.cleanup,
    needsCleanup: turn.cleanup > 0.3,
    delegationAttempted: turn.attempted,
    fallback: rungs.length > 0,
    'fallback.retry': rungs.includes('retry'),
    'fallback.alternative': rungs.includes('alternative'),
    'fallback.self': rungs.includes('self'),
    'fallback.human': rungs.includes('human'),
    escalated: turn.escalated ?? false,
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
    scores: scores({
      quality: null,
      cleanup: 1,
      attempted: true,
      rungs: ['human'],
      escalated: true,
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
    scores: {
      ...scores({ quality: 0, cleanup: 1, attempted: true, routing: null, pass: false }),
      fallback: true,
    },
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
    scores: scores({
      quality: 0.4,
      cleanup: 0.6,
      attempted: true,
      rungs: ['retry', 'self'],
      routing: true,
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
    scores: scores({ quality: 0.6, cleanup: 0.4, attempted: true, routing: null, pass: true }),
  }),
  makeItem({
    strategy: 'trained',
    conversationId: 'c3',
    turnIndex: 2,
    outcome: 'failed',
    latencyMs: 600,
    costUsd: 0.006,
    scores: scores({
      quality: 0,
      cleanup: 1,
      attempted: true,
      rungs: ['retry', 'alternative'],
      routing: false,
      pass: false,
    }),
  }),
];
