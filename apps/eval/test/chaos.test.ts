import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createMockOpenAIServer,
  type MockOpenAIServer,
  type MockReply,
  reply,
} from '@baton/providers/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemResult } from '../src/item-result.js';
import type { RunSummary } from '../src/run-summary.js';
import { SeededRandom } from '../src/stats/seeded-random.js';
import { comparableSummary } from './comparable-summary.js';
import { readItemLines } from './read-run-folder.js';
import { e2eSuite, makeTempFolder, runBaton } from './run-baton.js';
import { batonBin, childEnvironment, spawnBaton } from './spawn-baton.js';

// The chaos test of issue 14, bounded and on loopback only: a run killed with SIGKILL at random
// (seeded) points and resumed must end as if never interrupted, and a run against a host with 30 %
// faults must end with every turn answered or carrying its error. Nothing here measures time: the
// bounds are counts, and a hang that only the full 10-minute timeout could end would exceed this
// file's own time budget. The wall-time cost of faults is measured by `npm run bench` instead.

/** The run every trial repeats: an LLM run of the fixture suite against the mock server. */
const runFlags = [
  '--suite',
  e2eSuite,
  '--model',
  'openai:gpt-4.1-mini',
  '--strategies',
  'solo,route-llm,handoff,verify-recover',
  '--concurrency',
  '4',
  '--resamples',
  '200',
  '--no-progress',
  '--no-trace',
];
const killTrials = 10;
const env = (server: MockOpenAIServer) => ({ OPENAI_API_KEY: 'sk-test-chaos', OPENAI_BASE_URL: server.url });
const keyOf = (item: ItemResult) => `${item.strategy} ${item.itemId} ${item.repeat}`;

async function summaryOf(dir: string): Promise<unknown> {
  return comparableSummary(JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunSummary, dir);
}

let temp: Awaited<ReturnType<typeof makeTempFolder>>;
/** What the uninterrupted run made: its summary (comparable), its items by key, its calls. */
let baseline: { summary: unknown; answers: Map<string, string | null>; keys: string[]; requests: number };

beforeAll(async () => {
  temp = await makeTempFolder();
  const server = await createMockOpenAIServer();
  try {
    const outcome = await runBaton(['eval', ...runFlags, '--out', 'baseline'], {
      cwd: temp.path,
      env: env(server),
    });
    expect(outcome.code, outcome.stderr).toBe(0);
    const items = await readItemLines(join(temp.path, 'baseline', 'items.jsonl'));
    baseline = {
      summary: await summaryOf(join(temp.path, 'baseline')),
      answers: new Map(items.map((item) => [keyOf(item), item.answer])),
      keys: items.map(keyOf).sort(),
      requests: server.requests.length,
    };
  } finally {
    await server.close();
  }
}, 120_000);

afterAll(async () => {
  await temp.remove();
});

/** One kill trial: a child run against its own mock server, killed when call `killAt` arrives. */
async function startTrial(trial: number, killAt: number) {
  const out = join(temp.path, `trial-${trial}`);
  let calls = 0;
  let kill = () => {};
  // The server answers as the baseline's did (its answers depend on the request alone).
  const server = await createMockOpenAIServer({
    handler: () => {
      calls += 1;
      if (calls === killAt) kill();
      return undefined;
    },
  });
  const child = spawnBaton(process.execPath, [batonBin, 'eval', ...runFlags, '--out', out], {
    cwd: temp.path,
    env: childEnvironment(env(server)),
  });
  kill = () => child.child.kill('SIGKILL');
  return { trial, killAt, out, server, child };
}

describe('chaos: kill -9 at random points, then --resume', () => {
  // Ten child processes on a loaded two-core machine: the timeout is a budget, not an assertion.
  it(`ends each of ${killTrials} trials with the uninterrupted summary and no lost or duplicated line`, async () => {
    const random = new SeededRandom(14);
    // Somewhere between the first call and the last: the run is certainly cut mid-way.
    const killAt = () => 1 + random.nextInt(baseline.requests - 1);
    let next = await startTrial(0, killAt());
    for (let trial = 0; trial < killTrials; trial += 1) {
      const current = next;
      const exit = await current.child.exited;
      // The next child starts loading while this trial is resumed and checked.
      if (trial + 1 < killTrials) next = await startTrial(trial + 1, killAt());
      try {
        const label = `trial ${trial} (killed at call ${current.killAt})`;
        expect(exit.signal, `${label}: ${current.child.stderr}`).toBe('SIGKILL');
        const resumed = await runBaton(['eval', ...runFlags, '--out', current.out, '--resume'], {
          cwd: temp.path,
          env: env(current.server),
        });
        const context = `${label}: ${resumed.stderr}`;
        expect(resumed.code, context).toBe(0);
        // The dead run's lock was taken over, and that was said once.
        expect(resumed.stderr.match(/took over the lock of pid/g), context).toHaveLength(1);
        const items = await readItemLines(join(current.out, 'items.jsonl'));
        expect(items.map(keyOf).sort(), context).toEqual(baseline.keys);
        for (const item of items)
          expect(item.answer, `${context} ${keyOf(item)}`).toBe(baseline.answers.get(keyOf(item)));
        expect(await summaryOf(current.out), context).toEqual(baseline.summary);
      } finally {
        await current.server.close();
      }
    }
  }, 240_000);
});

