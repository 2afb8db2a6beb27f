/**
 * The core's own overhead per delegation, with a scripted zero-latency model: whatever time is
 * measured here is Baton's (selection, context transfer, monitoring, verification, records), not a
 * model's. Target: median under 50 µs per delegation. Run with `npm run bench`.
 *
 * It measures the compiled build (`dist/`, built by the bench script; `@baton/core` resolves to it
 * without the `@baton/source` condition), which is what users run: through tsx, the sources carry
 * esbuild's name-keeping wrappers, which added about a quarter to every figure.
 *
 * Also the wall-clock side of the parallel strategy, which the tests check on a fake clock only:
 * three branches of 20 ms each should answer in about 20 ms, not 60.
 */

import {
  confidenceVerifier,
  createLlmAgent,
  createTeam,
  type DelegationEvent,
  defineTask,
  delegate,
  failureLadder,
  parallel,
  RecentResults,
  Roster,
  RunScope,
  routeLexical,
} from '@baton/core';
import { fakeAgent, scriptedChatModel } from '@baton/core/testing';
import { Bench } from 'tinybench';
import { compareWithOpenAIAgents } from './as-tool-comparison.js';

const model = scriptedChatModel(() => ({
  content: 'Refunds take 5–10 business days.',
  usage: { inputTokens: 10, outputTokens: 8 },
}));
const card = (id: string, words: string) => ({
  id,
  name: id,
  description: words,
  domains: [id],
  skills: [{ id, name: id, description: words, examples: [words] }],
});
const front = createLlmAgent({ card: card('front', 'general questions'), model, instructions: 'front' });
const billing = createLlmAgent({
  card: card('billing', 'invoice refund charge plan'),
  model,
  instructions: 'billing',
});
const technical = createLlmAgent({
  card: card('technical', 'printer reader crash'),
  model,
  instructions: 'technical',
});
const roster = new Roster({ front, delegates: [billing, technical] });
const turn = {
  message: 'I was charged twice, can I get a refund?',
  history: [{ role: 'user' as const, content: 'hello' }],
};
const task = defineTask({ goal: turn.message, language: 'en' });
const candidates = [
  { agentId: 'billing', score: 0.9 },
  { agentId: 'technical', score: 0.2 },
];
const verifiers = [confidenceVerifier()];
const ladder = failureLadder();
const team = createTeam({ front, delegates: [billing, technical], strategy: routeLexical() });
const events: DelegationEvent[] = [];
const tracedTeam = createTeam({
  front,
  delegates: [billing, technical],
  strategy: routeLexical(),
  onEvent: (event) => {
    events.push(event);
    if (events.length > 10_000) events.length = 0;
  },
});

const branchMs = 20;
const slowBranch = (id: string, words: string) =>
  fakeAgent({ card: card(id, words), delayMs: branchMs, reply: `${id} done` });
const parallelTeam = createTeam({
  front,
  delegates: [
    slowBranch('billing', 'invoice refund charge'),
    slowBranch('technical', 'printer paper jam'),
    slowBranch('orders', 'parcel delivery tracking'),
  ],
  strategy: parallel({ concurrency: 3 }),
});
const threeParts = {
  message:
    'My invoice shows a double charge, I need a refund. Also the printer has a paper jam. And also where is my parcel delivery tracking?',
  history: [],
};

const bench = new Bench({ time: 1500, warmup: true, warmupTime: 300 });
bench
  .add('delegate(): one delegation, verified, ladder armed', async () => {
    await delegate({
      roster,
      delegator: front,
      task,
      turn,
      candidates,
      reason: 'bench',
      strategy: 'bench',
      scope: new RunScope(),
      verifiers,
      ladder,
    });
  })
  .add('team.respond(): lexical selection + delegation', async () => {
    await team.respond(turn);
  })
  .add('team.respond() with an event listener', async () => {
    await tracedTeam.respond(turn);
  })
  .add(`parallel(): three branches of ${branchMs} ms`, async () => {
    const result = await parallelTeam.respond(threeParts);
    if (result.delegations.length !== 3) throw new Error('expected three parallel delegations');
  });

// The memo under every repeated text computation (tokens, searches, classifications, scores):
// lookups at the largest capacity the harness uses, half of them keys seen before (a skewed pool of
// 3,000, as shared words and answers are), half one-off keys (ticket numbers), so it evicts all the
// time. Measured per 1,000 lookups.
const memo = new RecentResults<string, number>(8192);
const memoKeys: string[] = [];
let memoState = 7;
const memoRandom = () => {
  memoState = (memoState * 1_103_515_245 + 12_345) % 2_147_483_648;
  return memoState / 2_147_483_648;
};
for (let index = 0; index < 200_000; index += 1) {
  memoKeys.push(memoRandom() < 0.5 ? `shared-${Math.floor(memoRandom() ** 3 * 3000)}` : `one-off-${index}`);
}
let memoAt = 0;
bench.add('RecentResults(8,192): 1,000 lookups, half one-off keys', () => {
  for (let count = 0; count < 1000; count += 1) {
    memo.get(memoKeys[memoAt]!, (key) => key.length);
    memoAt = memoAt + 1 === memoKeys.length ? 0 : memoAt + 1;
  }
});

await bench.run();

const rows = bench.tasks.map((task) => {
  const result = task.result;
  const latency = result && 'latency' in result ? result.latency : undefined;
  const medianUs = latency?.p50 === undefined ? Number.NaN : latency.p50 * 1000;
  return {
    task: task.name,
    'median µs': medianUs.toFixed(1),
    'p99 µs': ((latency?.p99 ?? Number.NaN) * 1000).toFixed(1),
    samples: latency?.samplesCount ?? 0,
  };
});
console.table(rows);
const delegation = Number(rows[0]?.['median µs']);
const verdict = delegation < 50 ? 'meets' : 'MISSES';
console.log(`core overhead per delegation: median ${delegation.toFixed(1)} µs — ${verdict} the 50 µs target`);
const parallelMs = Number(rows[3]?.['median µs']) / 1000;
console.log(
  `parallel strategy, three branches of ${branchMs} ms: median ${parallelMs.toFixed(1)} ms — ${
    parallelMs < 2 * branchMs ? 'concurrent' : 'NOT concurrent'
  } (one after another would take ${3 * branchMs} ms)`,
);

// Model-driven delegation (route-llm → an LLM delegate) against @openai/agents' agent-as-tool, in
// this process, stub models on both sides (see as-tool-comparison.ts).
const asTool = await compareWithOpenAIAgents();
console.log(
  `asTool-equivalent: Baton ${asTool.blocks.batonUs.toFixed(0)} µs vs @openai/agents ${asTool.blocks.agentsUs.toFixed(0)} µs median per call in alternating blocks of 50 = ${asTool.blocks.ratio.toFixed(3)}× — ${
    asTool.met ? 'meets' : 'MISSES'
  } the ≤ 0.1× target (call by call: ${asTool.alternating.batonUs.toFixed(0)} vs ${asTool.alternating.agentsUs.toFixed(0)} µs = ${asTool.alternating.ratio.toFixed(3)}×)`,
);
