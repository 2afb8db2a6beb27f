/*
 * Benchmark of the harness against a faulty host (issue 14): the wall time of an LLM run of the
 * support corpus against the mock OpenAI server, fault-free and with 30 % of the calls failing in
 * six ways (429 with Retry-After, 500, a hang after the headers, a truncated 200 body, a body cut
 * off, a connection reset). Target: the faulty run within 3× the fault-free one. Loopback only;
 * the server runs in its own process and answers each call after a fixed latency, like a host.
 * Exits non-zero only on a crash; a missed target is reported loudly.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../src/cli/run-cli.js';

/** The host's time per call: a short LLM answer takes about a second. */
const latencyMs = Number(process.env.BATON_BENCH_LATENCY_MS ?? '1000');
const faultRate = 0.3;
/** Conversations of the support corpus's test side: about 25 s fault-free at a second a call. */
const conversationCount = Number(process.env.BATON_BENCH_CONVERSATIONS ?? '12');
const repository = fileURLToPath(new URL('../../../', import.meta.url));
const flags = [
  '--suite',
  join(repository, 'datasets', 'support', 'suite.json'),
  '--model',
  'openai:gpt-4.1-mini',
  '--strategies',
  'solo,route-llm,verify-recover',
  '--concurrency',
  '8',
  '--resamples',
  '200',
  '--no-progress',
  '--no-trace',
  '--no-langfuse',
  // Other timeouts than the defaults, to see how the figure moves with them.
  ...(process.env.BATON_BENCH_IDLE_TIMEOUT_MS
    ? ['--idle-timeout', process.env.BATON_BENCH_IDLE_TIMEOUT_MS]
    : []),
];

interface Server {
  url: string;
  process: ChildProcess;
}

async function startServer(rate: number, seed: number): Promise<Server> {
  const script = fileURLToPath(new URL('./fault-server-process.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@baton/source', script, String(latencyMs), String(rate), String(seed)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`The mock server exited with ${code}.`)));
    child.stdout?.once('data', (data) => resolve(String(data).trim()));
  });
  child.removeAllListeners('exit');
  return { url, process: child };
}

async function stopServer(server: Server): Promise<{ calls: number; faults: Record<string, number> }> {
  const report = new Promise<string>((resolve) =>
    server.process.stdout?.once('data', (data) => resolve(String(data))),
  );
  server.process.stdin?.end();
  return JSON.parse(await report) as { calls: number; faults: Record<string, number> };
}

async function timedRun(rate: number, seed: number, folder: string, conversations = conversationCount) {
  const server = await startServer(rate, seed);
  let stderr = '';
  const out = join(folder, `run-${rate}-${seed}-${conversations}`);
  const started = performance.now();
  const code = await runCli(['eval', ...flags, '--limit', String(conversations), '--out', out], {
    stdout: { write: () => true },
    stderr: {
      write: (text: string) => {
        stderr += text;
        return true;
      },
    },
    env: { OPENAI_API_KEY: 'sk-bench', OPENAI_BASE_URL: server.url },
    cwd: folder,
  });
  const seconds = (performance.now() - started) / 1000;
  const served = await stopServer(server);
  if (code !== 0) throw new Error(`The run exited with ${code}:\n${stderr}`);
  return { seconds, ...served };
}

const folder = await mkdtemp(join(tmpdir(), 'baton-bench-'));
try {
  // A first, short, unmeasured run warms the JIT and the file cache for both.
  await timedRun(0, 0, folder, 2);
  const rounds = Number(process.env.BATON_BENCH_ROUNDS ?? '3');
  const clean: number[] = [];
  const faulty: number[] = [];
  const ratios: number[] = [];
  let last: Awaited<ReturnType<typeof timedRun>> | undefined;
  // Paired rounds (fault-free, then faulty, back to back), so a change in the machine's load hits
  // both runs of a pair alike; the figure is the median of the pairs' ratios.
  for (let round = 1; round <= rounds; round += 1) {
    clean.push((await timedRun(0, round, folder)).seconds);
    last = await timedRun(faultRate, round, folder);
    faulty.push(last.seconds);
    ratios.push(faulty.at(-1)! / clean.at(-1)!);
  }
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  };
  const ratio = median(ratios);
  console.log('\n@baton/eval benchmark: a run against a faulty host');
  console.table([
    {
      run: 'fault-free',
      'wall time': clean.map((seconds) => `${seconds.toFixed(1)} s`).join(', '),
      calls: '',
    },
    {
      run: `${faultRate * 100} % faults`,
      'wall time': faulty.map((seconds) => `${seconds.toFixed(1)} s`).join(', '),
      calls: `${last?.calls} (faults: ${JSON.stringify(last?.faults)})`,
    },
    {
      run: 'faulty / fault-free',
      'wall time': `${ratios.map((value) => value.toFixed(2)).join(', ')} (median ${ratio.toFixed(2)}×)`,
      calls: 'target ≤ 3×',
    },
  ]);
  console.log(
    `${conversationCount} conversations, host latency ${latencyMs} ms a call, ${rounds} rounds, --idle-timeout ${process.env.BATON_BENCH_IDLE_TIMEOUT_MS ?? 'default'}, load average ${loadavg()[0]!.toFixed(1)}. ${ratio <= 3 ? 'Target met.' : 'TARGET MISSED.'}`,
  );
} finally {
  await rm(folder, { recursive: true, force: true });
}