/** The six faults, in the order they are dealt out. */
const faultKinds = ['rate-limit', 'server-error', 'hang', 'truncated-json', 'cut-body', 'reset'] as const;
type FaultKind = (typeof faultKinds)[number];

function faultReply(kind: FaultKind): MockReply {
  switch (kind) {
    case 'rate-limit':
      // `retry-after-ms` (OpenAI sends both) wins over the seconds: a short wait keeps the run quick.
      return reply.error(429, { headers: { 'retry-after': '1', 'retry-after-ms': '20' } });
    case 'server-error':
      return reply.error(500);
    case 'hang':
      // The headers and the start of a body, then silence: only the idle timeout can end it.
      return reply.partial('{"id":"chatcmpl-chaos","object":"chat.completion","choices":[', {
        ending: 'hang',
      });
    case 'truncated-json':
      return reply.text(
        '{"id":"chatcmpl-chaos","object":"chat.completion","choices":[{"index":0,"message":{"ro',
      );
    case 'cut-body':
      return reply.partial('{"id":"chatcmpl-chaos","object":"chat.completion","choices":[{"index":0,');
    case 'reset':
      return reply.reset();
  }
}

describe('chaos: 30 % provider faults of six kinds', () => {
  let faults: MockOpenAIServer;
  /** Each fault dealt: its kind and the index of the request it answered. */
  let injected: Array<{ kind: FaultKind; index: number }>;
  let outcome: Awaited<ReturnType<typeof runBaton>>;
  let items: ItemResult[];

  beforeAll(async () => {
    const random = new SeededRandom(30);
    injected = [];
    faults = await createMockOpenAIServer({
      handler: (request) => {
        if (random.nextFloat() >= 0.3) return undefined;
        // Dealt out in turn, so every kind occurs however few calls there are.
        const kind = faultKinds[injected.length % faultKinds.length]!;
        injected.push({ kind, index: faults.requests.indexOf(request) });
        return faultReply(kind);
      },
    });
    outcome = await runBaton(
      // The full timeout is ten minutes: a hang the idle timeout did not cut would outlast this file.
      ['eval', ...runFlags, '--timeout', '600000', '--idle-timeout', '250', '--out', 'faults'],
      { cwd: temp.path, env: env(faults) },
    );
    items = await readItemLines(join(temp.path, 'faults', 'items.jsonl'));
  }, 120_000);

  afterAll(async () => {
    await faults.close();
  });

  it('finishes, with one item per turn and every turn answered or carrying an explicit error', () => {
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(items.map(keyOf).sort()).toEqual(baseline.keys);
    for (const item of items) {
      // A turn that did not end as without faults says why: on the item (a failed turn) or on the
      // delegation attempt that failed before the ladder moved on (an escalation).
      const sameAsWithoutFaults = item.answer === baseline.answers.get(keyOf(item));
      const carriesError =
        item.error !== undefined ||
        item.delegations.some((delegation) =>
          delegation.attempts.some((attempt) => attempt.error !== undefined),
        );
      expect(
        item.outcome === 'answered' || sameAsWithoutFaults || carriesError,
        `${keyOf(item)}: ${item.outcome}`,
      ).toBe(true);
    }
  });

  it('injected all six kinds of fault on about 30 % of the calls, and retried each kind', () => {
    const requests = faults.requests.length;
    expect(new Set(injected.map((fault) => fault.kind))).toEqual(new Set(faultKinds));
    expect(injected.length / requests).toBeGreaterThan(0.15);
    expect(injected.length / requests).toBeLessThan(0.45);
    // A failed attempt is sent again as it was: the same body arrives later.
    const retried = (index: number) =>
      faults.requests.slice(index + 1).some((later) => later.rawBody === faults.requests[index]!.rawBody);
    for (const kind of faultKinds) {
      expect(
        injected.some((fault) => fault.kind === kind && retried(fault.index)),
        kind,
      ).toBe(true);
    }
  });

  it('bounds the work: at most four attempts a call, and no call waited out the full timeout', () => {
    // Every call of the fault-free run, plus at most three retries each.
    expect(faults.requests.length).toBeGreaterThan(baseline.requests);
    expect(faults.requests.length).toBeLessThanOrEqual(baseline.requests * 4);
    for (const item of items) expect(item.error?.message ?? '').not.toContain('within 600000 ms');
  });
});
