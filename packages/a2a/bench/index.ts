/*
 * What a remote delegation costs over a local one, on loopback. The same retrieval agent answers
 * the same turn, once on the team's roster in-process and once behind `serveA2a` in a child
 * process (a second service), called through `createA2aAgent` (streaming, the default). The team,
 * strategy and verification are identical, so the difference is the A2A round trip: JSON-RPC over
 * HTTP, server-sent events, the SDK's request handler and task store, both (de)serialisations.
 * Exits non-zero only on a crash; the figures go in the README by hand.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Role } from '@a2a-js/sdk';
import { ClientFactory } from '@a2a-js/sdk/client';
import { createTeam, defineStrategy, type Selector, type Team } from '@baton/core';
import { fakeAgent } from '@baton/core/testing';
import { Bench } from 'tinybench';
import { createA2aAgent } from '../src/create-a2a-agent.js';
import { serveA2a } from '../src/serve-a2a.js';
import { textPart } from '../src/task-message.js';
import { billingAgent } from './fixture.js';

const turn = { message: 'How long does a refund take?', history: [] };
const toBilling: Selector = {
  name: 'billing',
  select: () => ({ candidates: [{ agentId: 'billing', score: 0.9 }] }),
};

function teamWith(
  billing: Awaited<ReturnType<typeof createA2aAgent>> | ReturnType<typeof billingAgent>,
): Team {
  return createTeam({
    front: fakeAgent({ card: { id: 'desk', name: 'Desk', description: 'Front desk.' }, reply: 'desk' }),
    delegates: [billing],
    strategy: defineStrategy({ name: 'bench', select: toBilling }),
  });
}

async function startServer(): Promise<{ url: string; process: ChildProcess }> {
  const script = fileURLToPath(new URL('./serve-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@baton/source', script], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`The A2A server exited with ${code}.`)));
    child.stdout?.once('data', (data) => resolve(String(data).trim()));
  });
  child.removeAllListeners('exit');
  return { url, process: child };
}

function stopServer(server: { process: ChildProcess }): Promise<void> {
  return new Promise((resolve) => {
    server.process.once('exit', () => resolve());
    server.process.stdin?.end();
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!;
}

const local = teamWith(billingAgent());
const child = await startServer();
const inProcess = await serveA2a(billingAgent());
try {
  const remote = teamWith(await createA2aAgent({ url: child.url }));
  const remoteInProcess = teamWith(await createA2aAgent({ url: inProcess.url }));
  const check = await remote.respond(turn);
  const expected = (await local.respond(turn)).answer;
  if (check.answer !== expected)
    throw new Error(`Remote and local answers differ: ${check.answer} / ${expected}`);

  const names = {
    local: 'local delegate (in-process)',
    remote: 'remote delegate (A2A, other process)',
    sameProcess: 'remote delegate (A2A, same process)',
  };
  const bench = new Bench({ name: 'one delegated turn at a time', time: 2_000 });
  bench
    .add(names.local, async () => {
      await local.respond(turn);
    })
    .add(names.remote, async () => {
      await remote.respond(turn);
    })
    .add(names.sameProcess, async () => {
      await remoteInProcess.respond(turn);
    });
  await bench.run();
  console.log(`\n${bench.name}`);
  console.table(bench.table());

  // The overhead comes from turns paired one by one in rotating order: on a shared machine the
  // speed drifts by more than some of what we measure, and pairing cancels the drift. The SDK's own
  // client streaming one text message to the same service shows how much is the protocol itself.
  const sdk = await new ClientFactory().createFromUrl(child.url);
  const sdkRoundTrip = async () => {
    const message = {
      messageId: randomUUID(),
      contextId: '',
      taskId: '',
      role: Role.ROLE_USER,
      parts: [textPart(turn.message)],
      metadata: undefined,
      extensions: [],
      referenceTaskIds: [],
    };
    for await (const _event of sdk.sendMessageStream({
      tenant: '',
      message,
      configuration: undefined,
      metadata: undefined,
    })) {
      // drain
    }
  };
  const rounds = 1_000;
  const samples = { local: [] as number[], remote: [] as number[], sdk: [] as number[] };
  const calls: [keyof typeof samples, () => Promise<unknown>][] = [
    ['local', () => local.respond(turn)],
    ['remote', () => remote.respond(turn)],
    ['sdk', sdkRoundTrip],
  ];
  for (let round = 0; round < rounds; round++) {
    for (let offset = 0; offset < calls.length; offset++) {
      const [name, call] = calls[(round + offset) % calls.length]!;
      const started = performance.now();
      await call();
      samples[name].push(performance.now() - started);
    }
  }
  const localMs = median(samples.local);
  const remoteMs = median(samples.remote);
  const sdkMs = median(samples.sdk);
  console.log(`\n@baton/a2a: a remote delegation against a local one (${rounds} rotating rounds, loopback)`);
  console.table(
    [
      ['local delegate, whole turn', samples.local],
      ['remote delegate (A2A), whole turn', samples.remote],
      ['SDK client alone, one streamed message', samples.sdk],
    ].map(([what, values]) => ({
      what,
      'median ms': median(values as number[]).toFixed(3),
      'p95 ms': percentile(values as number[], 0.95).toFixed(3),
    })),
  );
  console.log(
    `Remote adds ${(remoteMs - localMs).toFixed(3)} ms per delegation at the median; the bare A2A round trip with the SDK is ${sdkMs.toFixed(3)} ms of it.`,
  );
} finally {
  await inProcess.close();
  await stopServer(child);
}
